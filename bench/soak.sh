#!/usr/bin/env bash
# Soak: a moderate fan-out load for a long time (default 10 minutes) against the product, sampling the
# server every SAMPLE seconds: heap used right after a full GC (jcmd GC.run + GC.heap_info), RSS, and the
# messenger_connections, messenger_db_h2_chunks and messenger_send_resend_window_messages gauges; then
# AFTER seconds with every client gone. Not part of CI.
#
#   bench/soak.sh                        # 500 users in chats of 10, 0.2 msg/s each, 600 s
#   USERS=1000 RATE=0.1 DURATION=1800 bench/soak.sh
#
# Prints a table and a verdict line: heap after GC at the end within 20 % (or 32 MB) of its value after
# warm-up, and the connection gauge back to 0 after the clients left. Build first as for run.sh.
set -euo pipefail

BENCH=$(cd "$(dirname "$0")" && pwd)
USERS=${USERS:-500}
RATE=${RATE:-0.2}
DURATION=${DURATION:-600}
SAMPLE=${SAMPLE:-30}
AFTER=${AFTER:-30}
PORT=${BENCH_PORT:-9180}
OUT=${OUT:-$BENCH/target/results/$(date +%Y%m%d-%H%M%S)-soak}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
CSV=$OUT/soak.csv

OUT=$OUT TARGETS=product USERS=$USERS RATE=$RATE WARMUP=10 DURATION=$DURATION \
  AFTER_RUN_SECONDS=$AFTER "$BENCH/run.sh" fanout >"$OUT/run.log" 2>&1 &
RUN_PID=$!
trap 'kill "$RUN_PID" 2>/dev/null || true' INT TERM

for _ in $(seq 1 400); do
  [ -s "$OUT/server.pid" ] && curl -sf -o /dev/null "http://127.0.0.1:$PORT/health/ready" && break
  kill -0 "$RUN_PID" 2>/dev/null || { cat "$OUT/run.log" >&2; exit 1; }
  sleep 0.5
done
SERVER_PID=$(cat "$OUT/server.pid")
START=$(date +%s)

# A gauge of the product's /metrics ("?" when it cannot be read: the server may stop between the loop's
# check and the sample, and a failed sample must not end the script before its verdict).
gauge() {
  { curl -sf "http://127.0.0.1:$PORT/metrics?scope=application" || true; } |
    awk -v name="$1" '$1 ~ "^" name "([{]|$)" { v = $NF } END { print (v == "" ? "?" : v) }'
}
connections() { gauge messenger_connections; }
# Chunks of the embedded H2 store: level under a steady load while H2 compacts (README, "db.url").
h2_chunks() { gauge messenger_db_h2_chunks; }
# Messages held in the chats' resend windows (README, "messenger.send.resend-window-ms"): grows for one
# window after the load starts, then stays level while the load does.
window_messages() { gauge messenger_send_resend_window_messages; }
heap_after_gc_mb() {
  jcmd "$SERVER_PID" GC.run >/dev/null 2>&1 || { echo "?"; return; }
  # "garbage-first heap   total 524288K, used 61234K" (G1) or "used NNNK" in the first heap line
  { jcmd "$SERVER_PID" GC.heap_info 2>/dev/null || true; } | awk '/used/ { for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i + 1); sub(/K,?/, "", v); print int(v / 1024); exit } }'
}
rss_mb() { awk '/VmRSS/ { print int($2 / 1024) }' "/proc/$SERVER_PID/status" 2>/dev/null || echo "?"; }

echo "seconds,heap_after_gc_mb,rss_mb,connections,h2_chunks,window_messages" >"$CSV"
while kill -0 "$RUN_PID" 2>/dev/null && kill -0 "$SERVER_PID" 2>/dev/null; do
  line="$(($(date +%s) - START)),$(heap_after_gc_mb),$(rss_mb),$(connections),$(h2_chunks),$(window_messages)"
  echo "$line" >>"$CSV"
  echo "$line"
  sleep "$SAMPLE"
done
wait "$RUN_PID" || true
grep -E "fan-out|send ->|sent |server CPU|verdict" "$OUT/run.log" || true

# Verdict: heap after GC flat (last loaded sample vs the first after warm-up), gauge back to 0 at the end.
awk -F, -v after="$AFTER" -v duration="$DURATION" '
  NR == 1 { next }
  $2 != "?" && $1 >= 60 && base == "" { base = $2 }
  $2 != "?" && $1 <= duration { last = $2 }
  # a sample taken while the server stops reads "?": the verdict keeps the last gauge actually read
  $4 != "?" { conn = $4 }
  END {
    grow = last - base; limit = (base * 0.2 > 32 ? base * 0.2 : 32)
    printf "heap after GC: %s MB after warm-up, %s MB at the end of the load (%+d MB; limit %d MB); connections at the end: %s\n", base, last, grow, limit, conn
    ok = (grow <= limit && conn == 0)
    print (ok ? "soak verdict: PASS" : "soak verdict: FAIL")
    exit (ok ? 0 : 1)
  }' "$CSV"
