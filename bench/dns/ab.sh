#!/usr/bin/env bash
# bench/dns/ab.sh: interleaved A/B comparison on a noisy machine. Every server is started once
# (all pinned to core 1, idle while another one is measured), then the rounds go server by
# server (A, B, C, A, B, C, ...) so a burst of load from other processes hits all of them
# alike; reports each server's median qps, server CPU time per query, and its ratio to the
# first server. Same zone, queries and dnsperf options as run.sh.
#
# Usage: bench/dns/ab.sh SPEC...
#   SPEC = pdns | pdns-nocache | LABEL=[node flags] SCRIPT [args]
#   e.g.  bench/dns/ab.sh pdns 'base=/tmp/callx-base/bench/dns/serve.ts' \
#           'new=--max-semi-space-size=64 bench/dns/serve.ts'
#   (a callx SCRIPT gets --zone, --apex and --port appended)
# Env:   RUNS=5 DURATION=10 Q=500 CLIENTS=4
#        RATE=N: a fixed rate (dnsperf -Q) with a loopback capture of every run: the report is
#        then latency (p50/p99/p99.9 from pcap_rtt.py, medians over the runs). Needs root.
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
RUNS=${RUNS:-5}; DURATION=${DURATION:-10}; Q=${Q:-500}; CLIENTS=${CLIENTS:-4}; RATE=${RATE:-}
NODE="$ROOT/node_modules/.bin/node"
OUT="$RES/dns-ab"; mkdir -p "$OUT"
trap 'stop_all' EXIT INT TERM
python3 "$PEERS/gen_data.py" "$DATA/data" 100000 --csv 0 >&2
ZF="$DATA/data/zone-100000.zone"; QF="$DATA/data/queries-100000.txt"

labels=(); ports=(); pids=()
port=5320
for spec in "$@"; do
  case "$spec" in
    pdns | pdns-nocache)
      cache=default; [ "$spec" = pdns-nocache ] && cache=nocache
      r=$(start_pdns bind "$cache" "$ZF")
      labels+=("$spec"); ports+=("$PDNS_BIND_PORT"); pids+=("${r% *}")
      # PowerDNS has one fixed port: a second PowerDNS cannot run at once
      PDNS_BIND_PORT=$((PDNS_BIND_PORT + 100))
      ;;
    *=*)
      label=${spec%%=*}; cmd=${spec#*=}
      # shellcheck disable=SC2086
      taskset -c "$SERVER_CPU" "$NODE" $cmd --zone "$ZF" --apex "$ZONE" --port $port \
        > "$OUT/$label.log" 2>&1 &
      pid=$!; register_pid "$label" "$pid"
      wait_soa $port 300 > /dev/null || { log "$label did not answer"; cat "$OUT/$label.log" >&2; exit 1; }
      taskset -a -p -c "$SERVER_CPU" "$pid" > /dev/null
      labels+=("$label"); ports+=("$port"); pids+=("$pid"); port=$((port + 1))
      ;;
    *) echo "bad spec: $spec" >&2; exit 2 ;;
  esac
done

for i in "${!labels[@]}"; do
  "$PEERS/verify_dns.sh" "${ports[$i]}" "${labels[$i]}" > "$OUT/${labels[$i]}.verify" 2>&1 \
    || log "verification FAILED for ${labels[$i]}"
  # warm-up
  taskset -c "$CLIENT_CPU" dnsperf -s 127.0.0.1 -p "${ports[$i]}" -d "$QF" -l 3 -c "$CLIENTS" -q "$Q" -S 1 > /dev/null 2>&1
  : > "$OUT/${labels[$i]}.runs"
done

extra=(); [ -n "$RATE" ] && extra=(-Q "$RATE")
for r in $(seq 1 "$RUNS"); do
  for i in "${!labels[@]}"; do
    pid=${pids[$i]}
    if [ -n "$RATE" ]; then
      tcpdump -i lo -w "$OUT/cap.pcap" -s 128 "udp port ${ports[$i]}" > /dev/null 2>&1 &
      tpid=$!; sleep 1
    fi
    c0=$(cpu_ticks "$pid"); b0=$(nstat -az UdpRcvbufErrors 2> /dev/null | awk '/UdpRcvbufErrors/{print $2}')
    o=$(taskset -c "$CLIENT_CPU" dnsperf -s 127.0.0.1 -p "${ports[$i]}" -d "$QF" -l "$DURATION" \
      -c "$CLIENTS" -q "$Q" -S 1 "${extra[@]}" 2>&1)
    c1=$(cpu_ticks "$pid"); b1=$(nstat -az UdpRcvbufErrors 2> /dev/null | awk '/UdpRcvbufErrors/{print $2}')
    lat="- - -"
    if [ -n "$RATE" ]; then
      sleep 1; kill "$tpid"; wait "$tpid" 2> /dev/null || true
      lat=$(python3 "$PEERS/pcap_rtt.py" "$OUT/cap.pcap" 0 "${ports[$i]}" | grep dns_query \
        | sed -E 's/.*p50_us=([0-9]+).*p99_us=([0-9]+) p999_us=([0-9]+).*/\1 \2 \3/')
      rm -f "$OUT/cap.pcap"
    fi
    n=$(echo "$o" | awk '/Queries completed/{print $3}')
    qps=$(echo "$o" | awk '/Queries per second/{printf "%d", $4}')
    lost=$(echo "$o" | awk '/Queries lost/{print $3}')
    avg=$(echo "$o" | awk '/Average Latency/{print $4}')
    us=$(awk -v c=$((c1 - c0)) -v n="$n" 'BEGIN{printf "%.1f", c * 10000 / n}')
    echo "$qps $us $lost $avg $((${b1:-0} - ${b0:-0})) $lat" >> "$OUT/${labels[$i]}.runs"
    log "round $r ${labels[$i]}: $qps qps, $us us CPU/query, lost $lost, avg latency ${avg}s, rcvbuf errors $((${b1:-0} - ${b0:-0})), p50/p99/p99.9 us: $lat"
  done
done

med() { sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
if [ -n "$RATE" ]; then
  echo "| server | at $RATE qps: p50 / p99 / p99.9 us (medians of $RUNS runs) | runs (p99.9) | CPU us/query | lost |"
  echo "|---|---|---|---|---|"
  for i in "${!labels[@]}"; do
    f="$OUT/${labels[$i]}.runs"
    echo "| ${labels[$i]} | $(awk '{print $6}' "$f" | med) / $(awk '{print $7}' "$f" | med) / $(awk '{print $8}' "$f" | med) | $(awk '{printf "%s ", $8}' "$f") | $(awk '{print $2}' "$f" | med) | $(awk '{printf "%s ", $3}' "$f") |"
  done
  exit 0
fi
base=$(awk '{print $1}' "$OUT/${labels[0]}.runs" | med)
echo "| server | qps median ($RUNS interleaved runs of ${DURATION}s) | runs | CPU us/query (median) | ratio to ${labels[0]}: of medians, median of the rounds' ratios |"
echo "|---|---|---|---|---|"
for i in "${!labels[@]}"; do
  f="$OUT/${labels[$i]}.runs"
  m=$(awk '{print $1}' "$f" | med); u=$(awk '{print $2}' "$f" | med)
  # the ratio within each round (both measured within seconds of each other), then its median
  paired=$(paste -d' ' "$f" "$OUT/${labels[0]}.runs" | awk '{printf "%.3f\n", $1 / $(NF / 2 + 1)}' | med)
  echo "| ${labels[$i]} | $m | $(awk '{printf "%s ", $1}' "$f") | $u | $(awk -v a="$m" -v b="$base" 'BEGIN{printf "%.2f", a / b}'), $paired |"
done
