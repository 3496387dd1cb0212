#!/usr/bin/env bash
# A single-node Apache Kafka broker (KRaft: broker + controller in one process) from Maven Central jars.
#   kafka.sh install | start | wait [seconds] | stop | status | logs
# Ports: KAFKA_PORT (default 19092) and KAFKA_CONTROLLER_PORT (default KAFKA_PORT + 1), on 127.0.0.1.
# Data and logs: infra/kafka/run/{data,logs} (run-<port>/ for another port); the broker's log is run/logs/server.log.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
PORT="${KAFKA_PORT:-19092}"
CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-$((PORT + 1))}"
# One data folder per port: KRaft records the controller's address when the storage is formatted.
if [ "$PORT" = "19092" ]; then RUN="$HERE/run"; else RUN="$HERE/run-$PORT"; fi
PIDFILE="$RUN/kafka.pid"
LOG="$RUN/logs/server.log"
CP="$HERE/target/lib/*"
JAVA_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m} -Dlog4j2.configurationFile=$HERE/log4j2.xml -Djava.awt.headless=true"

running() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; }
EXTERNAL="$RUN/external"

install() {
  if ls "$HERE"/target/lib/kafka_2.13-*.jar >/dev/null 2>&1; then return 0; fi
  command -v mvn >/dev/null || { echo "kafka.sh: Maven (mvn) is required to fetch Apache Kafka" >&2; exit 1; }
  command -v java >/dev/null || { echo "kafka.sh: Java 17+ is required" >&2; exit 1; }
  (cd "$HERE" && mvn -q -B package)
}

configure() {
  mkdir -p "$RUN/data" "$RUN/logs"
  cat > "$RUN/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$RUN/data
num.partitions=3
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
PROPS
  if [ ! -f "$RUN/data/meta.properties" ]; then
    local id
    id="$(java -cp "$CP" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)"
    java $JAVA_OPTS -cp "$CP" kafka.tools.StorageTool format --standalone -t "$id" -c "$RUN/server.properties" >> "$RUN/logs/format.log" 2>&1
  fi
}

start() {
  install
  if running; then echo "kafka already running (pid $(cat "$PIDFILE")) on 127.0.0.1:$PORT"; return 0; fi
  # Another checkout's broker (or one started by hand) already serves this port: use it rather than fail to bind.
  if port_open; then mkdir -p "$RUN"; touch "$EXTERNAL"; echo "a broker already listens on 127.0.0.1:$PORT; using it"; return 0; fi
  rm -f "$EXTERNAL"
  configure
  : > "$LOG"
  nohup java $JAVA_OPTS -cp "$CP" kafka.Kafka "$RUN/server.properties" >> "$LOG" 2>&1 &
  echo $! > "$PIDFILE"
  echo "kafka starting (pid $!) on 127.0.0.1:$PORT, log $LOG"
}

wait_ready() {
  local timeout="${1:-90}"
  for _ in $(seq 1 $((timeout * 2))); do
    if [ -f "$EXTERNAL" ] && port_open; then echo "kafka ready on 127.0.0.1:$PORT (started elsewhere)"; return 0; fi
    if grep -q "Kafka Server started" "$LOG" 2>/dev/null; then echo "kafka ready on 127.0.0.1:$PORT"; return 0; fi
    running || { echo "kafka.sh: broker exited; see $LOG" >&2; tail -20 "$LOG" >&2; return 1; }
    sleep 0.5
  done
  echo "kafka.sh: broker not ready after ${timeout}s; see $LOG" >&2
  return 1
}

stop() {
  if [ -f "$EXTERNAL" ] && ! running; then rm -f "$EXTERNAL"; echo "the broker on 127.0.0.1:$PORT was started elsewhere; leaving it running"; return 0; fi
  running || { rm -f "$PIDFILE"; echo "kafka not running"; return 0; }
  local pid; pid="$(cat "$PIDFILE")"
  kill "$pid"
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$PIDFILE"
  echo "kafka stopped"
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  wait) wait_ready "${2:-90}" ;;
  stop) stop ;;
  status) if running; then echo "running (pid $(cat "$PIDFILE")) on 127.0.0.1:$PORT"; else echo "stopped"; exit 3; fi ;;
  logs) tail -n "${2:-100}" "$LOG" ;;
  *) echo "usage: kafka.sh install|start|wait [seconds]|stop|status|logs [lines]" >&2; exit 2 ;;
esac
