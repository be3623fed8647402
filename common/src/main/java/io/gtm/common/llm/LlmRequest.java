package io.gtm.common.llm;

import io.vertx.core.json.JsonObject;

/**
 * One LLM call.
 *
 * @param operation  what the call is for (see {@link LlmOperations}); a metrics label, and what the
 *                   offline provider computes from {@code input}
 * @param system     system prompt
 * @param user       user prompt
 * @param input      the structured input the prompts were written from (goal, evidence, text...);
 *                   the offline provider works from this instead of the prompt text
 * @param jsonSchema when not null, the answer must be JSON of this schema ({@code response_format:
 *                   json_schema}; Gemini {@code responseSchema}); {@code jsonMode} alone asks for any JSON object
 */
public record LlmRequest(String operation, String system, String user, JsonObject input,
                         double temperature, int maxTokens, boolean jsonMode, String schemaName,
                         JsonObject jsonSchema) {

  public static LlmRequest text(String operation, String system, String user, JsonObject input, int maxTokens) {
    return new LlmRequest(operation, system, user, input, 0.2, maxTokens, false, null, null);
  }

  public static LlmRequest json(String operation, String system, String user, JsonObject input,
                                int maxTokens, String schemaName, JsonObject schema) {
    return new LlmRequest(operation, system, user, input, 0.2, maxTokens, true, schemaName, schema);
  }

  /** Rough prompt size in tokens (4 chars a token), for TPM accounting before the call. */
  public int estimatedPromptTokens() {
    int chars = (system == null ? 0 : system.length()) + (user == null ? 0 : user.length());
    return Math.max(1, chars / 4);
  }
}
