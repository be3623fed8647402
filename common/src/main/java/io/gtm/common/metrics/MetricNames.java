package io.gtm.common.metrics;

/** Our Prometheus meter names and tag names (ARCHITECTURE.md section 7), in one place. */
public final class MetricNames {
  private MetricNames() {}

  // Micrometer names: the Prometheus registry adds _total / _seconds / unit suffixes.
  public static final String SEARCH_REQUESTS = "gtm.search.requests";            // gtm_search_requests_total{channel,outcome}
  public static final String SEARCH_LATENCY = "gtm.search.latency";              // gtm_search_latency_seconds{channel}
  public static final String LLM_REQUESTS = "gtm.llm.requests";                  // gtm_llm_requests_total{provider,operation,outcome}
  public static final String LLM_LATENCY = "gtm.llm.latency";                    // gtm_llm_latency_seconds{provider,operation}
  public static final String LLM_TOKENS = "gtm.llm.tokens";                      // gtm_llm_tokens_total{provider,direction}
  public static final String POOL_IN_FLIGHT = "gtm.pool.in.flight";              // gtm_pool_in_flight{pool}
  public static final String POOL_LIMIT = "gtm.pool.limit";                      // gtm_pool_limit{pool}
  public static final String QUEUE_DEPTH = "gtm.queue.depth";                    // gtm_queue_depth{queue}
  public static final String QUEUE_CAPACITY = "gtm.queue.capacity";              // gtm_queue_capacity{queue}
  public static final String BREAKER_STATE = "gtm.breaker.state";                // gtm_breaker_state{name}
  public static final String RATE_LIMITED = "gtm.rate.limited";                  // gtm_rate_limited_total{provider}
  public static final String RATE_LIMIT_WAIT = "gtm.rate.limit.wait";            // gtm_rate_limit_wait_seconds{provider}
  public static final String STAGE = "gtm.stage";                                // gtm_stage_seconds{pipeline,stage}
  public static final String UNITS = "gtm.units";                                // gtm_units_total{kind,outcome}
  public static final String DB_BATCH_ROWS = "gtm.db.batch.rows";                // gtm_db_batch_rows (histogram)
  public static final String DB_COMMIT = "gtm.db.commit";                        // gtm_db_commit_seconds
  public static final String JOBS_ACTIVE = "gtm.jobs.active";                    // gtm_jobs_active{kind}
  public static final String JOBS_COMPLETED = "gtm.jobs.completed";              // gtm_jobs_completed_total{kind,outcome}
  public static final String JOB_IDLE = "gtm.job.idle";                          // gtm_job_idle_seconds{kind}
  public static final String WS_CLOSED = "gtm.ws.closed";                        // gtm_ws_closed_total{reason}: slow, idle, too_big

  public static final String TAG_CHANNEL = "channel";
  public static final String TAG_OUTCOME = "outcome";
  public static final String TAG_PROVIDER = "provider";
  public static final String TAG_OPERATION = "operation";
  public static final String TAG_DIRECTION = "direction";
  public static final String TAG_POOL = "pool";
  public static final String TAG_QUEUE = "queue";
  public static final String TAG_NAME = "name";
  public static final String TAG_PIPELINE = "pipeline";
  public static final String TAG_STAGE = "stage";
  public static final String TAG_KIND = "kind";
  public static final String TAG_SERVICE = "service";
  public static final String TAG_REASON = "reason";
}
