#!/usr/bin/env bash
# bench/dns/run.sh: callx's DNS server against PowerDNS (bind backend, with and without its
# caches) on the same 100,000-number ENUM zone, measured the way ../shared/peers/dns_bench.sh
# measured the peers (BENCHMARKS.md): server pinned to core 1, dnsperf to core 0,
# `dnsperf -c 4 -q 500 -l 15`, median of three runs, then fixed-rate runs at half the median
# rate for latency (dnsperf's average/max, and p50/p99 from a loopback capture).
#
# Usage: bench/dns/run.sh [callx] [pdns] [load1m]     (default: callx pdns)
# Env:   RUNS=3 DURATION=15 WARMUP=5 FIXED_DURATION=10 Q=500 CLIENTS=4
#        PEERS=<shared/peers dir>  CALLX_ANCHOR_DATA=<where generated zones go, default bench/data>
# Results: bench/out/dns/ (raw) and a markdown summary on stdout. Needs root for tcpdump.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PEERS=${PEERS:-$(cd "$ROOT/../shared/peers" && pwd)}
export CALLX_ANCHOR_DATA=${CALLX_ANCHOR_DATA:-$ROOT/bench/data}
export CALLX_ANCHOR_RESULTS=${CALLX_ANCHOR_RESULTS:-$ROOT/bench/out}
# shellcheck source=/dev/null
source "$PEERS/lib.sh"
# shellcheck source=/dev/null
source "$PEERS/servers.sh"
set +o pipefail
RUNS=${RUNS:-3}; DURATION=${DURATION:-15}; WARMUP=${WARMUP:-5}; FIXED_DURATION=${FIXED_DURATION:-10}
Q=${Q:-500}; CLIENTS=${CLIENTS:-4}
CALLX_PORT=5310
NODE="$ROOT/node_modules/.bin/node"
OUT="$RES/dns"; mkdir -p "$OUT"
trap 'stop_all' EXIT INT TERM

python3 "$PEERS/gen_data.py" "$DATA/data" 100000 --csv 0 >&2
ZF="$DATA/data/zone-100000.zone"; QF="$DATA/data/queries-100000.txt"

# start_callx ZONEFILE TAG -> "PID LOAD_SECONDS"
start_callx() {
  local zf=$1 tag=$2 pid t
  port_free udp $CALLX_PORT || { log "port $CALLX_PORT busy"; return 1; }
  taskset -c "$SERVER_CPU" "$NODE" "$ROOT/bench/dns/serve.ts" --zone "$zf" --apex "$ZONE" --port $CALLX_PORT \
    > "$OUT/callx-$tag.log" 2>&1 &
  pid=$!; register_pid "callx-$tag" "$pid"
  t=$(wait_soa $CALLX_PORT 600) || { log "callx did not answer SOA"; cat "$OUT/callx-$tag.log" >&2; return 1; }
  taskset -a -p -c "$SERVER_CPU" "$pid" > /dev/null
  echo "$pid $t"
}

dnsperf_run() { # FILE PORT SECONDS SERVERPID [extra dnsperf args...]
  local f=$1 port=$2 secs=$3 pid=$4; shift 4
  local c0 c1
  c0=$(cpu_ticks "$pid")
  timeout $((secs + 30)) taskset -c "$CLIENT_CPU" dnsperf -s 127.0.0.1 -p "$port" -d "$QF" \
    -l "$secs" -c "$CLIENTS" -q "$Q" -S 1 "$@" > "$f" 2>&1
  c1=$(cpu_ticks "$pid")
  echo "server_cpu_pct=$(( (c1 - c0) / secs ))" >> "$f"
}

median() { sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }

bench() { # LABEL PORT PID LOADSECONDS
  local label=$1 port=$2 pid=$3 load=$4 i rate files=() qps lat
  log "== $label (pid $pid, load ${load}s)"
  "$PEERS/verify_dns.sh" "$port" "$label" > "$OUT/$label.verify" 2>&1 || log "verification FAILED for $label"
  local rss_load; rss_load=$(rss_kb "$pid")
  dnsperf_run "$OUT/$label-warmup.txt" "$port" "$WARMUP" "$pid"
  for i in $(seq 1 "$RUNS"); do
    dnsperf_run "$OUT/$label-sat-$i.txt" "$port" "$DURATION" "$pid"; files+=("$OUT/$label-sat-$i.txt")
    log "   run $i: $(awk '/Queries per second/{print $4}' "$OUT/$label-sat-$i.txt") qps"
  done
  qps=$(for f in "${files[@]}"; do awk '/Queries per second/{print $4}' "$f"; done | median)
  rate=$(echo "$qps" | awk '{r=int($1/2); if (r>20000) r=20000; print r}')
  tcpdump -i lo -w "$OUT/$label-fixed.pcap" -s 128 "udp port $port" > /dev/null 2>&1 &
  local tpid=$!; sleep 1
  dnsperf_run "$OUT/$label-fixed.txt" "$port" "$FIXED_DURATION" "$pid" -Q "$rate"
  sleep 1; kill "$tpid"; wait "$tpid" 2>/dev/null || true
  lat=$(python3 "$PEERS/pcap_rtt.py" "$OUT/$label-fixed.pcap" 0 "$port" | grep dns_query || true)
  rm -f "$OUT/$label-fixed.pcap"
  cat > "$OUT/$label.summary" <<EOF
label=$label
qps_runs="$(for f in "${files[@]}"; do awk '/Queries per second/{printf "%d ", $4}' "$f"; done)"
qps_median=$qps
lost="$(for f in "${files[@]}"; do awk '/Queries lost/{printf "%s ", $3}' "$f"; done)"
sat_avg_latency_s=$(awk '/Average Latency/{print $4}' "${files[0]}")
fixed_rate=$rate
fixed_avg_latency_s=$(awk '/Average Latency/{print $4}' "$OUT/$label-fixed.txt")
fixed_max_latency_s=$(awk '/Average Latency/{gsub(/\)/,"",$8); print $8}' "$OUT/$label-fixed.txt")
fixed_pcap="$lat"
load_s=$load
rss_kb_after_load=$rss_load
rss_kb_after_bench=$(rss_kb "$pid")
hwm_kb=$(hwm_kb "$pid")
server_cpu_pct=$(awk -F= '/server_cpu_pct/{print $2}' "${files[0]}")
EOF
  cat "$OUT/$label.summary" >&2
}

SEL=("$@"); [ ${#SEL[@]} -eq 0 ] && SEL=(callx pdns)
want() { local w; for w in "${SEL[@]}"; do [ "$w" = "$1" ] && return 0; done; return 1; }

if want callx; then
  r=$(start_callx "$ZF" 100k)
  bench callx-100k $CALLX_PORT "${r% *}" "${r#* }"
  stop_pid callx-100k "${r% *}"
  tail -1 "$OUT/callx-100k.log" >&2
fi

if want pdns; then
  for cache in default nocache; do
    r=$(start_pdns bind "$cache" "$ZF")
    bench "pdns-bind-$cache" "$PDNS_BIND_PORT" "${r% *}" "${r#* }"
    stop_pid "pdns-bind-$cache" "${r% *}"
  done
fi

if want load1m; then
  python3 "$PEERS/gen_data.py" "$DATA/data" 1000000 --csv 0 >&2
  /usr/bin/time -v taskset -c "$SERVER_CPU" "$NODE" "$ROOT/bench/dns/serve.ts" \
    --zone "$DATA/data/zone-1000000.zone" --apex "$ZONE" --load-only > "$OUT/load-1m.txt" 2>&1
  grep -E 'loaded|Maximum resident|Elapsed' "$OUT/load-1m.txt" >&2
fi

echo "| server | qps (median of $RUNS) | runs | fixed-rate avg / max latency | pcap p50 / p99 | RSS after bench |"
echo "|---|---|---|---|---|---|"
for f in "$OUT"/*.summary; do
  # shellcheck source=/dev/null
  ( source "$f"
    p50=$(echo "$fixed_pcap" | grep -o 'p50_us=[0-9]*' | cut -d= -f2); p99=$(echo "$fixed_pcap" | grep -o 'p99_us=[0-9]*' | cut -d= -f2)
    echo "| $label | $qps_median | $qps_runs | ${fixed_avg_latency_s}s / ${fixed_max_latency_s}s at $fixed_rate qps | ${p50:-?} us / ${p99:-?} us | $((rss_kb_after_bench / 1024)) MiB |" )
done
