package io.gtm.common;

/**
 * Named read queries answered by db-writer on {@link Addresses#DB_QUERY}. Request
 * {@code {query: NAME, params: {...}}}, reply {@code {rows: [ {column: value} ]}} (jsonb columns
 * come back as JSON objects/arrays, timestamps as ISO strings).
 */
public final class DbQueries {
  private DbQueries() {}

  /** params {id} -> the research_runs row. */
  public static final String RESEARCH_RUN = "research_run";
  /** params {run_id, offset, limit} -> company_results rows in insertion order. */
  public static final String COMPANY_RESULTS = "company_results";
  /** params {run_id, domain} -> the company_results row of one domain of a run. */
  public static final String COMPANY_RESULT = "company_result";
  /** params {run_id} -> [{count}] results stored for the run. */
  public static final String COMPANY_RESULTS_COUNT = "company_results_count";
  /** params {run_id, domains: [..]} -> [{domain}] of those domains already stored (for resume). */
  public static final String COMPANY_RESULTS_DOMAINS = "company_results_domains";
  /** params {job_id, after_seq, limit} -> job_events rows (seq > after_seq) ordered by seq. */
  public static final String JOB_EVENTS = "job_events";
  /** params {status: [..]} -> research_runs rows whose status is one of these (takeover after a crash). */
  public static final String RESEARCH_RUNS_BY_STATUS = "research_runs_by_status";
  /** params {id} -> the documents row (content excluded). */
  public static final String DOCUMENT = "document";
  /** params {id} -> [{content}] the document's stored text. */
  public static final String DOCUMENT_CONTENT = "document_content";
  /** params {status: [..]} -> documents rows whose status is one of these (resume after a crash). */
  public static final String DOCUMENTS_BY_STATUS = "documents_by_status";
  /** params {document_id} -> chapters rows ordered by number. */
  public static final String CHAPTERS = "chapters";
  /** params {keys: [..]} -> summary_cache rows {key, value} for the keys present. */
  public static final String SUMMARY_CACHE = "summary_cache";
  /** params {id} -> the reports row. */
  public static final String REPORT = "report";
  /** params {report_id} -> report_sections rows. */
  public static final String REPORT_SECTIONS = "report_sections";
}
