#!/usr/bin/env bash
# Rate-limit benchmark: E engines sharing one Redis limit of R/min against the simulator limiting
# Tavily to R/min. Prints one RATELIMIT_BENCH line and writes search-workers/target/bench-ratelimit.json.
# Needs Redis on 127.0.0.1:6379. Knobs (environment): BENCH_RPM (600), BENCH_SECONDS (120),
# BENCH_ENGINES (2), BENCH_CONCURRENCY (32 per engine), BENCH_PAD_MS (the limiter's window pad, 1000).
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -B -q -o -pl search-workers -am test -Pslow -Dtest=RateLimitBenchmark -Dsurefire.failIfNoSpecifiedTests=false
grep -h RATELIMIT_BENCH search-workers/target/surefire-reports/io.gtm.search.client.RateLimitBenchmark-output.txt
