#!/usr/bin/env bash
# Reproduces the service throughput/latency measurement of docs/service.md ("Performance"): a private nats-server
# with JetStream, `xainomaly serve --nats` with SQLite storage and a fastSHAP-C explainer, `xainomaly replay
# ue.json.gz`; prints records/s, the JetStream publish → stored latency percentiles p50/p99, the stage seconds from
# /metrics (and the pipeline's received → stored histogram) and the CPU seconds each process used.
#
#   scripts/service-bench.sh [RATE|max|drain] [MODEL.xai EXPLAINER.fastshap]
#
# RATE or max: the load generator runs beside the service (both share the machine's cores); records/s end to end is
# first publish → last record stored. drain: the whole file is published into the stream first, then the service is
# started and drains the backlog: records/s is consumer ready → last record stored, the service's own capacity
# without the load generator competing for the cores (the ready poll adds at most 0.05 s).
#
# Without a model, one is trained into the work directory (ss-deepcae, 100 labels, seed 1; explainer 10 epochs).
# Environment: XAINOMALY_BENCH_DIR (work directory, default /tmp/xainomaly-bench), XAINOMALY_BENCH_DATA (default
# /work/shared/data), XAINOMALY_BENCH_SERVE_ARGS (extra serve flags, e.g. "--coalitions 8"; "none" as the
# explainer scores without explanations), XAINOMALY_BENCH_LIMIT (replay at most this many UE records), XAINOMALY_BENCH_REPLAY_PREFIX (a command put before the replay, e.g. "nice -n 19"), XAINOMALY_BENCH_SERVE_PREFIX (the same before serve, e.g. "nice -n -10": it must exec serve, so that the pid stays the service's), XAINOMALY_BENCH_STEADY_AFTER (seconds after the first record is stored before the steady-state window opens, default 2), XAINOMALY_BENCH_NATS_PORT (default 42299), XAINOMALY_BENCH_HTTP_PORT (default 18080), XAINOMALY_BENCH_NATS_GOMAXPROCS (the Go scheduler threads of the private nats-server, default 1; "go" leaves Go's default, one per core: see docs/service.md, "Fourth round"). XAINOMALY_BENCH_SERIES=SECONDS (RATE runs: also print, per interval of that length, the reports stored, how many took over 5 and 10 ms, the anomalies and serve's CPU seconds; it shows where in the file the slow reports fall).
set -euo pipefail

rate=${1:-max}
repo=$(cd "$(dirname "$0")/.." && pwd)
dir=${XAINOMALY_BENCH_DIR:-/tmp/xainomaly-bench}
data=${XAINOMALY_BENCH_DATA:-/work/shared/data}
nats_port=${XAINOMALY_BENCH_NATS_PORT:-42299}
http_port=${XAINOMALY_BENCH_HTTP_PORT:-18080}
steady_after=${XAINOMALY_BENCH_STEADY_AFTER:-2}
series_every=${XAINOMALY_BENCH_SERIES:-}
nats_procs=${XAINOMALY_BENCH_NATS_GOMAXPROCS:-1}
nats_bin=$(command -v nats-server || echo /usr/sbin/nats-server)
[ -x "$nats_bin" ] || { echo "service-bench: nats-server not found (run scripts/services.sh start once to install it)" >&2; exit 3; }
mkdir -p "$dir"

dotnet build "$repo/src/Xainomaly.Cli" -c Release -v q -nologo >/dev/null
x="$repo/src/Xainomaly.Cli/bin/Release/net10.0/xainomaly"

model=${2:-$dir/m.xai}
explainer=${3:-$dir/m.fastshap}
if [ ! -f "$model" ]; then
  "$x" train --data "$data/valid.csv" --model ss-deepcae --labels 100 --seed 1 --out "$model" >/dev/null 2>&1
fi
if [ "$explainer" != none ] && [ ! -f "$explainer" ]; then
  "$x" fit-explainer --model "$model" --data "$data/valid.csv" --out "$explainer" --epochs 10 >/dev/null 2>&1
fi

rm -rf "$dir/js" "$dir"/db.sqlite* "$dir/metrics-steady.txt"
nats_pid=""; serve_pid=""; series_pid=""
cleanup() {
  if [ -n "$series_pid" ]; then kill "$series_pid" 2>/dev/null || true; fi # already gone after a full run
  [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null
  [ -n "$nats_pid" ] && kill "$nats_pid" 2>/dev/null && wait "$nats_pid" 2>/dev/null
  true
}
trap cleanup EXIT
# One Go scheduler thread for nats-server by default: beside the service on two cores, Go's default (one per core) spent
# about a third of nats-server's CPU spinning for work between messages (docs/service.md, "Fourth round").
nats_env=()
[ "$nats_procs" != go ] && nats_env=(env "GOMAXPROCS=$nats_procs")
"${nats_env[@]}" "$nats_bin" -js -a 127.0.0.1 -p "$nats_port" -sd "$dir/js" >"$dir/nats.log" 2>&1 &
nats_pid=$!
sleep 1
limit=()
[ -n "${XAINOMALY_BENCH_LIMIT:-}" ] && limit=(--limit "$XAINOMALY_BENCH_LIMIT")
cpu() { awk '{ printf "%.2f", ($14 + $15) / 100 }' "/proc/$1/stat"; } # user + system seconds (USER_HZ = 100)
if [ "$rate" = drain ]; then
  replay=$("$x" replay "$data/ue.json.gz" --rate max "${limit[@]}" --nats "nats://127.0.0.1:$nats_port" --json 2>/dev/null)
fi
nats_cpu0=$(cpu "$nats_pid")
explain=()
[ "$explainer" != none ] && explain=(--explainer "$explainer")
# shellcheck disable=SC2086 # the extra flags are meant to be split
${XAINOMALY_BENCH_SERVE_PREFIX:-} "$x" serve --model "$model" "${explain[@]}" ${XAINOMALY_BENCH_SERVE_ARGS:-} --nats "nats://127.0.0.1:$nats_port" --store "$dir/db.sqlite" \
  --http "http://127.0.0.1:$http_port" >"$dir/serve.log" 2>&1 &
serve_pid=$!
metrics() { curl -sf "http://127.0.0.1:$http_port/metrics"; }
# Polls use bash's own /dev/tcp, no process per poll, and ask for the few metric families they read (/metrics?name[]=):
# a curl costs ≈ 50 ms of CPU on this machine and bash reading the whole 50 KB page ≈ 25 ms, so polling either way every
# 0.1 s took a quarter of a core away from the service it measured. scrape FAMILY… leaves those families in $page.
scrape() {
  page=""
  local query="" f
  for f in "$@"; do query+="${query:+&}name%5B%5D=$f"; done
  { exec 3<>"/dev/tcp/127.0.0.1/$http_port"; } 2>/dev/null || return 1 # quiet while serve is still starting
  printf 'GET /metrics?%s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$query" >&3
  local line
  while IFS= read -r line <&3; do page+=${line%$'\r'}$'\n'; done
  exec 3<&-
}
# sample NAME sets $value to NAME's value in $page (no subshell: a fork per poll costs as much as the poll); get prints it.
sample() { local line; value=""; while IFS= read -r line; do case $line in "$1 "*) value=${line#* }; return ;; esac; done <<<"$page"; }
get() { sample "$1"; echo "$value"; }
# What the baseline below reads, as the consumer becomes ready.
baseline=(xainomaly_nats_consumer_ready xainomaly_nats_consumer_ready_timestamp_seconds xainomaly_stored_total process_cpu_seconds_total
  xainomaly_allocated_bytes_total xainomaly_gc_collections_total xainomaly_gc_pause_seconds_total xainomaly_jit_compiled_methods_total
  xainomaly_jit_seconds_total)
for _ in $(seq 6000); do
  scrape "${baseline[@]}" && sample xainomaly_nats_consumer_ready && [ "$value" = 1 ] && break
  sleep 0.02
done
[ "$(get xainomaly_nats_consumer_ready)" = 1 ] || { echo "service-bench: serve did not start (see $dir/serve.log)" >&2; exit 1; }
ready=$page
# drain: the service starts consuming the moment its consumer is bound, which it reports itself (the poll notices
# ≈ 0.02 s later); with a load generator the clock starts when the replay starts, below. CPU, allocation and GC are
# counted from this scrape on, per record stored after it.
start=$(printf '%.6f' "$(get xainomaly_nats_consumer_ready_timestamp_seconds)")
stored0=$(get xainomaly_stored_total)
serve_cpu0=$(get process_cpu_seconds_total)
replay_cpu=""
if [ "$rate" != drain ]; then
  TIMEFORMAT='%U %S'
  # Steady state: the JetStream latency histogram is scraped once records have been arriving for a while and again at
  # the end; the difference holds only the records in between, without the first seconds of traffic (whose handling
  # compiles what the warm-up left, and tiers up the hot code) — see the "steady state" line at the end. The window
  # opens XAINOMALY_BENCH_STEADY_AFTER seconds after the first record is stored, not after the replay starts: reading
  # and parsing the file takes the replay about 2 s before it sends anything.
  # The poll also notes when records began to be stored: the last poll that still found none (conservative, at most
  # one poll early), which starts the end-to-end clock below.
  rm -f "$dir/first-stored.txt"
  (
    before=$EPOCHREALTIME
    for _ in $(seq 600); do
      now=$EPOCHREALTIME
      if scrape xainomaly_stored_total && sample xainomaly_stored_total && [ "$value" != "$stored0" ]; then
        echo "$before" >"$dir/first-stored.txt"
        break
      fi
      before=$now
      sleep 0.1
    done
    sleep "$steady_after"
    metrics >"$dir/metrics-steady.txt" 2>/dev/null
  ) &
  snap_pid=$!
  if [ -n "$series_every" ] && [ "$rate" != max ]; then
    # One line per poll: time, reports, reports within 5 ms and within 10 ms, anomalies, serve's CPU seconds.
    rm -f "$dir/series.txt"
    (
      for _ in $(seq 100000); do
        if scrape xainomaly_nats_latency_seconds xainomaly_anomalies_total process_cpu_seconds_total; then
          line="$EPOCHREALTIME"
          for f in xainomaly_nats_latency_seconds_count 'xainomaly_nats_latency_seconds_bucket{le="0.005"}' \
            'xainomaly_nats_latency_seconds_bucket{le="0.01"}' xainomaly_anomalies_total process_cpu_seconds_total; do
            sample "$f"; line+=" ${value:-0}"
          done
          echo "$line" >>"$dir/series.txt"
        fi
        sleep "$series_every"
      done
    ) &
    series_pid=$!
  fi
  start=$(date +%s.%N)
  { time ${XAINOMALY_BENCH_REPLAY_PREFIX:-} "$x" replay "$data/ue.json.gz" --rate "$rate" "${limit[@]}" --nats "nats://127.0.0.1:$nats_port" --json >"$dir/replay.json" 2>/dev/null; } 2>"$dir/replay.time"
  replay=$(cat "$dir/replay.json")
  replay_cpu=$(awk '{ printf "%.2f", $1 + $2 }' "$dir/replay.time")
  wait "$snap_pid" || true
fi
records=$(echo "$replay" | sed -n 's/.*"records": \([0-9]*\).*/\1/p')
# While records are stored, poll every 0.1 s; the end time is the service's own last-batch timestamp rather than when
# the poll noticed.
for _ in $(seq 6000); do
  scrape xainomaly_stored_total && sample xainomaly_stored_total && stored=$value
  [ "${stored:-}" = "$records" ] && break
  sleep 0.1
done
m0=$ready
if [ -n "$series_pid" ]; then kill "$series_pid" 2>/dev/null; wait "$series_pid" 2>/dev/null || true; fi
nats_cpu=$(echo "$(cpu "$nats_pid") - $nats_cpu0" | bc)
m=$(metrics)
measured=$((stored - stored0))
serve_cpu=$(printf '%.2f' "$(echo "$(echo "$m" | sed -n 's/^process_cpu_seconds_total \([0-9.e+-]*\).*/\1/p') - $serve_cpu0" | bc -l)")
end=$(echo "$m" | sed -n 's/^xainomaly_last_batch_timestamp_seconds \([0-9.e+]*\).*/\1/p')
end=$(printf '%.6f' "$end")
echo "rate: $rate (nats-server GOMAXPROCS: $nats_procs)"
echo "replay (publish side): $(echo "$replay" | sed -n 's/.*"recordsPerSecond": \([0-9.]*\).*/\1/p') records/s"
if [ "$rate" != drain ] && [ -s "$dir/first-stored.txt" ]; then
  # With a load generator: from when records began to be stored, not from launching the replay (which first reads the
  # file for ≈ 2 s).
  start=$(cat "$dir/first-stored.txt")
  echo "end to end (first record stored → last): $stored of $records records in $(echo "$end - $start" | bc) s = $(echo "$stored / ($end - $start)" | bc) records/s"
else
  echo "end to end: $stored of $records records stored in $(echo "$end - $start" | bc) s = $(echo "$stored / ($end - $start)" | bc) records/s"
fi
echo "cpu seconds: serve $serve_cpu ($(echo "scale=1; $serve_cpu * 1000000 / $measured" | bc) µs per record stored after the first scrape: $measured), nats-server $nats_cpu${replay_cpu:+, replay $replay_cpu}"
replay_send_cpu=$(echo "$replay" | sed -n 's/.*"cpuSeconds": \([0-9.]*\).*/\1/p')
[ -n "$replay_send_cpu" ] && echo "replay cpu while publishing: $replay_send_cpu s ($(echo "$replay" | sed -n 's/.*"cpuMicrosecondsPerRecord": \([0-9.]*\).*/\1/p') µs per record; the rest of its cpu seconds is start-up and reading the file)"
val() { echo "$1" | sed -n "s/^$2 \\([0-9.e+-]*\\).*/\\1/p"; }
gc_line() {
  local a0 a1 p0 p1 g0 g1 g2 h0 h1 h2
  a0=$(val "$m0" xainomaly_allocated_bytes_total); a1=$(val "$m" xainomaly_allocated_bytes_total)
  [ -n "$a0" ] && [ -n "$a1" ] || return 0
  p0=$(val "$m0" xainomaly_gc_pause_seconds_total); p1=$(val "$m" xainomaly_gc_pause_seconds_total)
  for g in 0 1 2; do
    eval "g$g=\$(val \"\$m0\" 'xainomaly_gc_collections_total{generation=\"$g\"}')"
    eval "h$g=\$(val \"\$m\" 'xainomaly_gc_collections_total{generation=\"$g\"}')"
  done
  printf 'gc while measured: %s MB allocated (%s bytes per record), collections gen0/1/2 %s/%s/%s, paused %s s\n' \
    "$(echo "($a1 - $a0) / 1048576" | bc)" "$(echo "($a1 - $a0) / $measured" | bc)" \
    "$((h0 - g0))" "$((h1 - g1))" "$((h2 - g2))" "$(printf '%.3f' "$(echo "$p1 - $p0" | bc -l)")"
}
gc_line
jit_line() {
  local n0 n1 t0 t1
  n0=$(val "$m0" xainomaly_jit_compiled_methods_total); n1=$(val "$m" xainomaly_jit_compiled_methods_total)
  [ -n "$n0" ] && [ -n "$n1" ] || return 0
  t0=$(val "$m0" xainomaly_jit_seconds_total); t1=$(val "$m" xainomaly_jit_seconds_total)
  printf 'jit while measured: %s methods compiled, %s s compiling\n' "$((n1 - n0))" "$(printf '%.3f' "$(echo "$t1 - $t0" | bc -l)")"
}
jit_line
echo "$m" | grep -E "^xainomaly_(nats_latency_p(50|99)_seconds|anomalies_total|explanations_total|batches_total|stage_seconds_total|end_to_end_latency_seconds_bucket)"
if [ "$rate" = max ]; then
  # The generator outruns the service, so what a latency window would show is the backlog's age.
  echo "steady state: not measured with --rate max (records queue behind the generator; latencies are the backlog's)"
elif [ -s "$dir/metrics-steady.txt" ]; then
  hist() { grep '^xainomaly_nats_latency_seconds_bucket' | sed 's/.*le="\([^"]*\)"} \([0-9]*\).*/\1 \2/'; }
  paste -d' ' <(echo "$m" | hist) <(hist <"$dir/metrics-steady.txt") | awk -v after="$steady_after" '
    { le[NR] = $1; d[NR] = $2 - $4 }
    END {
      n = d[NR]
      if (n <= 0) { print "steady state: no records in the window"; exit }
      for (i = 1; i <= NR; i++) {
        if (!f50 && d[i] >= 0.5 * n) { p50 = le[i]; f50 = 1 }
        if (!f99 && d[i] >= 0.99 * n) { p99 = le[i]; f99 = 1 }
        if (le[i] == "0.01") w = d[i]
      }
      printf "steady state (JetStream stored -> stored, reports after the first %s s of traffic): %d reports, p50 <= %s s, p99 <= %s s, %.2f %% within 10 ms\n", after, n, p50, p99, 100 * w / n
    }'
fi
if [ -n "$series_pid" ] && [ -s "$dir/series.txt" ]; then
  # The histogram's lines are read while reports are recorded, so one poll's count and buckets can disagree by a report
  # or two; a difference below zero is shown as 0.
  echo "series (every $series_every s; the end of each interval in seconds after the first report was stored):"
  awk '
    function pos(x) { return x < 0 ? 0 : x }
    NR > 1 && $2 > c {
      if (!t0) t0 = t
      printf "  %6.1f s  %5d reports  %4d > 5 ms  %4d > 10 ms  %5d anomalies  serve cpu %.2f s\n", $1 - t0, $2 - c, pos(($2 - $3) - (c - l5)), pos(($2 - $4) - (c - l10)), $5 - a, $6 - u
    }
    { t = $1; c = $2; l5 = $3; l10 = $4; a = $5; u = $6 }' "$dir/series.txt"
fi
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
