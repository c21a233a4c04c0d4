#!/usr/bin/env bash
# End-to-end benchmark: PostgreSQL -> raw Debezium (baselines) vs. this product's pipeline.
#
# One run, on one machine (see benchmarks/README.md, "End to end"):
#   1. starts two embedded PostgreSQL 16 servers: the source (wal_level=logical) and the jdbc sink's target;
#   2. makes one replication slot per run, then inserts the same $E2E_ROWS rows once: every slot holds the
#      very same backlog;
#   3. streams it, alternately $E2E_REPEAT times (medians compared), through
#      - the raw Debezium embedded engine into a consumer that only counts, in the Connect format
#        (SourceRecords, what the product's Debezium engine consumes: the baseline of issue 10) and in the
#        JSON format (JSON text: the baseline issue 13 names);
#      - the product's pipeline (postgresql source with its default engine, native -> the spec's rules -> two
#        quality checks -> file sink), and the same pipeline with engine: debezium;
#      then once with the jdbc sink into the target server, through pg_recvlogical (PostgreSQL's own client,
#      to a file) and the native engine alone (a counting context), plus breakdown runs (no sink, no stages);
#   4. commit-to-sink latency at a steady $E2E_RATE changes/s with poll_interval $E2E_POLL_INTERVAL
#      (Debezium alone, the pipeline, the pipeline with engine: debezium);
#   5. resident memory of the pipeline process while a backlog of $E2E_BACKLOG_ROWS events drains;
#   6. prints one name=value line per figure; then e2e_native_vs_debezium_ratio (median pipeline events/s /
#      median JSON baseline events/s, issue 13), native_vs_pg_recvlogical_ratio (native source alone /
#      pg_recvlogical), and last e2e_vs_debezium_ratio (median pipeline events/s with the file sink / median
#      Connect baseline events/s, issue 10).
# Every Java process runs with the same flags ($E2E_JVM_FLAGS). Not part of ./mvnw verify.
#
# Usage: benchmarks/e2e.sh            (builds benchmarks/target/benchmarks.jar first; E2E_SKIP_BUILD=1 skips that)
set -euo pipefail

cd "$(dirname "$0")/.."
JAR=benchmarks/target/benchmarks.jar
ROWS=${E2E_ROWS:-200000}
BACKLOG_ROWS=${E2E_BACKLOG_ROWS:-1000000}
RATE=${E2E_RATE:-500}
LATENCY_SECONDS=${E2E_LATENCY_SECONDS:-60}
LATENCY_WARMUP_SECONDS=${E2E_LATENCY_WARMUP_SECONDS:-10}
POLL=${E2E_POLL_INTERVAL:-0.1}
BREAKDOWN=${E2E_BREAKDOWN:-1}
# baseline and file pipeline run alternately this many times; the ratio compares their medians
REPEAT=${E2E_REPEAT:-3}
JVM_FLAGS=${E2E_JVM_FLAGS:--Xms1g -Xmx1g -XX:+UseParallelGC}
# Debezium's own metrics collector warns once per dropped sample; keep the logs readable (same for every run)
LOG_FLAGS="-Dorg.slf4j.simpleLogger.log.io.debezium.metrics=error"
WORK=${E2E_WORK_DIR:-$(mktemp -d /tmp/etl-e2e.XXXXXX)}
RESULTS="$WORK/results.txt"
mkdir -p "$WORK"
: > "$RESULTS"
echo "logs and results go to $WORK" >&2

if [ "${E2E_SKIP_BUILD:-0}" != 1 ]; then
  echo "building $JAR ..." >&2
  ./mvnw -B -q -pl benchmarks -am package -DskipTests >&2
fi

figure() { echo "$1=$2" | tee -a "$RESULTS"; }

# run <log name> <main class> <args...>: one measurement JVM; its name=value lines go to stdout and $RESULTS
run() {
  local name=$1; shift
  if ! java $JVM_FLAGS $LOG_FLAGS -cp "$JAR" "$@" 2> "$WORK/$name.log" | tee -a "$RESULTS"; then
    echo "run '$name' failed; last lines of $WORK/$name.log:" >&2
    tail -n 30 "$WORK/$name.log" >&2
    exit 1
  fi
}

figure machine_cores "$(nproc)"
figure machine_load_1m_at_start "$(cut -d' ' -f1 /proc/loadavg)"
figure java_version "$(java -version 2>&1 | head -n 1 | sed 's/.*version "\([^"]*\)".*/\1/')"
figure jvm_flags "\"$JVM_FLAGS\""

# ---- 1. databases ------------------------------------------------------------------------------------
java -Xmx256m -cp "$JAR" io.etlcdc.benchmarks.e2e.E2eDatabases --dir "$WORK/db" > /dev/null 2> "$WORK/databases.log" &
DB_PID=$!
stop_databases() {
  if kill -0 "$DB_PID" 2> /dev/null; then
    kill "$DB_PID" && wait "$DB_PID" 2> /dev/null || true
  fi
}
trap stop_databases EXIT
for _ in $(seq 1 180); do
  [ -f "$WORK/db/databases.properties" ] && break
  kill -0 "$DB_PID" 2> /dev/null || { tail -n 30 "$WORK/databases.log" >&2; exit 1; }
  sleep 1
done
[ -f "$WORK/db/databases.properties" ] || { echo "the databases did not start in 180 s" >&2; exit 1; }
SOURCE=$(sed -n 's/^source=//p' "$WORK/db/databases.properties")
TARGET=$(sed -n 's/^target=//p' "$WORK/db/databases.properties")

# ---- 2. the backlog: one slot per run, then the rows ---------------------------------------------------
suffix() { [ "$1" = 1 ] && echo "" || echo "_$1"; }
SLOTS="e2e_jdbc,e2e_recvlogical,e2e_native_source"
for i in $(seq 1 "$REPEAT"); do
  s=$(suffix "$i")
  SLOTS="$SLOTS,e2e_debezium$s,e2e_file$s,e2e_debezium_json$s,e2e_dbz_file$s"
done
[ "$BREAKDOWN" = 1 ] && SLOTS="$SLOTS,e2e_nosink,e2e_source"
run workload io.etlcdc.benchmarks.e2e.E2eWorkload prepare --source "$SOURCE"
run backlog io.etlcdc.benchmarks.e2e.E2eWorkload backlog --source "$SOURCE" --rows "$ROWS" --first-id 1 --slots "$SLOTS"

# ---- 3. throughput over the same backlog -----------------------------------------------------------------
# baselines and pipelines alternate, so that a change in the machine's load hits all alike
for i in $(seq 1 "$REPEAT"); do
  s=$(suffix "$i")
  run "baseline$s" io.etlcdc.benchmarks.e2e.DebeziumBaseline --source "$SOURCE" --slot "e2e_debezium$s" --events "$ROWS" \
    --poll-interval "$POLL" --figure-prefix "debezium_baseline$s"
  rss=""; [ "$i" = 1 ] && rss="--rss-interval-ms 250"
  run "pipeline_file$s" io.etlcdc.benchmarks.e2e.PipelineRun --source "$SOURCE" --slot "e2e_file$s" --events "$ROWS" \
    --poll-interval "$POLL" --sink file $rss --figure-prefix "pipeline_file$s" --work "$WORK/run"
  rm -f "$WORK/run/e2e_file$s.jsonl"*
  run "baseline_json$s" io.etlcdc.benchmarks.e2e.DebeziumBaseline --format json --source "$SOURCE" --slot "e2e_debezium_json$s" \
    --events "$ROWS" --poll-interval "$POLL" --figure-prefix "debezium_json_baseline$s"
  run "pipeline_debezium_file$s" io.etlcdc.benchmarks.e2e.PipelineRun --engine debezium --source "$SOURCE" --slot "e2e_dbz_file$s" \
    --events "$ROWS" --poll-interval "$POLL" --sink file --figure-prefix "pipeline_debezium_file$s" --work "$WORK/run"
  rm -f "$WORK/run/e2e_dbz_file$s.jsonl"*
done
run pipeline_jdbc io.etlcdc.benchmarks.e2e.PipelineRun --source "$SOURCE" --slot e2e_jdbc --events "$ROWS" \
  --poll-interval "$POLL" --sink jdbc --target "$TARGET" --work "$WORK/run"
# PostgreSQL's own client (decoding and shipping only), then the native engine alone
run recvlogical io.etlcdc.benchmarks.e2e.RecvlogicalRun --source "$SOURCE" --slot e2e_recvlogical --events "$ROWS" \
  --work "$WORK/run"
run native_source io.etlcdc.benchmarks.e2e.NativeSourceRun --source "$SOURCE" --slot e2e_native_source --events "$ROWS" \
  --poll-interval "$POLL" --figure-prefix native_source_only --work "$WORK/run"
if [ "$BREAKDOWN" = 1 ]; then
  # where the time goes: the same pipeline without a sink, then without the stages either
  run pipeline_nosink io.etlcdc.benchmarks.e2e.PipelineRun --source "$SOURCE" --slot e2e_nosink --events "$ROWS" \
    --poll-interval "$POLL" --sink none --figure-prefix pipeline_nosink --work "$WORK/run"
  run pipeline_source io.etlcdc.benchmarks.e2e.PipelineRun --source "$SOURCE" --slot e2e_source --events "$ROWS" \
    --poll-interval "$POLL" --sink none --stages none --figure-prefix pipeline_source_only --work "$WORK/run"
fi
run drop io.etlcdc.benchmarks.e2e.E2eWorkload drop --source "$SOURCE" --slots "$SLOTS"

# ---- 4. commit-to-sink latency at a steady rate ---------------------------------------------------------
run latency_debezium io.etlcdc.benchmarks.e2e.DebeziumBaseline --mode latency --source "$SOURCE" --slot e2e_dbz_latency \
  --rate "$RATE" --warmup-s "$LATENCY_WARMUP_SECONDS" --seconds "$LATENCY_SECONDS" --poll-interval "$POLL" --first-id 100000001
run latency_pipeline io.etlcdc.benchmarks.e2e.PipelineRun --mode latency --source "$SOURCE" --slot e2e_latency \
  --rate "$RATE" --warmup-s "$LATENCY_WARMUP_SECONDS" --seconds "$LATENCY_SECONDS" --poll-interval "$POLL" \
  --first-id 200000001 --sink file --work "$WORK/run"
rm -f "$WORK/run/e2e_latency.jsonl"*
run latency_debezium_engine io.etlcdc.benchmarks.e2e.PipelineRun --mode latency --engine debezium --source "$SOURCE" \
  --slot e2e_dbz_engine_latency --rate "$RATE" --warmup-s "$LATENCY_WARMUP_SECONDS" --seconds "$LATENCY_SECONDS" \
  --poll-interval "$POLL" --first-id 250000001 --sink file --figure-prefix latency_debezium_engine --work "$WORK/run"
rm -f "$WORK/run/e2e_dbz_engine_latency.jsonl"*
run drop_latency io.etlcdc.benchmarks.e2e.E2eWorkload drop --source "$SOURCE" --slots e2e_dbz_latency,e2e_latency,e2e_dbz_engine_latency

# ---- 5. resident memory while a large backlog drains ----------------------------------------------------
run backlog_drain io.etlcdc.benchmarks.e2e.E2eWorkload backlog --source "$SOURCE" --rows "$BACKLOG_ROWS" \
  --first-id 300000001 --slots e2e_drain
run drain io.etlcdc.benchmarks.e2e.PipelineRun --source "$SOURCE" --slot e2e_drain --events "$BACKLOG_ROWS" \
  --poll-interval "$POLL" --sink file --rss-interval-ms 250 --figure-prefix drain_file --work "$WORK/run"
rm -f "$WORK/run/e2e_drain.jsonl"*

# ---- 6. ratios, last -------------------------------------------------------------------------------------
value() { sed -n "s/^$1=//p" "$RESULTS" | tail -n 1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
# median of <run prefix><n>_<figure> over the repeats (prefix, prefix_2, prefix_3, ...)
median() {
  local prefix=$1 name=$2 i
  for i in $(seq 1 "$REPEAT"); do value "$prefix$(suffix "$i")_$name"; done | sort -g \
    | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
figure machine_load_1m_at_end "$(cut -d' ' -f1 /proc/loadavg)"
# pairs <pipeline prefix> <baseline prefix>: the ratio of each repeat's pair
pairs() {
  local out="" i s
  for i in $(seq 1 "$REPEAT"); do
    s=$(suffix "$i")
    out="$out${out:+,}$(ratio "$(value "$1${s}_events_per_s")" "$(value "$2${s}_events_per_s")")"
  done
  echo "$out"
}
BASE=$(median debezium_baseline events_per_s)
JSON_BASE=$(median debezium_json_baseline events_per_s)
PIPE=$(median pipeline_file events_per_s)
figure debezium_baseline_median_events_per_s "$BASE"
figure debezium_json_baseline_median_events_per_s "$JSON_BASE"
figure pipeline_file_median_events_per_s "$PIPE"
figure pipeline_debezium_file_median_events_per_s "$(median pipeline_debezium_file events_per_s)"
figure e2e_vs_debezium_ratio_per_pair "$(pairs pipeline_file debezium_baseline)"
figure e2e_jdbc_vs_debezium_ratio "$(ratio "$(value pipeline_jdbc_events_per_s)" "$BASE")"
figure e2e_cpu_per_event_vs_debezium_ratio \
  "$(ratio "$(median pipeline_file cpu_us_per_event)" "$(median debezium_baseline cpu_us_per_event)")"
figure e2e_second_half_vs_debezium_ratio \
  "$(ratio "$(median pipeline_file second_half_events_per_s)" "$(median debezium_baseline second_half_events_per_s)")"
figure e2e_debezium_engine_vs_debezium_ratio_per_pair "$(pairs pipeline_debezium_file debezium_baseline)"
figure e2e_debezium_engine_vs_debezium_ratio "$(ratio "$(median pipeline_debezium_file events_per_s)" "$BASE")"
figure e2e_native_vs_debezium_ratio_per_pair "$(pairs pipeline_file debezium_json_baseline)"
figure e2e_native_second_half_vs_debezium_ratio \
  "$(ratio "$(median pipeline_file second_half_events_per_s)" "$(median debezium_json_baseline second_half_events_per_s)")"
figure e2e_native_vs_debezium_ratio "$(ratio "$PIPE" "$JSON_BASE")"
RECV=$(value pg_recvlogical_events_per_s)
if [ -n "$RECV" ]; then
  figure native_vs_pg_recvlogical_ratio "$(ratio "$(value native_source_only_events_per_s)" "$RECV")"
else
  figure native_vs_pg_recvlogical_ratio "unavailable (no pg_recvlogical: set PG_RECVLOGICAL or install a PostgreSQL client)"
fi
figure e2e_vs_debezium_ratio "$(ratio "$PIPE" "$BASE")"
