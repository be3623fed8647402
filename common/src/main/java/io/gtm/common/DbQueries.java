package io.gtm.common;

import java.util.List;

/**
 * Named read queries answered by db-writer on {@link Addresses#DB_QUERY}. Request
 * {@code {query: NAME, params: {...}}}, reply {@code {rows: [ {column: value} ]}} (jsonb columns
 * come back as JSON objects/arrays, timestamps as ISO-8601 UTC strings, absent values as null).
 * A missing or malformed parameter, or an unknown name, fails with
 * {@code ErrorCode.VALIDATION} (422) naming the parameter ({@code query} for the name).
 * {@code offset} defaults to 0, {@code limit} to 1000 (at most 10000).
 */
public final class DbQueries {
  private DbQueries() {}

  /** params {id} -> the research_runs row (every column but {@code domains}), or no row. */
  public static final String RESEARCH_RUN = "research_run";
  /**
   * params {run_id, offset?, limit?, after_seq?} -> company_results rows {run_id, domain,
   * confidence_score, result, seq, created_at} in insertion order (seq ascending); with
   * {@code after_seq} only rows whose seq is greater (keyset paging).
   */
  public static final String COMPANY_RESULTS = "company_results";
  /** params {run_id, domain} -> the company_results row of one domain of a run (for reports). */
  public static final String COMPANY_RESULT = "company_result";
  /** params {run_id} -> [{count}] results stored for the run. */
  public static final String COMPANY_RESULTS_COUNT = "company_results_count";
  /**
   * params {run_id, domains?: [..], offset?, limit?} -> [{domain, confidence_score}] of those domains
   * already stored; without {@code domains}, every stored domain of the run in insertion order, a
   * page at a time (a research job taken over skips them).
   */
  public static final String COMPANY_RESULTS_DOMAINS = "company_results_domains";
  /**
   * params {job_id, after_seq?, limit?} -> job_events rows {job_id, seq, type, data, created_at}
   * with seq > after_seq (default -1: all) ordered by seq.
   */
  public static final String JOB_EVENTS = "job_events";
  /** params {job_id} -> [{seq}] the highest stored event seq of the job (null when it has none). */
  public static final String JOB_EVENTS_LAST_SEQ = "job_events_last_seq";
  /** params {status: [..]} -> research_runs rows (every column but {@code domains}) whose status is one of these, oldest first. */
  public static final String RESEARCH_RUNS_BY_STATUS = "research_runs_by_status";
  /**
   * params {id, node, stale_ms} -> the research_runs row (every column, {@code domains} included)
   * once {@code node} coordinates it, or no row. Claims (or renews) a run still in work (status
   * queued or running) that has no owner node, is owned by {@code node} already, or whose owner's
   * heartbeat is null or older than {@code stale_ms}: sets owner_node and heartbeat_at = now in one
   * conditional update, so two gateways never coordinate one run. Answered at once, not batched.
   */
  public static final String RESEARCH_RUN_CLAIM = "research_run_claim";
  /**
   * params {scope, node, stale_ms, horizon_ms} -> [{id}] of the runs in work (queued, running)
   * started in {@code scope} (the CLUSTER_NAME) within the last {@code horizon_ms} that {@code node}
   * could claim now (see {@link #RESEARCH_RUN_CLAIM}), oldest first, at most 100.
   */
  public static final String RESEARCH_RUNS_CLAIMABLE = "research_runs_claimable";
  /** params {id} -> the documents row (every column but content). */
  public static final String DOCUMENT = "document";
  /** params {id} -> [{content}] the document's stored text. */
  public static final String DOCUMENT_CONTENT = "document_content";
  /** params {status: [..]} -> documents rows (content excluded) whose status is one of these (resume after a crash), oldest first. */
  public static final String DOCUMENTS_BY_STATUS = "documents_by_status";
  /**
   * params {id, node, stale_ms} -> the documents row (content excluded) once {@code node} owns it,
   * or no row. Claims (or renews) ownership of a document still in work (status queued, splitting
   * or running) when it has no owner, is already owned by {@code node}, or its owner's heartbeat is
   * null or older than {@code stale_ms}: sets owner_node and heartbeat_at = now in one conditional
   * update, so two summarizers never own a document at once. A statement, answered on db.query
   * because its caller needs the row back at once (not batched).
   */
  public static final String DOCUMENT_CLAIM = "document_claim";
  /** params {document_id} -> chapters rows (every column) ordered by number. */
  public static final String CHAPTERS = "chapters";
  /** params {keys: [..]} -> summary_cache rows {key, value} for the keys present. */
  public static final String SUMMARY_CACHE = "summary_cache";
  /** params {id} -> the reports row (every column). */
  public static final String REPORT = "report";
  /** params {report_id} -> report_sections rows (every column) ordered by name. */
  public static final String REPORT_SECTIONS = "report_sections";
  /** params {prefix} -> [{count}] bench_rows whose id starts with prefix (benchmarks and tests). */
  public static final String BENCH_ROWS_COUNT = "bench_rows_count";
  /**
   * params {id, node} -> [{id}] once the document's owner is cleared (owner_node and heartbeat_at
   * set to null), or no row when {@code node} does not own it (any more). A stopping summarizer
   * hands its documents back with it, so that another one claims them at once instead of waiting
   * for the heartbeat to go stale; the condition on the owner never clears a newer owner's claim.
   * A statement, answered at once (not batched).
   */
  public static final String DOCUMENT_RELEASE = "document_release";

  /** Every name above. */
  public static final List<String> ALL = List.of(
      COMPANY_RESULT,
      RESEARCH_RUN, COMPANY_RESULTS, COMPANY_RESULTS_COUNT, COMPANY_RESULTS_DOMAINS, JOB_EVENTS, JOB_EVENTS_LAST_SEQ,
      RESEARCH_RUNS_BY_STATUS, RESEARCH_RUN_CLAIM, RESEARCH_RUNS_CLAIMABLE, DOCUMENT, DOCUMENT_CONTENT, DOCUMENTS_BY_STATUS, DOCUMENT_CLAIM, CHAPTERS,
      SUMMARY_CACHE, REPORT, REPORT_SECTIONS, BENCH_ROWS_COUNT, DOCUMENT_RELEASE);
}
