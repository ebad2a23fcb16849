#!/usr/bin/env bash
# Installs (from Debian's packages, when missing) and starts on loopback what the integration tests need:
# nats-server with JetStream, influxd (InfluxDB 1.x) and headless Chromium. Idempotent: servers already
# started by an earlier call are reused.
#
#   scripts/services.sh start   # install if needed, start, print the environment the tests read
#   scripts/services.sh stop    # stop the servers this script started
#   scripts/services.sh env     # print the environment (export lines) without starting anything
#
# The tests read XAINOMALY_NATS_URL, XAINOMALY_INFLUX_URL, XAINOMALY_CHROMIUM, XAINOMALY_NATS_SERVER and
# XAINOMALY_INFLUXD (the last two: binaries, for tests that run private instances, e.g. to stop one mid-test).
# nats-server runs with one Go scheduler thread (XAINOMALY_NATS_GOMAXPROCS, default 1; "go" for Go's default of one per
# core): beside the service on a small machine that saves about a third of its CPU (docs/service.md, "Fourth round").
set -euo pipefail

state=${XAINOMALY_SERVICES_DIR:-/tmp/xainomaly-services}
nats_port=${XAINOMALY_NATS_PORT:-42220}
influx_port=${XAINOMALY_INFLUX_PORT:-48086}
influx_rpc_port=$((influx_port + 2))

print_env() {
  echo "export XAINOMALY_NATS_URL=nats://127.0.0.1:$nats_port"
  echo "export XAINOMALY_INFLUX_URL=http://127.0.0.1:$influx_port"
  echo "export XAINOMALY_CHROMIUM=$(command -v chromium || echo /usr/bin/chromium)"
  echo "export XAINOMALY_NATS_SERVER=$(command -v nats-server || echo /usr/sbin/nats-server)"
  echo "export XAINOMALY_INFLUXD=$(command -v influxd || echo /usr/bin/influxd)"
}

install_missing() {
  local missing=()
  command -v nats-server >/dev/null || [ -x /usr/sbin/nats-server ] || missing+=(nats-server)
  command -v influxd >/dev/null || missing+=(influxdb)
  command -v chromium >/dev/null || missing+=(chromium)
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "services: installing ${missing[*]} (Debian packages)" >&2
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -q >/dev/null || true
  $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
}

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

wait_port() {
  local port=$1 name=$2
  for _ in $(seq 1 100); do
    if (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "services: $name did not open 127.0.0.1:$port; its log follows" >&2
  cat "$state/$name.log" >&2 || true
  return 1
}

start() {
  export PATH="$PATH:/usr/sbin:/sbin"
  install_missing
  mkdir -p "$state"
  if ! alive "$state/nats.pid"; then
    mkdir -p "$state/nats"
    procs=${XAINOMALY_NATS_GOMAXPROCS:-1}
    go_env=()
    [ "$procs" != go ] && go_env=(env "GOMAXPROCS=$procs")
    "${go_env[@]}" nats-server -a 127.0.0.1 -p "$nats_port" -js -sd "$state/nats" >"$state/nats.log" 2>&1 &
    echo $! >"$state/nats.pid"
  fi
  if ! alive "$state/influx.pid"; then
    mkdir -p "$state/influx"
    cat >"$state/influxdb.conf" <<CONF
reporting-disabled = true
bind-address = "127.0.0.1:$influx_rpc_port"
[meta]
  dir = "$state/influx/meta"
[data]
  dir = "$state/influx/data"
  wal-dir = "$state/influx/wal"
[http]
  bind-address = "127.0.0.1:$influx_port"
  log-enabled = false
CONF
    influxd -config "$state/influxdb.conf" >"$state/influx.log" 2>&1 &
    echo $! >"$state/influx.pid"
  fi
  wait_port "$nats_port" nats
  wait_port "$influx_port" influx
  print_env
}

stop() {
  for s in nats influx; do
    if alive "$state/$s.pid"; then kill "$(cat "$state/$s.pid")" && rm -f "$state/$s.pid"; fi
  done
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  env) export PATH="$PATH:/usr/sbin:/sbin"; print_env ;;
  *) echo "usage: $0 start|stop|env" >&2; exit 2 ;;
esac
