#!/usr/bin/env bash
# Catalogue benchmark (the former `make bench`, now bench/bench.sh): for SQLite and PostgreSQL, migrate, time `load_demo` (first and
# idempotent second run), serve with gunicorn on 127.0.0.1, load it with bench/catalog_search.py, and write
# bench/results/catalog-<date>.json plus Markdown tables on stdout. Loopback only; bounded in time; the
# server, the scratch folder and the `motcua_bench` database are removed on exit, failure included.
#
# Knobs (environment): BENCH_BACKENDS="sqlite postgres", BENCH_DURATION=10 (s per endpoint and concurrency),
# BENCH_WARMUP=2, BENCH_CONCURRENCY=1,8, BENCH_PER_QUERY=15, BENCH_MAX_LOAD=<nproc>, BENCH_QUIET_WAIT=180,
# PGHOST=127.0.0.1, PGPORT=5432, PGUSER=postgres. Other work on the machine skews the figures: before each
# backend's load phase the script waits (bounded) for the load average to settle, and records it.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

BACKENDS=${BENCH_BACKENDS:-sqlite postgres}
DURATION=${BENCH_DURATION:-10}
WARMUP=${BENCH_WARMUP:-2}
CONCURRENCY=${BENCH_CONCURRENCY:-1,8}
PER_QUERY=${BENCH_PER_QUERY:-15}
NPROC=$(nproc)
MAX_LOAD=${BENCH_MAX_LOAD:-$NPROC}  # wait for the 1-minute load average to drop to this before measuring
QUIET_WAIT=${BENCH_QUIET_WAIT:-180} # ... for at most this many seconds, then measure anyway (and say so)
PGHOST_=${PGHOST:-127.0.0.1}
PGPORT_=${PGPORT:-5432}
PGUSER_=${PGUSER:-postgres}
PGDB=motcua_bench
PY=$ROOT/.venv/bin/python
MOTCUA=$ROOT/.venv/bin/motcua
BENCH=$ROOT/bench/catalog_search.py
STEP_TIMEOUT=600 # seconds, any one step

source "$ROOT/bench/lib.sh"
[[ -x $PY ]] || die "no .venv: run 'make env' first"
require_loopback_pg
bench_lock 0
bench_workdir run

# gunicorn is the production server (a pyproject dependency); if .venv lacks it, install it there.
if [[ ! -x $ROOT/.venv/bin/gunicorn ]]; then
  echo "NOTE: gunicorn is missing from .venv; installing it there for the benchmark" \
    "(a later 'uv sync' removes this install)." >&2
  grep -q '"gunicorn' pyproject.toml \
    || echo "NOTE: gunicorn should be added to pyproject.toml's dependencies." >&2
  if "$PY" -m pip --version >/dev/null 2>&1; then
    "$PY" -m pip install --quiet gunicorn
  else # uv-made venvs have no pip: use the project's pinned uv, the same installer
    "$ROOT/.uv/bin/uv" pip install --quiet --python "$PY" gunicorn
  fi
fi

SECRET=$(random_secret)

BACKEND_FILES=()
for backend in $BACKENDS; do
  dir="$WORK/$backend"
  mkdir -p "$dir/media" "$dir/static"
  common=(MEDIA_ROOT="$dir/media" STATIC_ROOT="$dir/static" SECRET_KEY="$SECRET" DEBUG=false
    ALLOWED_HOSTS=127.0.0.1 SECURE_SSL=false LOG_LEVEL=WARNING)
  case $backend in
    sqlite)
      envv=("${common[@]}" MOTCUA_ENV=development DATABASE_URL="sqlite:///$dir/bench.sqlite3")
      label="SQLite (file)"
      settings="MOTCUA_ENV=development DEBUG=false (production settings refuse SQLite)"
      version=$("$PY" -c 'import sqlite3; print(sqlite3.sqlite_version)')
      log "SQLite: NOTE production settings refuse SQLite, so this run uses MOTCUA_ENV=development with DEBUG=false"
      ;;
    postgres)
      pg_fresh_db "$PGDB"
      envv=("${common[@]}" MOTCUA_ENV=production DATABASE_URL="postgres://$PGUSER_@$PGHOST_:$PGPORT_/$PGDB")
      label="PostgreSQL $(psql_ -d postgres -c 'SHOW server_version' | cut -d' ' -f1)"
      settings="MOTCUA_ENV=production DEBUG=false SECURE_SSL=false"
      version=$(psql_ -d postgres -c 'SHOW server_version')
      ;;
    *) die "unknown backend $backend (sqlite or postgres)" ;;
  esac
  run() { env "${envv[@]}" timeout "$STEP_TIMEOUT" "$@"; }

  log "$label: migrate"
  run "$MOTCUA" migrate --noinput --verbosity 0
  log "$label: load_demo --quiet (first run)"
  t=$(now); run "$MOTCUA" load_demo --quiet; first=$(since "$t")
  log "$label: load_demo --quiet (second, idempotent run)"
  t=$(now); run "$MOTCUA" load_demo --quiet; second=$(since "$t")
  log "$label: import ${first} s, again ${second} s"
  if [[ $backend == postgres ]]; then
    # The import leaves the planner without statistics and ~4,000 dead rows in catalog_procedure; a
    # production server's autovacuum fixes that within a minute or so, but it can be off on a dev or CI
    # cluster (it is off on this project's machines), so measure the steady state explicitly.
    autovacuum=$(psql_ -d "$PGDB" -c 'SHOW autovacuum')
    log "$label: VACUUM (ANALYZE) after the import (server autovacuum=$autovacuum)"
    psql_ -d "$PGDB" -c 'VACUUM (ANALYZE)'
    settings="$settings; VACUUM (ANALYZE) after import (autovacuum=$autovacuum)"
  fi
  if [[ $backend == postgres ]]; then run "$MOTCUA" collectstatic --noinput --verbosity 0; fi # whitenoise manifest

  log "$label: SQL queries per request and procedure count (in-process, Django test client)"
  run "$PY" "$BENCH" queries --out "$dir/sql.json"

  port=$(free_port)
  log "$label: gunicorn, 2 workers, 127.0.0.1:$port"
  start_gunicorn "$port" "$WORK/gunicorn-$backend.log" "${envv[@]}"

  log "$label: waiting up to ${QUIET_WAIT} s for the 1-minute load average ($(loadavg)) to reach ${MAX_LOAD}"
  waited=$(wait_for_quiet)
  load_start=$(loadavg)
  awk -v l="$load_start" -v m="$MAX_LOAD" 'BEGIN { exit !(l > m) }' \
    && log "$label: WARNING: the machine is busy (load $load_start on $NPROC CPUs): figures will be low"
  log "$label: load (${DURATION} s per endpoint and concurrency $CONCURRENCY, ${WARMUP} s warm-up)"
  timeout "$STEP_TIMEOUT" "$PY" "$BENCH" run --port "$port" --duration "$DURATION" --warmup "$WARMUP" \
    --concurrency "$CONCURRENCY" --per-query-requests "$PER_QUERY" --master-pid "$SERVER_PID" \
    --out "$dir/run.json"
  stop_server
  if [[ $backend == postgres ]]; then drop_dbs; fi

  "$PY" "$BENCH" backend --backend "$backend" --label "$label" --backend-version "$version" \
    --settings "$settings" --waited-for-quiet "$waited" --load-at-start "$load_start" \
    --import-first "$first" --import-second "$second" --per-query-requests "$PER_QUERY" \
    --run "$dir/run.json" --sql "$dir/sql.json" --out "$dir/backend.json"
  BACKEND_FILES+=("$dir/backend.json")
done

"$PY" "$BENCH" report "${BACKEND_FILES[@]}" --duration "$DURATION" --warmup "$WARMUP"
