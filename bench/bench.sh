#!/usr/bin/env bash
# `make bench`: the whole product measured through HTTP beside its floors, in one run (PostgreSQL, issue #7).
#
# A scratch database motcua_bench gets `migrate`, `load_demo` (the whole catalogue), `motcua generate` with
# BENCH_DOSSIERS dossiers and BENCH_DOCUMENTS documents, `refresh_evaluation --all`, VACUUM (ANALYZE) and the
# floor table; bench/bench.py setup makes the tokens, sessions and work items, bench/reports_10m.py setup the
# provincial account of the report pages. gunicorn serves it with production settings, the production server
# configuration (deploy/gunicorn.conf.py when the repository has it) and (2 × CPUs) + 1 sync workers on
# 127.0.0.1, with MOTCUA_BENCH_FLOORS=true; wrk (bench/wrk/items.lua, installed with apt-get when missing) loads
# every row: the floors, catalogue, tracking, queue, reports, document search, the one-stop chain
# from the citizen's draft to the returned result, document issue, the floors again; then pgbench (select-only
# and tpcb-like) runs on a second scratch database of the same server. Prints one table with the targets met or
# not and writes bench/results/<date>.json (BENCH_REPORT=0: the scratch folder instead).
#
# Takes the benchmarks' lock (bench/tmp/.lock, waiting at most BENCH_LOCK_WAIT s), waits (bounded) for the load
# average to settle and records it. Loopback only; every step bounded in time; gunicorn, the scratch folder and
# both databases are removed on exit, failure included.
#
# Knobs (environment): BENCH_DOSSIERS=100000 (1000000 for the queue target: about 5 min more of generation),
# BENCH_DOCUMENTS=BENCH_DOSSIERS/10, BENCH_SEED=1, BENCH_DURATION=10 (s a row), BENCH_WARMUP=2,
# BENCH_CONCURRENCY=32, BENCH_READ_CONCURRENCY=1,32 (queue, reports, document search), BENCH_WORKERS=2×CPUs+1,
# BENCH_GUNICORN_CONFIG=deploy/gunicorn.conf.py (empty: lib.sh's plain settings),
# BENCH_PGBENCH_SCALE=10, BENCH_PGBENCH_DURATION=20, BENCH_MAX_LOAD=<CPUs>, BENCH_QUIET_WAIT=180,
# BENCH_LOCK_WAIT=1800, BENCH_REPORT=1, PGHOST=127.0.0.1, PGPORT=5432, PGUSER=postgres.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
STARTED=$SECONDS

NPROC=$(nproc)
DOSSIERS=${BENCH_DOSSIERS:-100000}
DOCUMENTS=${BENCH_DOCUMENTS:-$((DOSSIERS / 10))}
SEED=${BENCH_SEED:-1}
DURATION=${BENCH_DURATION:-10}
WARMUP=${BENCH_WARMUP:-2}
CONCURRENCY=${BENCH_CONCURRENCY:-32}
READ_CONCURRENCY=${BENCH_READ_CONCURRENCY:-1,$CONCURRENCY}
export GUNICORN_WORKERS=${BENCH_WORKERS:-$((2 * NPROC + 1))} # read by start_gunicorn (lib.sh)
# The production configuration when the repository has one (preload, max_requests, timeouts, access log).
GUNICORN_CONFIG=${BENCH_GUNICORN_CONFIG-$ROOT/deploy/gunicorn.conf.py}
[[ -f $GUNICORN_CONFIG ]] || GUNICORN_CONFIG=""
export GUNICORN_CONFIG
PGBENCH_SCALE=${BENCH_PGBENCH_SCALE:-10}
PGBENCH_DURATION=${BENCH_PGBENCH_DURATION:-20}
MAX_LOAD=${BENCH_MAX_LOAD:-$NPROC}
QUIET_WAIT=${BENCH_QUIET_WAIT:-180}
LOCK_WAIT=${BENCH_LOCK_WAIT:-1800}
REPORT=${BENCH_REPORT:-1}
PGHOST_=${PGHOST:-127.0.0.1}
PGPORT_=${PGPORT:-5432}
PGUSER_=${PGUSER:-postgres}
PGDB=motcua_bench
PGBENCH_DB=motcua_bench_pgbench
PY=$ROOT/.venv/bin/python
MOTCUA=$ROOT/.venv/bin/motcua
BENCH=$ROOT/bench/bench.py
STEP_TIMEOUT=3600 # seconds, any one step (generating 1,000,000 dossiers: 5-20 min here, by the load)

# shellcheck source=bench/lib.sh disable=SC1091
source "$ROOT/bench/lib.sh"
require_loopback_pg
[[ -x $PY ]] || die "no .venv: run 'make env' first"
[[ -x $ROOT/.venv/bin/gunicorn ]] || die "gunicorn is missing from .venv: run 'make env'"
command -v pgbench >/dev/null || die "pgbench is missing: apt-get install -y postgresql-client (or postgresql-contrib)"
if ! command -v wrk >/dev/null; then
  [[ $(id -u) == 0 ]] || die "wrk is missing: sudo apt-get install -y wrk"
  log "wrk is missing: apt-get install -y wrk"
  apt-get install -y -qq wrk >/dev/null || die "apt-get install wrk failed"
fi

lock_start=$SECONDS
bench_lock "$LOCK_WAIT"
LOCK_WAITED=$((SECONDS - lock_start))
bench_workdir bench
for db in "$PGDB" "$PGBENCH_DB"; do pg_fresh_db "$db"; done

mkdir -p "$WORK/media" "$WORK/static"
export MEDIA_ROOT="$WORK/media" STATIC_ROOT="$WORK/static" SECRET_KEY="$(random_secret)" DEBUG=false \
  ALLOWED_HOSTS=127.0.0.1 SECURE_SSL=false LOG_LEVEL=WARNING MOTCUA_ENV=production MOTCUA_BENCH_FLOORS=true \
  DATABASE_URL="postgres://$PGUSER_@$PGHOST_:$PGPORT_/$PGDB"
run() { timeout "$STEP_TIMEOUT" "$@"; }
src_hash() { find "$ROOT/src" -name '*.py' -print0 | sort -z | xargs -0 cat | sha256sum | cut -c1-16; }
log "==== bench.sh $(date -Is): $DOSSIERS dossiers, $DOCUMENTS documents, $GUNICORN_WORKERS workers, c=$CONCURRENCY"

log "migrate, collectstatic"
t=$(now)
run "$MOTCUA" migrate --noinput --verbosity 0
run "$MOTCUA" collectstatic --noinput --verbosity 0 # whitenoise's manifest, as in production
migrate_s=$(since "$t")
log "load_demo --quiet (the whole catalogue)"
t=$(now)
run "$MOTCUA" load_demo --quiet
demo_s=$(since "$t")
log "generate $DOSSIERS dossiers and $DOCUMENTS documents (load average $(loadavg) on $NPROC CPUs)"
t=$(now)
run "$PY" "$ROOT/bench/reports_10m.py" generate --dossiers "$DOSSIERS" --documents "$DOCUMENTS" --seed "$SEED" \
  --out "$WORK/gen.json"
generate_s=$(since "$t")
t=$(now)
run "$MOTCUA" refresh_evaluation --all >&2
evaluation_s=$(since "$t")
log "generated in $generate_s s, evaluation refreshed in $evaluation_s s; VACUUM (ANALYZE), the floor table"
t=$(now)
psql_ -d "$PGDB" -c "VACUUM (ANALYZE)"
vacuum_s=$(since "$t")
psql_ -d "$PGDB" -c "CREATE TABLE bench_floor (id bigserial PRIMARY KEY,
  created_at timestamptz NOT NULL DEFAULT now(), note text NOT NULL)"

log "setup: tokens, sessions, tracking codes, search words, approved drafts; the report pages' account"
t=$(now)
(umask 077 && run "$PY" "$BENCH" setup --out "$WORK/setup.json")
(umask 077 && run "$PY" "$ROOT/bench/reports_10m.py" setup --gen "$WORK/gen.json" --out "$WORK/reports-setup.json")
setup_s=$(since "$t")

SRC_AT_START=$(src_hash)
port=$(free_port)
log "gunicorn, $GUNICORN_WORKERS sync workers, 127.0.0.1:$port, config ${GUNICORN_CONFIG:-none, lib.sh defaults}"
export GUNICORN_ACCESS_LOG=$WORK/access.log
start_gunicorn "$port" "$WORK/gunicorn.log"
log "waiting up to ${QUIET_WAIT} s for the 1-minute load average ($(loadavg)) to reach ${MAX_LOAD}"
waited=$(wait_for_quiet)
load_start=$(loadavg)
awk -v l="$load_start" -v m="$MAX_LOAD" 'BEGIN { exit !(l > m) }' \
  && log "WARNING: the machine is busy (load $load_start on $NPROC CPUs): figures will be low"
log "rows: ${DURATION} s each after ${WARMUP} s warm-up, c=$CONCURRENCY (reads also c=$READ_CONCURRENCY)"
t=$(now)
run "$PY" "$BENCH" run --port "$port" --setup "$WORK/setup.json" --reports-setup "$WORK/reports-setup.json" \
  --work "$WORK" --duration "$DURATION" --warmup "$WARMUP" --concurrency "$CONCURRENCY" \
  --read-concurrency "$READ_CONCURRENCY" --master-pid "$SERVER_PID" --out "$WORK/run.json"
stop_server
log "pgbench on $PGBENCH_DB (same server): -i -s $PGBENCH_SCALE, then -c $CONCURRENCY -j 2 -T $PGBENCH_DURATION"
run "$PY" "$BENCH" pgbench --host "$PGHOST_" --port "$PGPORT_" --user "$PGUSER_" --db "$PGBENCH_DB" \
  --scale "$PGBENCH_SCALE" --clients "$CONCURRENCY" --duration "$PGBENCH_DURATION" --work "$WORK/pgbench" \
  --out "$WORK/pgbench.json"
measure_s=$(since "$t")
SRC_AT_END=$(src_hash)
[[ $SRC_AT_START == "$SRC_AT_END" ]] || log "WARNING: src/ changed during the run (the server ran the old code)"

pg_settings=$(psql_ -d postgres -F '=' -c "SELECT name, setting FROM pg_settings WHERE name IN
  ('fsync','synchronous_commit','shared_buffers','work_mem','max_connections','autovacuum','jit')" | paste -sd, -)
"$PY" - "$WORK/meta.json" <<EOF
import json, sys
json.dump({
    "pg_version": "$(psql_ -d postgres -c 'SHOW server_version')",
    "pg_settings": dict(kv.split("=", 1) for kv in "$pg_settings".split(",") if kv),
    "wrk_version": "$(wrk -v 2>&1 | head -n 1 | cut -d' ' -f1-2)",
    "pgbench_version": "$(pgbench --version)",
    "workers": $GUNICORN_WORKERS,
    "gunicorn_config": "${GUNICORN_CONFIG#"$ROOT/"}",
    "access_log_requests": $(wc -l < "$WORK/access.log" 2>/dev/null || echo 0),
    "duration": $DURATION,
    "warmup": $WARMUP,
    "concurrency": $CONCURRENCY,
    "read_concurrency": "$READ_CONCURRENCY",
    "lock_wait_s": $LOCK_WAITED,
    "waited_for_quiet_s": $waited,
    "loadavg_at_start": $load_start,
    "max_load": $MAX_LOAD,
    "migrate_s": $migrate_s,
    "load_demo_s": $demo_s,
    "generate_s": $generate_s,
    "refresh_evaluation_s": $evaluation_s,
    "vacuum_s": $vacuum_s,
    "setup_s": $setup_s,
    "measure_s": $measure_s,
    "total_s": $((SECONDS - STARTED)),
    "src_sha_at_start": "$SRC_AT_START",
    "src_sha_at_end": "$SRC_AT_END",
}, open(sys.argv[1], "w"), indent=2)
EOF
drop_dbs
out_dir=$ROOT/bench/results
[[ $REPORT == 1 ]] || out_dir=$WORK
"$PY" "$BENCH" report --run "$WORK/run.json" --pgbench "$WORK/pgbench.json" --meta "$WORK/meta.json" \
  --gen "$WORK/gen.json" --setup "$WORK/setup.json" --date "$(date +%F)" --out-dir "$out_dir"
