-- Research jobs survive their coordinator: what a gateway needs to take a job over.
-- domains: the request's company domains, one per line (validated host names hold no newline);
-- scope: the CLUSTER_NAME of the engine that started the run (only that cluster takes it over);
-- searches_executed: searches done so far (total_searches_executed goes on counting after a takeover).
ALTER TABLE research_runs ADD COLUMN IF NOT EXISTS domains text;
ALTER TABLE research_runs ADD COLUMN IF NOT EXISTS scope text;
ALTER TABLE research_runs ADD COLUMN IF NOT EXISTS searches_executed bigint DEFAULT 0;
CREATE INDEX IF NOT EXISTS research_runs_in_work_idx ON research_runs (scope, created_at)
  WHERE status IN ('queued', 'running');
