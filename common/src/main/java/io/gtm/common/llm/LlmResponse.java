package io.gtm.common.llm;

/** The answer of one LLM call, with the token usage the provider reported. */
public record LlmResponse(String text, int promptTokens, int completionTokens, String provider, String model) {}
