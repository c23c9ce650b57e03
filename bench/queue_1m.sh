#!/usr/bin/env bash
# The officials' queue with 1,000,000 dossiers (PostgreSQL only; issue target: p95 under 100 ms).
# Scratch database motcua_queue: migrate, load_demo --quiet --curated-only, bulk-generate the dossiers with
# one INSERT ... SELECT generate_series statement per batch (bench/queue_1m.py generate), ANALYZE; serve
# with gunicorn (production settings, 2 sync workers) on 127.0.0.1 and load /mot-cua/ (session) and
# /api/v1/dossiers (token) as the Đông Kinh desk officer, plain, ?status=4 and ?page=20; then, in-process,
# EXPLAIN (ANALYZE, BUFFERS) of the SQL Django issues for those requests and of candidate fixes. Writes
# bench/results/queue-1m-<date>.json and prints Markdown tables.
#
# Takes the same lock as bench/run.sh and bench/dossier_chain.sh (bench/tmp/.lock), waiting for it at most
# BENCH_LOCK_WAIT seconds, so no two benchmarks measure at the same time. Loopback only; every step bounded in
# time; gunicorn, the scratch folder and the motcua_queue database are removed on exit, failure included.
#
# Knobs (environment): BENCH_ROWS=1000000, BENCH_BATCH=100000, BENCH_DURATION=10 (s per row),
# BENCH_WARMUP=2, BENCH_CONCURRENCY=1,8, BENCH_MAX_LOAD=2 (1-minute load average to wait for),
# BENCH_QUIET_WAIT=180, BENCH_LOCK_WAIT=1800, BENCH_REPORT=1 (0: no file in bench/results, tables only),
# PGHOST=127.0.0.1, PGPORT=5432, PGUSER=postgres.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

ROWS=${BENCH_ROWS:-1000000}
BATCH=${BENCH_BATCH:-100000}
DURATION=${BENCH_DURATION:-10}
WARMUP=${BENCH_WARMUP:-2}
CONCURRENCY=${BENCH_CONCURRENCY:-1,8}
MAX_LOAD=${BENCH_MAX_LOAD:-2}
QUIET_WAIT=${BENCH_QUIET_WAIT:-180}
LOCK_WAIT=${BENCH_LOCK_WAIT:-1800}
REPORT=${BENCH_REPORT:-1}
PGHOST_=${PGHOST:-127.0.0.1}
PGPORT_=${PGPORT:-5432}
PGUSER_=${PGUSER:-postgres}
PGDB=motcua_queue
PY=$ROOT/.venv/bin/python
MOTCUA=$ROOT/.venv/bin/motcua
BENCH=$ROOT/bench/queue_1m.py
NPROC=$(nproc)
STEP_TIMEOUT=900 # seconds, any one step

source "$ROOT/bench/lib.sh"
require_loopback_pg
[[ -x $PY ]] || die "no .venv: run 'make env' first"
[[ -x $ROOT/.venv/bin/gunicorn ]] || die "gunicorn is missing from .venv (bench/run.sh installs it)"
lock_start=$SECONDS
bench_lock "$LOCK_WAIT"
LOCK_WAITED=$((SECONDS - lock_start))
bench_workdir queue

pg_fresh_db "$PGDB"

SECRET=$(random_secret)
mkdir -p "$WORK/media" "$WORK/static"
export MEDIA_ROOT="$WORK/media" STATIC_ROOT="$WORK/static" SECRET_KEY="$SECRET" DEBUG=false \
  ALLOWED_HOSTS=127.0.0.1 SECURE_SSL=false LOG_LEVEL=WARNING MOTCUA_ENV=production \
  DATABASE_URL="postgres://$PGUSER_@$PGHOST_:$PGPORT_/$PGDB"
run() { timeout "$STEP_TIMEOUT" "$@"; }

log "migrate ($PGDB)"
run "$MOTCUA" migrate --noinput --verbosity 0
log "load_demo --quiet --curated-only"
t=$(now); run "$MOTCUA" load_demo --quiet --curated-only; demo_s=$(since "$t")
run "$MOTCUA" collectstatic --noinput --verbosity 0 # whitenoise manifest, as in production

log "generate $ROWS dossiers ($BATCH per INSERT ... SELECT generate_series), then ANALYZE"
t=$(now); run "$PY" "$BENCH" generate --rows "$ROWS" --batch "$BATCH" --out "$WORK/gen.json"; gen_s=$(since "$t")

USER_DESK=tiepnhan.dongkinh
log "API token for $USER_DESK"
export BENCH_TOKEN # read by queue_1m.py run / explain
BENCH_TOKEN=$(run "$MOTCUA" create_api_token "$USER_DESK" "bench queue-1m" | tail -n 1)
[[ $BENCH_TOKEN == mc_* ]] || die "create_api_token printed no token"

port=$(free_port)
log "gunicorn, 2 workers, 127.0.0.1:$port"
start_gunicorn "$port" "$WORK/gunicorn.log"

log "waiting up to ${QUIET_WAIT} s for the 1-minute load average ($(loadavg)) to fall under ${MAX_LOAD}"
waited=$(wait_for_quiet)
load_start=$(loadavg)
awk -v l="$load_start" -v m="$MAX_LOAD" 'BEGIN { exit !(l > m) }' \
  && log "WARNING: the machine is busy (load $load_start on $NPROC CPUs): figures will be low"
log "HTTP load: ${DURATION} s per endpoint and concurrency $CONCURRENCY, ${WARMUP} s warm-up"
run "$PY" "$BENCH" run --port "$port" --duration "$DURATION" --warmup "$WARMUP" \
  --concurrency "$CONCURRENCY" --master-pid "$SERVER_PID" --out "$WORK/run.json"
stop_server

log "EXPLAIN (ANALYZE, BUFFERS) of the SQL Django issues, and candidate fixes (in-process)"
run "$PY" "$BENCH" explain --out "$WORK/explain.json"

"$PY" - "$WORK/meta.json" <<EOF
import json, sys
json.dump({
    "pg_version": "$(psql_ -d postgres -c 'SHOW server_version')",
    "database": "$PGDB",
    "load_demo_s": $demo_s,
    "generate_step_s": $gen_s,
    "lock_wait_s": $LOCK_WAITED,
    "waited_for_quiet_s": $waited,
    "loadavg_at_start": $load_start,
    "max_load": $MAX_LOAD,
    "duration": $DURATION,
    "warmup": $WARMUP,
    "concurrency": "$CONCURRENCY",
}, open(sys.argv[1], "w"), indent=2)
EOF
drop_dbs
out_dir=$ROOT/bench/results
[[ $REPORT == 1 ]] || out_dir=$WORK
"$PY" "$BENCH" report --gen "$WORK/gen.json" --run "$WORK/run.json" --explain "$WORK/explain.json" \
  --meta "$WORK/meta.json" --out-dir "$out_dir"
