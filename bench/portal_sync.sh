#!/usr/bin/env bash
# National portal sync benchmark (PostgreSQL only): a scratch database, migrated; the portal simulator and
# BENCH_WORKERS `motcua worker` processes on loopback; BENCH_CHANGES status changes over BENCH_DOSSIERS
# dossiers queued through the outbox (bench/portal_sync.py). Prints and writes
# bench/results/portal-sync-<date>.json: changes delivered per second and the commit-to-delivery lag.
# Knobs: BENCH_CHANGES=1000, BENCH_DOSSIERS=100, BENCH_WORKERS=2, BENCH_RATE=0 (changes/s, 0 = max),
# PGHOST=127.0.0.1, PGPORT=5432, PGUSER=postgres. Loopback only; everything removed on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PGHOST_=${PGHOST:-127.0.0.1}
PGPORT_=${PGPORT:-5432}
PGUSER_=${PGUSER:-postgres}
PGDB=motcua_bench_portal
PY=$ROOT/.venv/bin/python
MAX_LOAD=${BENCH_MAX_LOAD:-$(nproc)}
QUIET_WAIT=${BENCH_QUIET_WAIT:-60}

source "$ROOT/bench/lib.sh"
require_loopback_pg
[[ -x $PY ]] || die "no .venv: run 'make env' first"
bench_lock 0
bench_workdir portal
pg_fresh_db "$PGDB"

export DATABASE_URL="postgres://$PGUSER_@$PGHOST_:$PGPORT_/$PGDB" MOTCUA_ENV=development DEBUG=false
log "migrating $PGDB"
"$ROOT/.venv/bin/motcua" migrate --verbosity 0
waited=$(wait_for_quiet)
log "measuring (waited ${waited}s for load <= $MAX_LOAD; load now $(loadavg))"
result=$(BENCH_PORT=$(free_port) BENCH_WORK=$WORK PYTHONPATH="$ROOT/src:$ROOT" "$PY" "$ROOT/bench/portal_sync.py")
mkdir -p "$ROOT/bench/results"
out="$ROOT/bench/results/portal-sync-$(date +%F).json"
printf '{"date": "%s", "load_before": %s, "result": %s}\n' "$(date -Is)" "$(loadavg)" "$result" | tee "$out"
