package io.gtm.common;

/**
 * Every event-bus address of the engine. Bodies are JSON objects; the records in
 * {@code io.gtm.common.model} give their shape.
 */
public final class Addresses {
  private Addresses() {}

  /** gateway -> query-generator: {@code StrategyRequest} -> {@code {strategies: [Strategy], source}}. */
  public static final String QUERY_GENERATE = "query.generate";

  /** Prefix of the per-channel search addresses: gateway -> search-workers, {@code SearchTask} -> {@code SearchOutcome}. */
  public static final String SEARCH_PREFIX = "search.";

  /** gateway -> analyzer: {@code AnalysisRequest} -> {@code CompanyResult} JSON. */
  public static final String ANALYZE = "analyzer.analyze";

  /** gateway -> analyzer: one report step (core step or section) -> the step's JSON body. */
  public static final String REPORT_STEP = "analyzer.report.step";

  /** gateway -> summarizer: {@code {document_id}} start or resume summarising a stored document; replies when accepted. */
  public static final String SUMMARIZE_DOCUMENT = "summarizer.document";

  /** gateway -> summarizer (publish): {@code {document_id}} stop work on a cancelled document. */
  public static final String SUMMARIZE_CANCEL = "summarizer.cancel";

  /** any -> db-writer: {@code DbWrite} -> {@code {written}} once the rows are committed. */
  public static final String DB_WRITE = "db.write";

  /** any -> db-writer: {@code {query, params}} -> {@code {rows: [...]}} (named queries, see {@code DbQueries}). */
  public static final String DB_QUERY = "db.query";

  /** any -> db-writer: {@code {}} -> {@code {status: UP|DOWN, mode: postgres|memory, detail}} (gateway readiness). */
  public static final String DB_HEALTH = "db.health";

  /** Prefix of the per-job event stream: the job's owner publishes {@code JobEvent}s, gateways fan them out. */
  public static final String JOB_EVENTS_PREFIX = "events.job.";

  /** Prefix of the ping address each service answers with {@code {service, node}}: used by health and cluster tests. */
  public static final String PING_PREFIX = "ping.";

  public static String search(String channel) {
    return SEARCH_PREFIX + channel;
  }

  public static String jobEvents(String jobId) {
    return JOB_EVENTS_PREFIX + jobId;
  }

  /** Request: cancel the research job {@code id} on whichever gateway coordinates it. */
  public static String researchCancel(String id) {
    return "research.cancel." + id;
  }

  /**
   * Request: the live state of the research job {@code id} from the gateway coordinating it (what
   * another gateway answers with while the store does not); the reply carries the job's owner.
   */
  public static String researchStatus(String id) {
    return "research.status." + id;
  }

  public static String ping(String service) {
    return PING_PREFIX + service;
  }
}
