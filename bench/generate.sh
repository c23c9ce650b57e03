#!/usr/bin/env bash
# The data generator at scale (PostgreSQL only): a scratch database motcua_generate gets `migrate`,
# `load_demo --quiet --curated-only`, then `motcua generate` (through bench/generate.py, which times it and
# measures the database) with BENCH_DOSSIERS dossiers and BENCH_DOCUMENTS documents. Writes
# bench/results/generate-<date>.json (BENCH_LABEL names the entry; entries of the same day are kept).
#
# Takes the benchmarks' lock (bench/tmp/.lock, waiting at most BENCH_LOCK_WAIT seconds); loopback only; the
# scratch database and folder are removed on exit, failure included.
#
# Knobs: BENCH_DOSSIERS=1000000, BENCH_DOCUMENTS=200000, BENCH_SEED=1, BENCH_BATCH=10000,
# BENCH_INDEXES=auto (auto|rebuild|keep: drop and rebuild the secondary indexes), BENCH_SERIAL=0 (1: generate
# in the loading process, no second one), BENCH_LABEL=1m, BENCH_LOCK_WAIT=1800, BENCH_STEP_TIMEOUT=5400,
# BENCH_REPORT=1, PGHOST, PGPORT, PGUSER.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

DOSSIERS=${BENCH_DOSSIERS:-1000000}
DOCUMENTS=${BENCH_DOCUMENTS:-200000}
SEED=${BENCH_SEED:-1}
BATCH=${BENCH_BATCH:-10000}
INDEXES=${BENCH_INDEXES:-auto}
SERIAL=${BENCH_SERIAL:-0}
LABEL=${BENCH_LABEL:-1m}
LOCK_WAIT=${BENCH_LOCK_WAIT:-1800}
STEP_TIMEOUT=${BENCH_STEP_TIMEOUT:-5400}
REPORT=${BENCH_REPORT:-1}
MAX_LOAD=2
QUIET_WAIT=0
PGHOST_=${PGHOST:-127.0.0.1}
PGPORT_=${PGPORT:-5432}
PGUSER_=${PGUSER:-postgres}
PGDB=motcua_generate
PY=$ROOT/.venv/bin/python
MOTCUA=$ROOT/.venv/bin/motcua

source "$ROOT/bench/lib.sh"
require_loopback_pg
[[ -x $PY ]] || die "no .venv: run 'make env' first"
bench_lock "$LOCK_WAIT"
bench_workdir generate
pg_fresh_db "$PGDB"

mkdir -p "$WORK/media"
export MEDIA_ROOT="$WORK/media" LOG_LEVEL=WARNING DATABASE_URL="postgres://$PGUSER_@$PGHOST_:$PGPORT_/$PGDB"
run() { timeout "$STEP_TIMEOUT" "$@"; }

log "migrate ($PGDB)"
run "$MOTCUA" migrate --noinput --verbosity 0
log "load_demo --quiet --curated-only"
t=$(now); run "$MOTCUA" load_demo --quiet --curated-only; demo_s=$(since "$t")
log "generate $DOSSIERS dossiers, $DOCUMENTS documents (load average $(loadavg) on $(nproc) CPUs)"
out_dir=$ROOT/bench/results
[[ $REPORT == 1 ]] || out_dir=$WORK
serial=(); [[ $SERIAL == 1 ]] && serial=(--serial)
run "$PY" "$ROOT/bench/generate.py" --dossiers "$DOSSIERS" --documents "$DOCUMENTS" --seed "$SEED" \
  --batch "$BATCH" --indexes "$INDEXES" "${serial[@]}" --label "$LABEL" --load-demo-s "$demo_s" \
  --out "$out_dir/generate-$(date +%F).json"
