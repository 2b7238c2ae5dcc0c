#!/usr/bin/env bash
# Runs the load generator against a local bench server (Open Liberty "benchServer", or Payara Micro with
# SERVER=payara; the product WAR at / and the bare reference WAR at /bench), started here as a child
# process and stopped by its PID.
#
#   bench/run.sh capacity   # per target: fresh server, connect USERS, hold, measure memory; then compare
#   bench/run.sh fanout     # per target: fresh server, USERS in groups of GROUP sending RATE msg/s each
#   bench/run.sh smoke      # one server, every mode for a few seconds on both targets; exit 0 = tool works
#
# Build first: mvn package (repository root, for target/messenger.war) and
# mvn -f bench/pom.xml package -DskipTests (generator, bare WAR, server layout, Payara Micro jar).
# Settings (environment): SERVER (liberty or payara; default liberty)
# USERS GROUP RATE WARMUP DURATION HOLD TARGETS SERVER_JVM_ARGS GEN_JVM_ARGS SERVER_JAVA_HOME (the JDK
# the server runs on; default the generator's: JAVA_HOME, else java on the PATH); USERS_PRODUCT and
# USERS_BARE override USERS for one target (each target's highest sustained load in the same run)
# GEN_ARGS (extra generator options) BENCH_PORT OUT JFR=1 (flight recording of the server),
# AFTER_RUN_SECONDS (keep the server up that long after the clients left), CONFIG_DROPINS (Liberty:
# server.xml fragments copied to configDropins/overrides, to try a setting without a rebuild), and any
# MESSENGER_* / DB_* setting of the product. Results: $OUT/*.json, server logs, the compare line.
set -euo pipefail

MODE=${1:-}
case "$MODE" in
  capacity | fanout | smoke) ;;
  *)
    echo "usage: $0 capacity|fanout|smoke   (settings in the environment, see the header)" >&2
    exit 2
    ;;
esac

SERVER=${SERVER:-liberty}
case "$SERVER" in
  liberty | payara) ;;
  *)
    echo "$0: SERVER must be liberty or payara, not '$SERVER'" >&2
    exit 2
    ;;
esac

BENCH=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$BENCH")
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
SERVER_JAVA_HOME=${SERVER_JAVA_HOME:-${JAVA_HOME:-}}
SERVER_JAVA=${SERVER_JAVA_HOME:+$SERVER_JAVA_HOME/bin/}java
PORT=${BENCH_PORT:-9180}
WLP=$BENCH/server/target/liberty/wlp
SERVER_DIR=$WLP/usr/servers/benchServer
# Payara Micro: the jar (and the PostgreSQL driver for DB_URL) copied by the bench server module; its
# root folder (domain, applications, unpacked runtime) and working folder (H2 database and attachments,
# target/payara-data/ as in server-config/payara/post-boot-commands.asadmin) are wiped at every start.
PAYARA_JAR=$BENCH/server/target/payara/payara-micro.jar
PAYARA_PG_JAR=$BENCH/server/target/payara/postgresql.jar
PAYARA_CONFIG=$REPO/server-config/payara
PAYARA_DIR=$BENCH/target/payara-server
LOADGEN=$BENCH/loadgen/target/loadgen.jar
BARE_WAR=$BENCH/bare/target/bench.war
PRODUCT_WAR=${PRODUCT_WAR:-$REPO/target/messenger.war}
OUT=${OUT:-$BENCH/target/results/$(date +%Y%m%d-%H%M%S)-$MODE}
TARGETS=${TARGETS:-product bare}
SERVER_JVM_ARGS=${SERVER_JVM_ARGS:--Xms512m -Xmx4g -XX:+UseG1GC}
GEN_JVM_ARGS=${GEN_JVM_ARGS:--Xms512m -Xmx2g -XX:+UseParallelGC}
GEN_ARGS=${GEN_ARGS:-}
# The product's limits, raised for load: per-node connections (default 10000) and the per-user message
# budget (default 30/min; fan-out runs send up to RATE msg/s per user).
export MESSENGER_CONNECTIONS_MAX_TOTAL=${MESSENGER_CONNECTIONS_MAX_TOTAL:-20000}
export MESSENGER_RATELIMIT_MESSAGES_PER_MINUTE=${MESSENGER_RATELIMIT_MESSAGES_PER_MINUTE:-600}

die() {
  echo "run.sh: $*" >&2
  exit 2
}
if [ "$SERVER" = payara ]; then
  SERVER_FILE=$PAYARA_JAR
  case "${DB_URL:-}" in
    "" | jdbc:postgresql:*) ;;
    *) die "SERVER=payara: DB_URL must be a jdbc:postgresql: URL (without DB_URL: H2, fresh per start)" ;;
  esac
  [ -z "${DB_URL:-}" ] || [ -n "${DB_USER:-}" ] || die "SERVER=payara with DB_URL needs DB_USER too"
else
  SERVER_FILE=$WLP/bin/server
fi
for f in "$PRODUCT_WAR:mvn package (repository root)" \
  "$LOADGEN:mvn -f bench/pom.xml package -DskipTests" \
  "$BARE_WAR:mvn -f bench/pom.xml package -DskipTests" \
  "$SERVER_FILE:mvn -f bench/pom.xml package -DskipTests"; do
  [ -e "${f%%:*}" ] || die "missing ${f%%:*}: build it with ${f#*:}"
done

# Every socket is a file descriptor, on both sides.
ulimit -n "$(ulimit -Hn)"
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd) # the server runs in its own directory
SERVER_PID=

# Open Liberty: benchServer with the product's server.xml, the port set by a config dropin, both WARs
# in dropins (context roots from their ibm-web-ext.xml).
start_liberty() {
  local log=$1 jvm_args=$2
  rm -rf "$SERVER_DIR/dropins" "$SERVER_DIR/data" "$SERVER_DIR/logs" "$SERVER_DIR/configDropins"
  mkdir -p "$SERVER_DIR/dropins" "$SERVER_DIR/configDropins/overrides"
  cat >"$SERVER_DIR/configDropins/overrides/bench-port.xml" <<XML
<server>
  <variable name="http.port" value="$PORT"/>
  <variable name="https.port" value="$((PORT + 363))"/>
</server>
XML
  local f
  for f in ${CONFIG_DROPINS:-}; do
    cp "$f" "$SERVER_DIR/configDropins/overrides/"
  done
  cp "$PRODUCT_WAR" "$SERVER_DIR/dropins/messenger.war"
  cp "$BARE_WAR" "$SERVER_DIR/dropins/bench.war"
  # Liberty's server script runs $JAVA_HOME/bin/java, or java on the PATH when JAVA_HOME is empty.
  JAVA_HOME=$SERVER_JAVA_HOME JVM_ARGS="$jvm_args" "$WLP/bin/server" run benchServer >"$log" 2>&1 &
  SERVER_PID=$!
}

# Payara Micro: the product's server-config/payara/ command files (pre-boot: HTTP thread pool; post-boot:
# jdbc/messenger on H2, or on PostgreSQL when DB_URL is set), both WARs deployed (context roots from their
# glassfish-web.xml), no clustering. The post-boot file resolves paths against ${ENV=PWD}: the server runs
# in PAYARA_DIR, so H2 and attachments land there; the keys come from dev/jwt (the generator signs with
# dev/jwt/private-key.pem).
start_payara() {
  local log=$1 jvm_args=$2 post=$PAYARA_CONFIG/post-boot-commands.asadmin
  local -a libs=()
  if [ -n "${DB_URL:-}" ]; then
    post=$PAYARA_CONFIG/post-boot-commands-postgresql.asadmin
    libs=(--addlibs "$PAYARA_PG_JAR")
  fi
  rm -rf "$PAYARA_DIR"
  mkdir -p "$PAYARA_DIR"
  # shellcheck disable=SC2086 # the JVM flags are a word list
  (
    cd "$PAYARA_DIR"
    export PWD
    export MP_JWT_VERIFY_PUBLICKEY_LOCATION=${MP_JWT_VERIFY_PUBLICKEY_LOCATION:-file://$REPO/dev/jwt/public-key.pem}
    export MESSENGER_DEV_PRIVATE_KEY_LOCATION=${MESSENGER_DEV_PRIVATE_KEY_LOCATION:-file://$REPO/dev/jwt/private-key.pem}
    # The PostgreSQL post-boot file needs a non-empty DB_PASSWORD; trust authentication accepts any.
    [ -z "${DB_URL:-}" ] || export DB_PASSWORD=${DB_PASSWORD:-bench}
    exec "$SERVER_JAVA" $jvm_args -jar "$PAYARA_JAR" --rootdir "$PAYARA_DIR/root" --port "$PORT" \
      --nocluster --disablephonehome "${libs[@]}" \
      --prebootcommandfile "$PAYARA_CONFIG/pre-boot-commands.asadmin" --postbootcommandfile "$post" \
      --deploy "$PRODUCT_WAR" --deploy "$BARE_WAR"
  ) >"$log" 2>&1 &
  SERVER_PID=$!
}

# A start-up failure in the log (the server may still say "ready" after a failed deployment).
server_failed() {
  case "$SERVER" in
    liberty) grep -q "CWWKZ0002E\|CWWKO0221E" "$1" ;;
    payara) grep -q "Exception while deploying\|Failed to deploy\|BindException" "$1" ;;
  esac
}

# Both applications started and the server ready, by its own log.
server_started() {
  case "$SERVER" in
    liberty) grep -q "CWWKF0011I" "$1" && [ "$(grep -c "CWWKZ0001I" "$1")" -ge 2 ] ;;
    payara) grep -q "Payara Micro .* ready in" "$1" && [ "$(grep -c "was successfully deployed" "$1")" -ge 2 ] ;;
  esac
}

start_server() {
  local name=$1 log="$OUT/server-$1.log" jvm_args="$SERVER_JVM_ARGS -Xlog:gc:file=$OUT/gc-$1.log"
  if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
    die "port $PORT is already in use: is another bench server running?"
  fi
  if [ "${JFR:-0}" = 1 ]; then
    jvm_args="$jvm_args -XX:StartFlightRecording=filename=$OUT/server-$name.jfr,settings=profile"
  fi
  "start_$SERVER" "$log" "$jvm_args"
  echo "$SERVER_PID" >"$OUT/server.pid"
  for _ in $(seq 1 360); do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      tail -30 "$log" >&2
      SERVER_PID=
      die "the bench server exited during start-up (log: $log)"
    fi
    if server_failed "$log"; then
      tail -30 "$log" >&2
      die "the bench server failed to start an application or its port (log: $log)"
    fi
    if server_started "$log" && curl -sf -o /dev/null "http://127.0.0.1:$PORT/health/ready"; then
      echo "bench server $name ($SERVER): pid $SERVER_PID, port $PORT, JVM args: $jvm_args"
      return 0
    fi
    sleep 0.5
  done
  die "the bench server was not ready within 180 s (log: $log)"
}

stop_server() {
  [ -n "$SERVER_PID" ] || return 0
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  for _ in $(seq 1 60); do
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.5
  done
  kill -KILL "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=
}
trap stop_server EXIT
trap 'exit 130' INT TERM

# shellcheck disable=SC2086 # the JVM flags and extra options are word lists
gen() {
  "$JAVA" $GEN_JVM_ARGS -jar "$LOADGEN" "$@" --url "http://127.0.0.1:$PORT" \
    --server-pid "$SERVER_PID" --key "$REPO/dev/jwt/private-key.pem" $GEN_ARGS
}

{
  echo "mode=$MODE date=$(date -Is) cores=$(nproc) loadavg=$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "SERVER=$SERVER"
  if [ "$SERVER" = payara ]; then
    "$JAVA" -jar "$PAYARA_JAR" --version 2>&1 | tail -1 || true
  fi
  echo "SERVER_JVM_ARGS=$SERVER_JVM_ARGS"
  for f in ${CONFIG_DROPINS:-}; do
    echo "CONFIG_DROPINS: $f"
    cat "$f"
  done
  echo "GEN_JVM_ARGS=$GEN_JVM_ARGS GEN_ARGS=$GEN_ARGS"
  env | grep -E '^(MESSENGER|DB)_' | sort
  "$JAVA" -version 2>&1 | head -1
} >"$OUT/run.env"

status=0
case "$MODE" in
  smoke)
    # A few users for a few seconds: proves the tool and both endpoints work; figures mean nothing.
    start_server smoke
    common=(--users 20 --group-size 5 --source-addresses 127.0.0.1-2 --threads 1)
    # Heap probes (a full GC each) only where they are checked once: they are the slow part.
    heap=--heap
    for t in product bare; do
      gen capacity --target "$t" "${common[@]}" --hold-seconds 1 $heap --json-out "$OUT/capacity-$t.json"
      heap=--no-heap
      gen fanout --target "$t" "${common[@]}" --users 10 --rate 1 --warmup-seconds 1 \
        --duration-seconds 3 --drain-seconds 10 --no-heap --json-out "$OUT/fanout-$t.json"
    done
    "$JAVA" -jar "$LOADGEN" compare "$OUT/fanout-product.json" "$OUT/fanout-bare.json"
    ;;
  capacity | fanout)
    for t in $TARGETS; do
      start_server "$MODE-$t"
      case "$t" in
        product) users=${USERS_PRODUCT:-${USERS:-}} ;;
        bare) users=${USERS_BARE:-${USERS:-}} ;;
        *) users=${USERS:-} ;;
      esac
      if [ "$MODE" = capacity ]; then
        gen capacity --target "$t" --users "${users:-1000}" --group-size "${GROUP:-10}" \
          --hold-seconds "${HOLD:-10}" --json-out "$OUT/$MODE-$t.json" || status=1
      else
        gen fanout --target "$t" --users "${users:-500}" --group-size "${GROUP:-10}" \
          --rate "${RATE:-0.5}" --warmup-seconds "${WARMUP:-10}" \
          --duration-seconds "${DURATION:-60}" --json-out "$OUT/$MODE-$t.json" || status=1
      fi
      if [ "$t" = product ]; then
        # The server's own figures for the run, before it stops: the writer's thread CPU per stored
        # message compares builds without the noise of the whole machine's CPU.
        curl -sf "http://127.0.0.1:$PORT/metrics?scope=application" >"$OUT/$MODE-$t.metrics.txt" &&
          awk '/^messenger_send_writer_cpu_nanoseconds_total/ {cpu = $NF}
               /^messenger_messages_stored_total/ {stored = $NF}
               END {if (stored > 0) printf "writer thread: %.1f us CPU per stored message (%d stored)\n",
                 cpu / stored / 1000, stored}' "$OUT/$MODE-$t.metrics.txt" | tee "$OUT/$MODE-$t.writer.txt" ||
          true
      fi
      # The clients have left; a soak run (bench/soak.sh) watches the server settle before it stops.
      sleep "${AFTER_RUN_SECONDS:-0}"
      stop_server
      if [ "$MODE" = fanout ]; then
        # The young pauses bound the p99 from below (bench/README.md, "How it measures").
        "$JAVA" -jar "$LOADGEN" gc-pauses "$OUT/gc-$MODE-$t.log" | tee "$OUT/$MODE-$t.gc.txt" || true
      fi
    done
    if [ -f "$OUT/$MODE-product.json" ] && [ -f "$OUT/$MODE-bare.json" ]; then
      "$JAVA" -jar "$LOADGEN" compare "$OUT/$MODE-product.json" "$OUT/$MODE-bare.json" |
        tee "$OUT/compare.txt"
    fi
    ;;
esac
echo "results in $OUT"
exit "$status"
