#!/usr/bin/env bash
# Stops an Open Liberty server without dropping its WebSockets: drains the messenger first (new
# handshakes get 503 SHUTTING_DOWN, replies in flight are written, every socket is closed with 1001
# "server shutting down"), then runs `server stop`.
#
#   ops/stop-liberty-gracefully.sh <wlp directory> <server name>
#   e.g. ops/stop-liberty-gracefully.sh target/liberty/wlp messengerServer
#
# Why: Liberty's `server stop` quiesces before it stops applications, and its HTTP transport drops open
# WebSockets (clients see 1006) within milliseconds of the quiesce starting, before any application or
# quiesce-listener code can close them. The drain itself is server-neutral (ops/DrainNode.java).
# Settings (environment): LIBERTY_PID_FILE (default <wlp>/usr/servers/.pid/<server>.pid), JAVA_HOME.
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 <wlp directory> <server name>" >&2
  exit 2
fi
WLP=$(cd "$1" && pwd)
NAME=$2
HERE=$(cd "$(dirname "$0")" && pwd)
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java

# `server start` writes a pid file; `server run` (foreground, containers) does not: then the JVM is found
# by its command line, which ends with "<wlp>/bin/tools/ws-server.jar <server name>".
PID_FILE=${LIBERTY_PID_FILE:-$WLP/usr/servers/.pid/$NAME.pid}
if [ -s "$PID_FILE" ]; then
  PID=$(cat "$PID_FILE")
else
  PID=$(pgrep -f -- "$WLP/bin/tools/ws-server\.jar $NAME( |\$)" | head -1 || true)
fi

if [ -n "$PID" ]; then
  if ! "$JAVA" "$HERE/DrainNode.java" "$PID"; then
    echo "$0: the drain failed; stopping anyway (open sockets will see 1006)" >&2
  fi
else
  echo "$0: no JVM found for $NAME (not running?); stopping without a drain" >&2
fi
exec "$WLP/bin/server" stop "$NAME"
