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

log() { printf '== %s\n' "$*" >&2; }
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }
psql_() { PGOPTIONS='-c client_min_messages=warning' psql -h "$PGHOST_" -p "$PGPORT_" -U "$PGUSER_" -v ON_ERROR_STOP=1 -qAt "$@"; }

case $PGHOST_ in 127.0.0.1 | localhost | ::1 | /*) ;; *) die "PGHOST=$PGHOST_: this benchmark targets loopback only" ;; esac
[[ -x $PY ]] || die "no .venv: run 'make env' first"
[[ -x $ROOT/.venv/bin/gunicorn ]] || die "gunicorn is missing from .venv (bench/run.sh installs it)"
mkdir -p "$ROOT/bench/tmp"
exec 9>"$ROOT/bench/tmp/.lock" # the same lock as bench/run.sh: benchmarks never overlap
lock_start=$SECONDS
log "waiting up to ${LOCK_WAIT} s for bench/tmp/.lock"
flock -w "$LOCK_WAIT" 9 || die "bench/tmp/.lock still held after ${LOCK_WAIT} s: another benchmark is running"
LOCK_WAITED=$((SECONDS - lock_start))
WORK=$(mktemp -d "$ROOT/bench/tmp/queue-XXXXXX")
SERVER_PID=""
PG_CREATED=0

stop_server() {
  if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=""
}

drop_pg() {
  if [[ $PG_CREATED == 1 ]]; then
    psql_ -d postgres -c "DROP DATABASE IF EXISTS $PGDB WITH (FORCE)" || true
    PG_CREATED=0
  fi
}

cleanup() {
  local rc=$?
  stop_server
  drop_pg
  if [[ $rc != 0 ]]; then
    for f in "$WORK"/*.log; do [[ -f $f ]] && { echo "--- tail of $f" >&2; tail -n 30 "$f" >&2; }; done
  fi
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

now() { echo "$EPOCHREALTIME"; }
since() { "$PY" -c "print(round($(now) - $1, 2))"; }
loadavg() { cut -d' ' -f1 /proc/loadavg; }
wait_for_quiet() { # prints the seconds waited; "under MAX_LOAD", bounded by QUIET_WAIT
  local start=$SECONDS
  while (( SECONDS - start < QUIET_WAIT )) && ! awk -v l="$(loadavg)" -v m="$MAX_LOAD" 'BEGIN { exit !(l < m) }'; do
    sleep 5
  done
  echo $(( SECONDS - start ))
}

pg_isready -h "$PGHOST_" -p "$PGPORT_" -q || die "PostgreSQL is not answering at $PGHOST_:$PGPORT_"
psql_ -d postgres -c "DROP DATABASE IF EXISTS $PGDB WITH (FORCE)"
PG_CREATED=1
psql_ -d postgres -c "CREATE DATABASE $PGDB"

SECRET=$("$PY" -c 'import secrets, string; a = string.ascii_letters + string.digits; print("".join(secrets.choice(a) for _ in range(50)))')
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

port=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
log "gunicorn, 2 workers, 127.0.0.1:$port"
"$ROOT/.venv/bin/gunicorn" motcua.config.wsgi:application \
  --bind "127.0.0.1:$port" --workers 2 --timeout 60 --graceful-timeout 5 \
  --log-level warning --error-logfile "$WORK/gunicorn.log" &
SERVER_PID=$!
"$PY" "$ROOT/bench/catalog_search.py" wait "http://127.0.0.1:$port/api/v1/procedures?page_size=1" --timeout 30 \
  || die "gunicorn did not start"

log "waiting up to ${QUIET_WAIT} s for the 1-minute load average ($(loadavg)) to fall under ${MAX_LOAD}"
waited=$(wait_for_quiet)
load_start=$(loadavg)
awk -v l="$load_start" -v m="$MAX_LOAD" 'BEGIN { exit !(l >= m) }' \
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
drop_pg
out_dir=$ROOT/bench/results
[[ $REPORT == 1 ]] || out_dir=$WORK
"$PY" "$BENCH" report --gen "$WORK/gen.json" --run "$WORK/run.json" --explain "$WORK/explain.json" \
  --meta "$WORK/meta.json" --out-dir "$out_dir"
