#!/usr/bin/env bash
# bench/sip/run.sh: callx's SIP redirector against Kamailio 5.6 (Debian; enum module, stateless
# 302) on the same ENUM data, measured the way ../shared/peers/sip_bench.sh measured Kamailio
# (BENCHMARKS.md): the server pinned to core 1 together with its DNS server, SIPp on core 0,
# uac_enum.xml (INVITE, 302 whose Contact carries the dialed number, ACK) over 10,000 numbers,
# rates 500, 1000, 2000, ... doubling, then two bisection steps; the figure is the highest rate
# with no failed call, median of three runs; then a loopback capture at 500 calls/s and at half
# the maximum for microsecond INVITE->302 latency (pcap_rtt.py).
#
# callx runs as two processes like Kamailio+Knot: bench/sip/serve.ts dns (the 100,000-number
# zone plus a small callx.test zone with the PSTN routes the E2U+tel records lead to) and
# bench/sip/serve.ts sip (the redirector, resolving through it).
#
# drachtio: the same redirector on the drachtio transport, behind drachtio-server 9c2dd4cb6a
# (CALLX_DRACHTIO_BIN, else ../shared/peers/drachtio/build.sh) with docker/'s production
# configuration (logging at notice, sofia 0, its own Prometheus metrics, --disable-nat-detection);
# drachtio-server, the redirector and callx DNS all on core 1. drachtio-server sends 100 Trying
# before the 302, so this runs uac_enum_stateful.xml (bench/sip: the peers' uac_enum.xml plus an
# optional 100, the ACK with the INVITE's branch); SCENARIO=stateful gives callx the same.
#
# auth: the redirector with caller trust (docs/trust.md), every call a member's with digest
# authentication and a signed identity: bench/sip/uac_auth.xml (INVITE, 401, ACK, INVITE with
# credentials, 302 with the Identity, ACK) against serve.ts sip --auth. SIPp's digest uri is one
# string per run (-auth_uri), and callx checks it against the Request-URI, so every call of the
# run dials one number (AUTH_DEST, a London number): the PASSporT is reused within its iat second
# (AUTH_REUSE=1, the default); AUTH_REUSE=0 signs every call, as distinct destinations would.
# AUTH_DEST is reached through the pstn tree (*.4.4.pstn below): gen_data.py's wildcard routes
# for +1 and +82 sit in the e164 tree, our own, whose Contacts callx counts as on-net, so an
# anonymous INVITE to them gets a 302 and never the challenge this scenario measures.
#
# nonce: the same server, every INVITE with credentials the UA already holds, as a UA that keeps
# its nonce sends them (RFC 7616 §3.4.5, nc counting up): bench/sip/uac_auth_nc.xml, one INVITE,
# 302 with the Identity, ACK; the credentials for each step come from bench/sip/auth_csv.py (a
# nonce asked of the server, then one line per call: 10,000 London numbers in turn, so each call's
# PASSporT is signed). bill: the same with the fee system's authorization on (serve.ts --billing:
# rated on a 100,000-prefix sell deck and a 10,000-prefix cost deck, held, logged, a route token in
# the Contact, which the scenario checks) — `nonce` is its rate without authorization.
#
# Usage: bench/sip/run.sh [callx] [auth] [nonce] [bill] [drachtio] [kamailio] [steps] [trust]  (default: callx kamailio steps)
#   trust: bench/sip/trust.ts (the in-process cost of classification, policy and signing per call)
#   steps: bench/sip/steps.ts (time per step, warm caches) and bench/sip/miss.ts (a cache miss)
# Env:   DNS_PORT SIP_PORT AUTH_PORT BILL_PORT SIPP_PORT (5321 5072 5076 5078 5080: another run at once needs others)
#        AUTH_DEST=+442071234567 AUTH_REUSE=1 KAM_VARIANTS="nocache htable"
#        RUNS=3 STEP=10 RATES="500 1000 ... 32000" BISECT=2 LAT=1 CRITERION=failed|clean
#        LATRATES="500 8000" (capture at these rates instead of 500 and half the maximum)
#        PEERS=<shared/peers dir>  CALLX_ANCHOR_DATA=<generated data, default bench/data/sip>
#        SCENARIO=peers|stateful (callx's scenario; drachtio always runs the stateful one)
# Results: bench/out/sip/ (raw) and a markdown summary on stdout. Needs root (tcpdump, and the
# peers' Kamailio run mounts a private resolv.conf).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PEERS=${PEERS:-$(cd "$ROOT/../shared/peers" && pwd)}
export CALLX_ANCHOR_DATA=${CALLX_ANCHOR_DATA:-$ROOT/bench/data/sip}
export CALLX_ANCHOR_RESULTS=${CALLX_ANCHOR_RESULTS:-$ROOT/bench/out}
# shellcheck source=/dev/null
source "$PEERS/lib.sh"
set +o pipefail
RUNS=${RUNS:-3}; STEP=${STEP:-10}; RATES=${RATES:-"500 1000 2000 4000 8000 16000 32000"}
BISECT=${BISECT:-2}; LAT=${LAT:-1}; CRITERION=${CRITERION:-failed}
SIPP_BUFF=${SIPP_BUFF:-4194304}
export CRITERION
NODE="$ROOT/node_modules/.bin/node"
DNS_PORT=${DNS_PORT:-5321}
SIP_PORT=${SIP_PORT:-5072}
AUTH_PORT=${AUTH_PORT:-5076}
AUTH_DEST=${AUTH_DEST:-+442071234567}
AUTH_REUSE=${AUTH_REUSE:-1}
AUTH_SCENARIO="$ROOT/bench/sip/uac_auth.xml"
NONCE_SCENARIO="$ROOT/bench/sip/uac_auth_nc.xml"
BILL_PORT=${BILL_PORT:-5078}
TGT_GEN=
SIPP_PORT=${SIPP_PORT:-5080}
TGT_ARGS=()
DRACHTIO_SIP_PORT=5074
DRACHTIO_ADMIN_PORT=9032
DRACHTIO_METRICS_PORT=9033
STATEFUL="$ROOT/bench/sip/uac_enum_stateful.xml"
case "${SCENARIO:-peers}" in
  stateful) CALLX_SCENARIO=$STATEFUL ;;
  *) CALLX_SCENARIO="$PEERS/uac_enum.xml" ;;
esac
# the target of the ladder: output directory name, SIP port, scenario, extra server process (drachtio)
TGT=callx; TGT_PORT=$SIP_PORT; TGT_SCENARIO=$CALLX_SCENARIO; XPID=
OUT="$RES/sip"; mkdir -p "$OUT"
SEL=("$@"); [ ${#SEL[@]} -eq 0 ] && SEL=(callx kamailio steps)
want() { local w; for w in "${SEL[@]}"; do [ "$w" = "$1" ] && return 0; done; return 1; }
trap 'stop_all' EXIT INT TERM

python3 "$PEERS/gen_data.py" "$DATA/data" 100000 >&2
CSV="$DATA/data/numbers-10000.csv"

start_dns() { # -> sets DNSPID
  local z="$RUN/callx-zones"
  rm -rf "$z"; mkdir -p "$z"
  cp "$DATA/data/zone-100000.zone" "$z/e164.callx.test.zone"  # a copy: the zone loader reads regular files only
  cat > "$z/callx.test.zone" <<ZONE
\$ORIGIN callx.test.
\$TTL 3600
@   IN SOA ns1.callx.test. hostmaster.callx.test. 2024010101 3600 600 604800 300
    IN NS  ns1
ns1 IN A   127.0.0.1
*.2.8.pstn NAPTR 100 10 "u" "E2U+sip" "!^\\\\+(.*)\$!sip:+\\\\1@gw.kr.callx.test;user=phone!" .
*.1.pstn   NAPTR 100 10 "u" "E2U+sip" "!^\\\\+(.*)\$!sip:+\\\\1@gw.us.callx.test;user=phone!" .
*.4.4.pstn NAPTR 100 10 "u" "E2U+sip" "!^\\\\+(.*)\$!sip:+\\\\1@gw.uk.callx.test;user=phone!" .
ZONE
  port_free udp $DNS_PORT || { log "port $DNS_PORT busy"; return 1; }
  taskset -c "$SERVER_CPU" "$NODE" "$ROOT/bench/sip/serve.ts" dns --zones "$z" --port $DNS_PORT > "$OUT/callx-dns.log" 2>&1 &
  DNSPID=$!; register_pid callx-dns "$DNSPID"
  wait_soa $DNS_PORT 300 > /dev/null || { log "callx DNS did not answer"; cat "$OUT/callx-dns.log" >&2; return 1; }
  taskset -a -p -c "$SERVER_CPU" "$DNSPID" > /dev/null
}

start_sip() { # builtin|drachtio|auth|bill -> sets SIPPID_<mode> (and DRPID with drachtio)
  local mode=$1 port=$SIP_PORT pid i
  [ "$mode" = drachtio ] && port=$DRACHTIO_SIP_PORT
  [ "$mode" = auth ] && port=$AUTH_PORT
  [ "$mode" = bill ] && port=$BILL_PORT
  port_free udp "$port" || { log "port $port busy"; return 1; }
  if [ "$mode" = drachtio ]; then
    local secret=bench-drachtio-secret
    port_free tcp $DRACHTIO_ADMIN_PORT || { log "port $DRACHTIO_ADMIN_PORT busy"; return 1; }
    # docker/'s configuration and arguments; only the ports and the secret are set here
    taskset -c "$SERVER_CPU" "$DRACHTIO_BIN" -f "$ROOT/docker/drachtio/drachtio.conf.xml" --disable-nat-detection \
      --contact "sip:127.0.0.1:$DRACHTIO_SIP_PORT;transport=udp,tcp" --address 127.0.0.1 --port $DRACHTIO_ADMIN_PORT \
      --secret "$secret" --prometheus-scrape-port "127.0.0.1:$DRACHTIO_METRICS_PORT" > "$OUT/drachtio.log" 2>&1 &
    DRPID=$!; register_pid drachtio "$DRPID"
    sleep 1; taskset -a -p -c "$SERVER_CPU" "$DRPID" > /dev/null
    taskset -c "$SERVER_CPU" "$NODE" "$ROOT/bench/sip/serve.ts" sip --resolver "127.0.0.1:$DNS_PORT" \
      --drachtio "127.0.0.1:$DRACHTIO_ADMIN_PORT:$secret" > "$OUT/callx-sip-$mode.log" 2>&1 &
  elif [ "$mode" = auth ]; then
    taskset -c "$SERVER_CPU" "$NODE" "$ROOT/bench/sip/serve.ts" sip --auth --stir-reuse "$AUTH_REUSE" --port "$AUTH_PORT" \
      --resolver "127.0.0.1:$DNS_PORT" > "$OUT/callx-sip-$mode.log" 2>&1 &
  elif [ "$mode" = bill ]; then
    taskset -c "$SERVER_CPU" "$NODE" "$ROOT/bench/sip/serve.ts" sip --auth --billing --stir-reuse "$AUTH_REUSE" --port "$BILL_PORT" \
      --resolver "127.0.0.1:$DNS_PORT" > "$OUT/callx-sip-$mode.log" 2>&1 &
  else
    taskset -c "$SERVER_CPU" "$NODE" "$ROOT/bench/sip/serve.ts" sip --port $SIP_PORT --resolver "127.0.0.1:$DNS_PORT" > "$OUT/callx-sip-$mode.log" 2>&1 &
  fi
  pid=$!; register_pid "callx-sip-$mode" "$pid"
  printf -v "SIPPID_$mode" '%s' "$pid"
  for i in $(seq 1 300); do # (--billing imports 110,000 deck rows first)
    # (an anonymous probe of a member's number: 302 with caller trust on as well)
    python3 "$PEERS/sip_probe.py" 127.0.0.1 "$port" +8226200001 2>/dev/null | grep -q ' 302 ' && break
    sleep 0.2
  done
  taskset -a -p -c "$SERVER_CPU" "$pid" > /dev/null
  python3 "$PEERS/sip_probe.py" 127.0.0.1 "$port" +8226200001 +8226299999 +821012345678 +12125550100 +443120 "$AUTH_DEST" > "$OUT/$mode.verify" 2>&1 || true
  cat "$OUT/$mode.verify" >&2
}

target() { # callx|drachtio|auth|nonce|bill: what the ladder, the steps and the captures measure
  TGT_ARGS=(); TGT_GEN=
  if [ "$1" = drachtio ]; then
    TGT=drachtio; TGT_PORT=$DRACHTIO_SIP_PORT; TGT_SCENARIO=$STATEFUL; SIPPID=$SIPPID_drachtio; XPID=$DRPID
  elif [ "$1" = auth ]; then
    TGT=auth; TGT_PORT=$AUTH_PORT; TGT_SCENARIO=$AUTH_SCENARIO; SIPPID=$SIPPID_auth; XPID=""
    TGT_ARGS=(-s "$AUTH_DEST" -au kim -ap bench-pw -auth_uri "$AUTH_DEST@127.0.0.1:$AUTH_PORT")
  elif [ "$1" = nonce ]; then
    TGT=nonce; TGT_PORT=$AUTH_PORT; TGT_SCENARIO=$NONCE_SCENARIO; SIPPID=$SIPPID_auth; XPID=""; TGT_GEN=1
  elif [ "$1" = bill ]; then
    # the scenario also requires the route token in the Contact
    TGT=bill; TGT_PORT=$BILL_PORT; TGT_SCENARIO="$RUN/uac_auth_nc_bill.xml"; SIPPID=$SIPPID_bill; XPID=""; TGT_GEN=1
    sed 's|^\( *\)<assignstr assign_to="signed" value=""/>|&\n\1<ereg regexp="Callx-Route-Token=[A-Za-z0-9_.-]+" search_in="hdr" header="Contact:" check_it="true" assign_to="token"/>\n\1<assignstr assign_to="token" value=""/>|' \
      "$NONCE_SCENARIO" > "$TGT_SCENARIO"
  else
    TGT=callx; TGT_PORT=$SIP_PORT; TGT_SCENARIO=$CALLX_SCENARIO; SIPPID=$SIPPID_builtin; XPID=""
  fi
}

sipp_step() { # RUN RATE -> writes $OUT/$TGT/run<r>-<rate>.* ; prints PASS|FAIL|CLIENTBOUND|RETRANS
  local r=$1 rate=$2 dir="$OUT/$TGT" n f rc sc0 sc1 dc0 dc1 xc0=0 xc1=0 t0 t1 wall sn
  mkdir -p "$dir"; f="$dir/run$r-$rate"; n=$((rate * STEP))
  rm -f "$f".*
  sn=$(basename "$TGT_SCENARIO" .xml)
  rm -f "$dir"/"${sn}"_*_rtt.csv "$dir"/"${sn}"_*_errors.log
  local inf=$CSV
  if [ -n "$TGT_GEN" ]; then # credentials for n calls under a nonce of this step
    inf="$f.inf.csv"; taskset -c "$CLIENT_CPU" python3 "$ROOT/bench/sip/auth_csv.py" 127.0.0.1 "$TGT_PORT" "$n" "$inf" >&2 || return 1
  fi
  sc0=$(cpu_ticks "$SIPPID"); dc0=$(cpu_ticks "$DNSPID"); if [ -n "$XPID" ]; then xc0=$(cpu_ticks "$XPID"); fi; t0=$(date +%s.%N)
  ( cd "$dir" && timeout $((STEP + 60)) taskset -c "$CLIENT_CPU" sipp 127.0.0.1:$TGT_PORT \
      -sf "$TGT_SCENARIO" -inf "$inf" -i 127.0.0.1 -p "$SIPP_PORT" \
      -r "$rate" -rp 1000 -m "$n" -l 10000 -nostdin -f 5 -buff_size "$SIPP_BUFF" \
      -recv_timeout 4000 -max_retrans 3 -timeout $((STEP + 45)) \
      -trace_stat -stf "$f.stat.csv" -fd 1 -trace_rtt -rtt_freq 500 -trace_err "${TGT_ARGS[@]}" \
      > "$f.screen" 2>&1 ); rc=$?
  sc1=$(cpu_ticks "$SIPPID"); dc1=$(cpu_ticks "$DNSPID"); if [ -n "$XPID" ]; then xc1=$(cpu_ticks "$XPID"); fi; t1=$(date +%s.%N)
  wall=$(echo "($t1 - $t0) * 100" | bc -l | cut -d. -f1)
  for x in "$dir"/"${sn}"_*_rtt.csv; do [ -f "$x" ] && mv "$x" "$f.rtt.csv"; done
  for x in "$dir"/"${sn}"_*_errors.log; do [ -f "$x" ] && mv "$x" "$f.errors.log"; done
  python3 "$PEERS/sipp_stat.py" "$f.stat.csv" "$rate" "$n" "$rc" \
    "callx_sip_cpu_pct=$(( (sc1 - sc0) * 100 / wall ))" "callx_dns_cpu_pct=$(( (dc1 - dc0) * 100 / wall ))" \
    ${XPID:+"drachtio_cpu_pct=$(( (xc1 - xc0) * 100 / wall ))"} "wall_s=$(( wall / 100 ))" > "$f.summary"
  rm -f "$f.rtt.csv"; [ -n "$TGT_GEN" ] && rm -f "$inf"
  awk '{print $1}' "$f.summary"
}

ladder() { # RUN -> prints the highest passing rate
  local r=$1 rate res pass=0 fail=0 lo hi mid
  for rate in $RATES; do
    res=$(sipp_step "$r" "$rate"); log "   $TGT run$r rate $rate: $res $(cut -d' ' -f2- "$OUT/$TGT/run$r-$rate.summary")"
    sleep 2
    if [ "$res" = PASS ]; then pass=$rate; else fail=$rate; break; fi
  done
  if [ "$fail" -gt 0 ] && [ "$pass" -gt 0 ]; then
    lo=$pass; hi=$fail
    for _ in $(seq 1 "$BISECT"); do
      mid=$(( (lo + hi) / 2 ))
      res=$(sipp_step "$r" "$mid"); log "   $TGT run$r rate $mid: $res $(cut -d' ' -f2- "$OUT/$TGT/run$r-$mid.summary")"
      sleep 2
      if [ "$res" = PASS ]; then lo=$mid; else hi=$mid; fi
    done
    pass=$lo
  fi
  echo "$pass"
}

latency() { # RATE: one step under a loopback capture -> microsecond INVITE->302 and DNS times
  local rate=$1 pc="$RUN/$TGT-lat-$1.pcap" tpid res
  taskset -c "$CLIENT_CPU" tcpdump -i lo -n -s 1024 -B 65536 -w "$pc" "udp and (port $TGT_PORT or port $DNS_PORT)" \
    > "$OUT/$TGT/lat-$rate.tcpdump.log" 2>&1 &
  tpid=$!; register_pid tcpdump "$tpid"; sleep 1
  res=$(sipp_step lat "$rate")
  sleep 0.5; stop_pid tcpdump "$tpid"
  { echo "sipp: $res $(cut -d' ' -f2- "$OUT/$TGT/runlat-$rate.summary")"
    python3 "$PEERS/pcap_rtt.py" "$pc" "$TGT_PORT" "$DNS_PORT"; } > "$OUT/$TGT/latency-$rate.txt"
  rm -f "$pc"
  log "   $TGT latency @ $rate cps: $(tail -2 "$OUT/$TGT/latency-$rate.txt" | tr '\n' ' ')"
}

if want trust; then
  log "== callx: caller trust per call, in process (bench/sip/trust.ts)"
  taskset -c "$SERVER_CPU" "$NODE" "$ROOT/bench/sip/trust.ts" 20000 > "$OUT/callx-trust.json"
  cat "$OUT/callx-trust.json" >&2
fi

if want steps; then
  log "== callx: time per step (bench/sip/steps.ts)"
  taskset -c "$SERVER_CPU" "$NODE" "$ROOT/bench/sip/steps.ts" 50000 > "$OUT/callx-steps.json"
  taskset -c "$SERVER_CPU" "$NODE" "$ROOT/bench/sip/miss.ts" 10000 > "$OUT/callx-miss.json"
  cat "$OUT/callx-steps.json" "$OUT/callx-miss.json" >&2
fi

TARGETS=(); want callx && TARGETS+=(callx); want auth && TARGETS+=(auth); want nonce && TARGETS+=(nonce)
want bill && TARGETS+=(bill); want drachtio && TARGETS+=(drachtio)
if [ ${#TARGETS[@]} -gt 0 ]; then
  log "== callx redirector: ${TARGETS[*]} (the ladders alternate, so both meet the same machine)"
  want drachtio && DRACHTIO_BIN=${CALLX_DRACHTIO_BIN:-$(bash "${CALLX_DRACHTIO_BUILD:-$ROOT/../shared/peers/drachtio/build.sh}")}
  start_dns
  want callx && start_sip builtin
  { want auth || want nonce; } && start_sip auth
  want bill && start_sip bill
  want drachtio && start_sip drachtio
  for t in "${TARGETS[@]}"; do mkdir -p "$OUT/$t"; rm -f "$OUT/$t"/latency-*.txt; : > "$OUT/$t.maxrates"; done
  if [ "$RUNS" -gt 0 ]; then
    for r in $(seq 1 "$RUNS"); do
      for t in "${TARGETS[@]}"; do
        target "$t"; m=$(ladder "$r"); echo "$m" >> "$OUT/$t.maxrates"; log "   $t run$r max passing rate: $m cps"
      done
    done
  else
    for t in "${TARGETS[@]}"; do target "$t"; sipp_step warm 2000 > /dev/null; done # fill the caches
  fi
  if [ "$LAT" = 1 ]; then
    for t in "${TARGETS[@]}"; do
      target "$t"
      half=$(sort -n "$OUT/$t.maxrates" 2>/dev/null | awk '{a[NR]=$1} END{r=int(a[int((NR+1)/2)]/2/100)*100; if (r<500) r=500; print r}')
      for lr in ${LATRATES:-500 $half}; do latency "$lr"; done
    done
  fi
  for t in "${TARGETS[@]}"; do
    target "$t"
    { echo "maxrates=$(tr '\n' ' ' < "$OUT/$t.maxrates")"
      echo "rss_kb_sip=$(rss_kb "$SIPPID")"; echo "rss_kb_dns=$(rss_kb "$DNSPID")"
      if [ -n "$XPID" ]; then echo "rss_kb_drachtio=$(rss_kb "$XPID")"; fi; } > "$OUT/$t.meta"
  done
  if want drachtio; then
    curl -s "http://127.0.0.1:$DRACHTIO_METRICS_PORT/metrics" | grep '^drachtio_sip' > "$OUT/drachtio.metrics" || true
    stop_pid callx-sip-drachtio "$SIPPID_drachtio"; stop_pid drachtio "$DRPID"
    grep stats "$OUT/callx-sip-drachtio.log" >> "$OUT/drachtio.meta" || true
  fi
  if want callx; then
    stop_pid callx-sip-builtin "$SIPPID_builtin"
    grep stats "$OUT/callx-sip-builtin.log" >> "$OUT/callx.meta" || true
  fi
  if want auth || want nonce; then
    stop_pid callx-sip-auth "$SIPPID_auth"
    grep stats "$OUT/callx-sip-auth.log" >> "$OUT/auth.meta" || true
  fi
  if want bill; then
    stop_pid callx-sip-bill "$SIPPID_bill"
    grep stats "$OUT/callx-sip-bill.log" >> "$OUT/bill.meta" || true
  fi
  stop_pid callx-dns "$DNSPID"
fi

if want kamailio; then
  log "== Kamailio (the peers' own script, same data): nocache and htable"
  # shellcheck disable=SC2086
  SIP_OUT=sip-kamailio RUNS=$RUNS STEP=$STEP RATES="$RATES" BISECT=$BISECT LAT=$LAT "$PEERS/sip_bench.sh" ${KAM_VARIANTS:-nocache htable}
fi

# summary (medians), markdown
{
  echo "| system | max calls/s, no failure (runs) | INVITE->302 p50 / p99 (pcap, 500 calls/s) | at half max |"
  echo "|---|---|---|---|"
  row() { # LABEL MAXRATES_FILE LATDIR
    local label=$1 mr=$2 dir=$3 med l500 lhalf
    [ -f "$mr" ] || return 0
    med=$(sort -n "$mr" | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}')
    l500=$(grep -h sip_invite "$dir"/latency-500.txt 2>/dev/null | sed -E 's/.*p50_us=([0-9]+).*p99_us=([0-9]+).*/\1 us \/ \2 us/')
    lhalf=$(ls "$dir"/latency-*.txt 2>/dev/null | grep -v 'latency-500\.txt' | head -1)
    [ -n "$lhalf" ] && lhalf="$(basename "$lhalf" .txt | sed 's/latency-//') calls/s: $(grep -h sip_invite "$lhalf" | sed -E 's/.*p50_us=([0-9]+).*p99_us=([0-9]+).*/\1 us \/ \2 us/')"
    echo "| $label | $med ($(tr '\n' ' ' < "$mr" | sed 's/ $//')) | ${l500:--} | ${lhalf:--} |"
  }
  row "callx, builtin transport (redirector + callx DNS, core 1)" "$OUT/callx.maxrates" "$OUT/callx"
  row "callx, every INVITE digest-authenticated (401, then credentials) and signed, PASSporT reuse $AUTH_REUSE s" "$OUT/auth.maxrates" "$OUT/auth"
  row "callx, every INVITE with credentials (nonce reused, nc counting up), each call signed" "$OUT/nonce.maxrates" "$OUT/nonce"
  row "callx, as above with the fee system's authorization (rated, held, logged, route token)" "$OUT/bill.maxrates" "$OUT/bill"
  row "callx, drachtio transport (drachtio-server 9c2dd4cb6a + redirector + callx DNS, core 1)" "$OUT/drachtio.maxrates" "$OUT/drachtio"
  row "Kamailio 5.6, ENUM query per call (+ Knot)" "$RES/sip-kamailio/nocache.maxrates" "$RES/sip-kamailio/nocache"
  row "Kamailio 5.6, htable result cache (+ Knot)" "$RES/sip-kamailio/htable.maxrates" "$RES/sip-kamailio/htable"
} | tee "$OUT/summary.md"
