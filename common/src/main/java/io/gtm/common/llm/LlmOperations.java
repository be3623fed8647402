package io.gtm.common.llm;

/** The operations the engine asks of an LLM ({@code operation} label of the LLM metrics). */
public final class LlmOperations {
  private LlmOperations() {}

  /** input: {research_goal, search_depth, count, channels[]} -> {strategies: [{channel, query_template, relevance_score}]} */
  public static final String STRATEGIES = "strategies";
  /** input: {research_goal, domain, evidence: [Evidence]} -> {technologies[], goal_match_signals[], confidence_score} */
  public static final String ANALYZE = "analyze";
  /** input: {text, heading} -> {summary} (map step) */
  public static final String SUMMARIZE_CHUNK = "summarize_chunk";
  /** input: {summaries[], heading} -> {summary} (reduce step) */
  public static final String REDUCE = "reduce";
  /** input: {summary, heading} -> {title, preview} */
  public static final String TITLE_PREVIEW = "title_preview";
  /** input: {step, domain, research_goal, evidence[], previous: {...}} -> the step's JSON body */
  public static final String REPORT_STEP = "report_step";
}
