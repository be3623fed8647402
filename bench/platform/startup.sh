#!/usr/bin/env bash
# Start-up time of `all` to the first healthy answer, and the memory of the idle JVM.
#   bench/platform/startup.sh [RUNS]      (needs engine/target/engine.jar)
set -euo pipefail
cd "$(dirname "$0")/../.."
JAR=${ENGINE_JAR:-engine/target/engine.jar}
RUNS=${1:-3}
IDLE_S=${IDLE_S:-10}
FLAGS=(--add-modules java.se --add-exports java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens java.management/sun.management=ALL-UNNAMED
  --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
for ((r = 1; r <= RUNS; r++)); do
  start=$(date +%s%N)
  HTTP_PORT=$port java "${FLAGS[@]}" ${JAVA_OPTS:-} -jar "$JAR" all >/tmp/gtm-startup-$r.log 2>&1 &
  pid=$!
  until curl -fsS "http://127.0.0.1:$port/health/live" >/dev/null 2>&1; do
    kill -0 $pid 2>/dev/null || { echo "engine exited; see /tmp/gtm-startup-$r.log" >&2; exit 1; }
    sleep 0.02
  done
  live_ms=$(( ($(date +%s%N) - start) / 1000000 ))
  ready=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/health/ready")
  ready_ms=$(( ($(date +%s%N) - start) / 1000000 ))
  sleep "$IDLE_S"   # idle period before reading memory, not synchronization
  rss_kb=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
  heap=$(curl -s "http://127.0.0.1:$port/metrics" | grep "^jvm_memory_used_bytes{area=\"heap\"" | awk '{s+=$NF} END {printf "%.1f", s/1048576}')
  kill -TERM $pid
  wait $pid && code=0 || code=$?
  echo "run $r: live after ${live_ms} ms, ready (${ready}) after ${ready_ms} ms, idle RSS $((rss_kb / 1024)) MiB, heap used ${heap} MiB, SIGTERM exit ${code}"
done
