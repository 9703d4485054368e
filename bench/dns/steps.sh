#!/usr/bin/env bash
# bench/dns/steps.sh: the effect of each hot-path step, same load as run.sh: the packet cache
# off, the packet cache on, and wildcard templates on top. Reports qps and the server's CPU
# time per answered query (less sensitive to a busy machine than qps alone).
# Env: RUNS=3 DURATION=10 PEERS=<shared/peers>
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PEERS=${PEERS:-$(cd "$ROOT/../shared/peers" && pwd)}
export CALLX_ANCHOR_DATA=${CALLX_ANCHOR_DATA:-$ROOT/bench/data}
export CALLX_ANCHOR_RESULTS=${CALLX_ANCHOR_RESULTS:-$ROOT/bench/out}
# shellcheck source=/dev/null
source "$PEERS/lib.sh"
set +o pipefail
RUNS=${RUNS:-3}; DURATION=${DURATION:-10}; PORT=5311
NODE="$ROOT/node_modules/.bin/node"
trap 'stop_all' EXIT INT TERM
python3 "$PEERS/gen_data.py" "$DATA/data" 100000 --csv 0 >&2
ZF="$DATA/data/zone-100000.zone"; QF="$DATA/data/queries-100000.txt"
echo "| step | server flags | qps (median of $RUNS) | server CPU us/query |"
echo "|---|---|---|---|"
for variant in "no packet cache|--cache 0 --no-wildcard-templates" "packet cache|--no-wildcard-templates" "packet cache + wildcard templates|"; do
  name=${variant%%|*}; flags=${variant#*|}
  # shellcheck disable=SC2086
  taskset -c "$SERVER_CPU" "$NODE" "$ROOT/bench/dns/serve.ts" --zone "$ZF" --apex "$ZONE" --port $PORT $flags > /dev/null 2>&1 &
  pid=$!; register_pid "callx-step" "$pid"
  wait_soa $PORT 120 > /dev/null
  taskset -c "$CLIENT_CPU" dnsperf -s 127.0.0.1 -p $PORT -d "$QF" -l 3 -c 4 -q 500 -S 1 > /dev/null 2>&1
  res=()
  for i in $(seq 1 "$RUNS"); do
    c0=$(cpu_ticks "$pid")
    out=$(taskset -c "$CLIENT_CPU" dnsperf -s 127.0.0.1 -p $PORT -d "$QF" -l "$DURATION" -c 4 -q 500 -S 1 2>&1)
    c1=$(cpu_ticks "$pid")
    n=$(echo "$out" | awk '/Queries completed/{print $3}')
    q=$(echo "$out" | awk '/Queries per second/{print $4}')
    res+=("$q $(( (c1 - c0) * 1000000 / n ))")
  done
  stop_pid callx-step "$pid" 2> /dev/null
  med=$(printf '%s\n' "${res[@]}" | sort -g | awk '{a[NR]=$0} END{print a[int((NR+1)/2)]}')
  echo "| $name | \`${flags:-(default)}\` | ${med% *} | $(echo "${med#* }" | awk '{printf "%.1f", $1/100}') |"
done
