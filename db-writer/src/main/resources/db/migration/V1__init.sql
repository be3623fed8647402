-- V1: the engine's tables (ARCHITECTURE.md section 6). Natural keys carry the idempotent upserts.
CREATE TABLE IF NOT EXISTS research_runs (
  id text PRIMARY KEY,
  research_goal text,
  search_depth text,
  status text,
  request jsonb,
  total_companies int,
  completed_companies int DEFAULT 0,
  strategies jsonb,
  search_performance jsonb,
  processing_time_ms bigint,
  owner_key text,
  owner_node text,
  heartbeat_at timestamptz,
  created_at timestamptz DEFAULT now(),
  updated_at timestamptz DEFAULT now(),
  finished_at timestamptz
);
CREATE INDEX IF NOT EXISTS research_runs_status_idx ON research_runs (status);

CREATE TABLE IF NOT EXISTS company_results (
  run_id text NOT NULL,
  domain text NOT NULL,
  confidence_score double precision,
  result jsonb,
  seq bigserial,
  created_at timestamptz DEFAULT now(),
  UNIQUE (run_id, domain)
);
CREATE INDEX IF NOT EXISTS company_results_run_seq_idx ON company_results (run_id, seq);

CREATE TABLE IF NOT EXISTS documents (
  id text PRIMARY KEY,
  title text,
  status text,
  chapters_total int,
  chapters_done int DEFAULT 0,
  chapters_failed int DEFAULT 0,
  llm_calls int DEFAULT 0,
  processing_time_ms bigint,
  owner_key text,
  owner_node text,
  heartbeat_at timestamptz,
  content text,
  created_at timestamptz DEFAULT now(),
  updated_at timestamptz DEFAULT now(),
  finished_at timestamptz
);
CREATE INDEX IF NOT EXISTS documents_status_idx ON documents (status);

-- the unique constraint's index serves reads by (document_id, number)
CREATE TABLE IF NOT EXISTS chapters (
  document_id text NOT NULL,
  number int NOT NULL,
  heading text,
  title text,
  summary text,
  preview text,
  status text,
  error text,
  content_hash text,
  chunks int,
  created_at timestamptz DEFAULT now(),
  updated_at timestamptz DEFAULT now(),
  UNIQUE (document_id, number)
);

CREATE TABLE IF NOT EXISTS reports (
  id text PRIMARY KEY,
  domain text,
  research_goal text,
  search_depth text,
  research_id text,
  status text,
  core jsonb,
  owner_key text,
  owner_node text,
  heartbeat_at timestamptz,
  created_at timestamptz DEFAULT now(),
  updated_at timestamptz DEFAULT now(),
  finished_at timestamptz
);
CREATE INDEX IF NOT EXISTS reports_status_idx ON reports (status);

CREATE TABLE IF NOT EXISTS report_sections (
  report_id text NOT NULL,
  name text NOT NULL,
  status text,
  body jsonb,
  error text,
  attempts int,
  updated_at timestamptz DEFAULT now(),
  UNIQUE (report_id, name)
);

-- the unique constraint's index serves reads by (job_id, seq)
CREATE TABLE IF NOT EXISTS job_events (
  job_id text NOT NULL,
  seq bigint NOT NULL,
  type text,
  data jsonb,
  created_at timestamptz DEFAULT now(),
  UNIQUE (job_id, seq)
);

CREATE TABLE IF NOT EXISTS summary_cache (
  key text PRIMARY KEY,
  value jsonb,
  created_at timestamptz DEFAULT now()
);

CREATE TABLE IF NOT EXISTS bench_rows (
  id text PRIMARY KEY,
  n int,
  payload text
);
