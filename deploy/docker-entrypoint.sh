#!/bin/sh
# CLUSTER_HOST=auto: this container's own address, so that other members and the event bus reach it.
set -e
if [ "${CLUSTER_HOST:-}" = "auto" ]; then
  CLUSTER_HOST=$(hostname -i | awk '{print $1}')
  export CLUSTER_HOST
fi
# Hazelcast flags: let it use JDK internals without warnings (see docs/ARCHITECTURE.md)
exec java --add-modules java.se --add-exports java.base/jdk.internal.ref=ALL-UNNAMED \
  --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED \
  --add-opens java.management/sun.management=ALL-UNNAMED \
  --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED \
  $JAVA_OPTS -jar /app/engine.jar "$@"
