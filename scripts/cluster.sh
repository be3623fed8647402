#!/usr/bin/env bash
# Starts every service as its own process joined to one Hazelcast cluster on this machine.
#   scripts/cluster.sh start [SEARCH_WORKERS] [SUMMARIZERS]   (default 1 and 1)
#   scripts/cluster.sh stop
#   scripts/cluster.sh status
# Logs and pids go to ${CLUSTER_DIR:-target/cluster}. The gateway serves HTTP on HTTP_PORT (8080);
# every other process serves /metrics on its own port from METRICS_BASE (9101, 9102, ...).
set -euo pipefail
cd "$(dirname "$0")/.."

JAR=${ENGINE_JAR:-engine/target/engine.jar}
DIR=${CLUSTER_DIR:-target/cluster}
METRICS_BASE=${METRICS_BASE:-9101}
export CLUSTER_NAME=${CLUSTER_NAME:-gtm-local}
export CLUSTER_PORT=${CLUSTER_PORT:-5701}
export CLUSTER_HOST=${CLUSTER_HOST:-127.0.0.1}
export CLUSTER_MEMBERS=${CLUSTER_MEMBERS:-127.0.0.1:5701,127.0.0.1:5702,127.0.0.1:5703}
JVM_FLAGS=(--add-modules java.se --add-exports java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens java.management/sun.management=ALL-UNNAMED
  --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED)

start_one() { # NAME INDEX METRICS_PORT
  local name=$1 index=$2 metrics=$3
  local tag="$name-$index"
  METRICS_PORT=$metrics nohup java "${JVM_FLAGS[@]}" ${JAVA_OPTS:-} -jar "$JAR" service "$name" --cluster \
    >"$DIR/$tag.log" 2>&1 &
  echo $! >"$DIR/$tag.pid"
  echo "started $tag (pid $!, metrics :$metrics)"
}

case "${1:-start}" in
  start)
    [[ -f $JAR ]] || { echo "no $JAR: run mvn -B -DskipTests package first" >&2; exit 1; }
    mkdir -p "$DIR"
    workers=${2:-1}
    summarizers=${3:-1}
    port=$METRICS_BASE
    start_one db-writer 1 $((port++))
    for name in query-generator analyzer; do start_one "$name" 1 $((port++)); done
    for ((i = 1; i <= workers; i++)); do start_one search-workers "$i" $((port++)); done
    for ((i = 1; i <= summarizers; i++)); do start_one summarizer "$i" $((port++)); done
    start_one gateway 1 $((port++))
    echo "waiting for http://127.0.0.1:${HTTP_PORT:-8080}/health/live ..."
    for _ in $(seq 1 120); do
      if curl -fsS "http://127.0.0.1:${HTTP_PORT:-8080}/health/live" >/dev/null 2>&1; then
        echo "gateway is up; readiness: http://127.0.0.1:${HTTP_PORT:-8080}/health/ready"
        exit 0
      fi
      sleep 0.5
    done
    echo "gateway did not come up; see $DIR/gateway-1.log" >&2
    exit 1
    ;;
  stop)
    shopt -s nullglob
    for f in "$DIR"/*.pid; do
      pid=$(cat "$f")
      kill "$pid" 2>/dev/null && echo "stopping $(basename "$f" .pid) ($pid)"
      rm -f "$f"
    done
    ;;
  status)
    shopt -s nullglob
    for f in "$DIR"/*.pid; do
      pid=$(cat "$f")
      if kill -0 "$pid" 2>/dev/null; then state=running; else state=stopped; fi
      echo "$(basename "$f" .pid) $pid $state"
    done
    ;;
  *)
    echo "usage: $0 start [SEARCH_WORKERS] [SUMMARIZERS] | stop | status" >&2
    exit 2
    ;;
esac
