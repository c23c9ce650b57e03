#!/usr/bin/env bash
# Dossier benchmark (PostgreSQL only): migrate and load the demo into a scratch database, serve it with
# gunicorn (production settings, 2 sync workers) on 127.0.0.1, then measure over HTTP with
# bench/dossier_chain.py: desk reception (POST /api/v1/dossiers) at several concurrencies, the processing
# chain (forward, complete_step by specialist, head and leader, result file, return_result) on the dossiers
# created, pgbench -S / -N floors on a second scratch database of the same server, SQL per request
# (in-process), and the check that the day's codes are unique and gap-free. Writes
# bench/results/dossiers-<date>.json and prints one Markdown table. Loopback only; every step bounded in
# time; the server, the scratch folder and both databases are removed on exit, failure included.
#
# Knobs (environment): BENCH_DURATION=10 (s per row), BENCH_WARMUP=2, BENCH_RECEPTION_CONCURRENCY=1,8,32,
# BENCH_CHAIN_CONCURRENCY=1,8, BENCH_RETURN=1 (0: only the 4 actions, no result file nor return),
# BENCH_MAX_LOAD=<nproc>, BENCH_QUIET_WAIT=180, BENCH_CURATED=0 (1: load_demo --curated-only),
# PGHOST=127.0.0.1, PGPORT=5432, PGUSER=postgres.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

DURATION=${BENCH_DURATION:-10}
WARMUP=${BENCH_WARMUP:-2}
RECEPTION_C=${BENCH_RECEPTION_CONCURRENCY:-1,8,32}
CHAIN_C=${BENCH_CHAIN_CONCURRENCY:-1,8}
WITH_RETURN=${BENCH_RETURN:-1}
CURATED=${BENCH_CURATED:-0}
NPROC=$(nproc)
MAX_LOAD=${BENCH_MAX_LOAD:-$NPROC}  # wait for the 1-minute load average to drop to this before measuring
QUIET_WAIT=${BENCH_QUIET_WAIT:-180} # ... for at most this many seconds, then measure anyway (and say so)
PGHOST_=${PGHOST:-127.0.0.1}
PGPORT_=${PGPORT:-5432}
PGUSER_=${PGUSER:-postgres}
PGDB=motcua_bench_dossiers
PGBENCH_DB=motcua_bench_pgbench
PY=$ROOT/.venv/bin/python
MOTCUA=$ROOT/.venv/bin/motcua
BENCH=$ROOT/bench/dossier_chain.py
STEP_TIMEOUT=600 # seconds, any one step

source "$ROOT/bench/lib.sh"
require_loopback_pg
[[ -x $PY ]] || die "no .venv: run 'make env' first"
[[ -x $ROOT/.venv/bin/gunicorn ]] || die "gunicorn is missing from .venv (bench/run.sh installs it)"
command -v pgbench >/dev/null || die "pgbench is missing: apt-get install -y postgresql-contrib (or postgresql-client)"
bench_lock 0
bench_workdir dossiers

for db in "$PGDB" "$PGBENCH_DB"; do pg_fresh_db "$db"; done

SECRET=$(random_secret)
# Another engineer may edit src/ during a run: fingerprint the code the server loads, and again at the end.
src_hash() { find "$ROOT/src" -name '*.py' -print0 | sort -z | xargs -0 cat | sha256sum | cut -c1-16; }

mkdir -p "$WORK/media" "$WORK/static"
export MEDIA_ROOT="$WORK/media" STATIC_ROOT="$WORK/static" SECRET_KEY="$SECRET" DEBUG=false \
  ALLOWED_HOSTS=127.0.0.1 SECURE_SSL=false LOG_LEVEL=WARNING MOTCUA_ENV=production \
  DATABASE_URL="postgres://$PGUSER_@$PGHOST_:$PGPORT_/$PGDB"
run() { timeout "$STEP_TIMEOUT" "$@"; }

log "migrate"
run "$MOTCUA" migrate --noinput --verbosity 0
demo_args=(--quiet)
[[ $CURATED == 1 ]] && demo_args+=(--curated-only)
log "load_demo ${demo_args[*]}"
t=$(now); run "$MOTCUA" load_demo "${demo_args[@]}"; import_s=$(since "$t")
autovacuum=$(psql_ -d "$PGDB" -c 'SHOW autovacuum')
log "import ${import_s} s; VACUUM (ANALYZE) (server autovacuum=$autovacuum)"
psql_ -d "$PGDB" -c 'VACUUM (ANALYZE)'
run "$MOTCUA" collectstatic --noinput --verbosity 0 # whitenoise manifest, as in production

AGENCY=$(run "$PY" "$BENCH" agency)
log "agency $AGENCY (Phường Đông Kinh); API tokens for the four officials"
token() { run "$MOTCUA" create_api_token "$1" "bench $2" | tail -n 1; }
export BENCH_TOKEN_DESK BENCH_TOKEN_SPECIALIST BENCH_TOKEN_HEAD BENCH_TOKEN_LEADER # read by dossier_chain.py
BENCH_TOKEN_DESK=$(token tiepnhan.dongkinh desk)
BENCH_TOKEN_SPECIALIST=$(token chuyenvien.dongkinh specialist)
BENCH_TOKEN_HEAD=$(token truongphong.dongkinh head)
BENCH_TOKEN_LEADER=$(token lanhdao.dongkinh leader)

SRC_AT_START=$(src_hash)
GIT_AT_START=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
port=$(free_port)
log "gunicorn, 2 workers, 127.0.0.1:$port"
start_gunicorn "$port" "$WORK/gunicorn.log"

log "waiting up to ${QUIET_WAIT} s for the 1-minute load average ($(loadavg)) to reach ${MAX_LOAD}"
waited=$(wait_for_quiet)
load_start=$(loadavg)
awk -v l="$load_start" -v m="$MAX_LOAD" 'BEGIN { exit !(l > m) }' \
  && log "WARNING: the machine is busy (load $load_start on $NPROC CPUs): figures will be low"

run_args=(--port "$port" --agency "$AGENCY" --duration "$DURATION" --warmup "$WARMUP"
  --reception-concurrency "$RECEPTION_C" --chain-concurrency "$CHAIN_C" --master-pid "$SERVER_PID"
  --out "$WORK/run.json")
[[ $WITH_RETURN == 1 ]] || run_args+=(--no-return)
log "HTTP load: reception at c=$RECEPTION_C, then the chain at c=$CHAIN_C (${DURATION} s rows, ${WARMUP} s warm-up)"
run "$PY" "$BENCH" run "${run_args[@]}"
stop_server

log "pgbench floors on $PGBENCH_DB (same server): -i -s 1, then -c 8 -j 2 -T $DURATION -S and -N"
run "$PY" "$BENCH" pgbench --host "$PGHOST_" --port "$PGPORT_" --user "$PGUSER_" --db "$PGBENCH_DB" \
  --duration "$DURATION" --work "$WORK/pgbench" --out "$WORK/pgbench.json"

log "SQL per request (in-process, Django test client, same settings and database)"
run "$PY" "$BENCH" queries --agency "$AGENCY" --out "$WORK/queries.json"
log "codes of the day: unique and gap-free?"
run "$PY" "$BENCH" check --agency "$AGENCY" --out "$WORK/check.json"

SRC_AT_END=$(src_hash)
[[ $SRC_AT_START == "$SRC_AT_END" ]] || log "WARNING: src/ changed during the run (the server ran the old code)"
pg_settings=$(psql_ -d postgres -F '=' -c "SELECT name, setting FROM pg_settings WHERE name IN
  ('fsync','synchronous_commit','shared_buffers','max_connections','autovacuum','wal_level','commit_delay')" \
  | paste -sd, -)
"$PY" - "$WORK/meta.json" <<EOF
import json, sys
json.dump({
    "pg_version": "$(psql_ -d postgres -c 'SHOW server_version')",
    "pgbench_version": "$(pgbench --version)",
    "pg_settings": dict(kv.split("=", 1) for kv in "$pg_settings".split(",") if kv),
    "waited_for_quiet_s": $waited,
    "loadavg_at_start": $load_start,
    "max_load": $MAX_LOAD,
    "import_s": $import_s,
    "src_sha_at_server_start": "$SRC_AT_START",
    "src_sha_at_end": "$SRC_AT_END",
    "git_head_at_server_start": "$GIT_AT_START",
}, open(sys.argv[1], "w"), indent=2)
EOF
drop_dbs
"$PY" "$BENCH" report --run "$WORK/run.json" --pgbench "$WORK/pgbench.json" --queries "$WORK/queries.json" \
  --check "$WORK/check.json" --meta "$WORK/meta.json" --duration "$DURATION" --warmup "$WARMUP"
