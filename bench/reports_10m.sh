#!/usr/bin/env bash
# Reports with millions of dossiers (issue 5 item 6: every report under 200 ms p95 at 10 M dossiers), against a
# plain GROUP BY over the dossier table in the same run (PostgreSQL only). Scratch database motcua_reports:
# migrate, collectstatic, `load_demo --quiet --curated-only`, then the data generator
# (motcua.generator.load.generate, as bench/generate.sh: BENCH_DOSSIERS dossiers and BENCH_DOCUMENTS documents
# on the demo province; it rebuilds the report aggregates), `motcua refresh_evaluation --all` (timed) and
# VACUUM (ANALYZE) (timed: a settled table, as autovacuum leaves it in production); bench/reports_10m.py setup
# picks the year and quarter (the last whole ones generated), the busiest service centre and commune and a
# field, and makes a provincial account with a session and an API token; gunicorn (production settings,
# 2 sync workers) on 127.0.0.1 gets BENCH_REQUESTS requests per report and concurrency after BENCH_WARMUP:
# the province's dashboard (year, quarter), two agencies' dashboards (drill-down by field), an agency and field
# (by procedure), the dossier lists behind numbers (received, late, open_late), the public page, the API
# dashboard and public statistics; then the GROUP BY floor (psycopg, BENCH_FLOOR_REPEAT times) and, in-process,
# the SQL of each report with EXPLAIN (ANALYZE, BUFFERS) of the slowest queries (into the log). Writes the
# entry BENCH_LABEL of bench/results/reports-<date>.json, appends the console to
# bench/results/reports-<date>.log, and prints Markdown tables.
#
# BENCH_DB_READY=NAME measures a database loaded before (migrate, load_demo --curated-only, the generator,
# refresh_evaluation --all) and keeps it: `migrate` (new migrations), `motcua rebuild_stats` (timed; skipped
# with BENCH_REBUILD_STATS=0), VACUUM (ANALYZE), then the same measurements; BENCH_GEN_JSON is the file
# `bench/reports_10m.py generate --out` wrote for it (sizes and the generated period). So one load serves a
# before/after pair (the "before" run with PYTHONPATH pointing at the old source tree).
#
# Takes the lock of the other benchmarks (bench/tmp/.lock), waiting for it at most BENCH_LOCK_WAIT seconds.
# Loopback only; every step bounded in time; gunicorn, the scratch folder and the database are removed on
# exit, failure included.
#
# Knobs (environment): BENCH_DOSSIERS=10000000 (below 1000000, a smoke run: BENCH_DOSSIERS=50000 takes a few
# minutes), BENCH_DOCUMENTS=BENCH_DOSSIERS/10, BENCH_SEED=1, BENCH_BATCH=50000, BENCH_REQUESTS=150 (smoke:
# 20), BENCH_WARMUP=10 (smoke: 3), BENCH_CONCURRENCY=1,8, BENCH_ROW_CAP=120 (s per row at most),
# BENCH_FLOOR_REPEAT=20 (smoke: 5), BENCH_LABEL (default from the size: 50k, 1m, 10m),
# BENCH_MAX_LOAD=2, BENCH_QUIET_WAIT=120, BENCH_LOCK_WAIT=2400, BENCH_STEP_TIMEOUT=14400, BENCH_REPORT=1 (0:
# no file in bench/results, tables only), BENCH_DB_READY, BENCH_GEN_JSON, BENCH_REBUILD_STATS=1,
# PGHOST=127.0.0.1, PGPORT=5432, PGUSER=postgres.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

DOSSIERS=${BENCH_DOSSIERS:-10000000}
DOCUMENTS=${BENCH_DOCUMENTS:-$((DOSSIERS / 10))}
SEED=${BENCH_SEED:-1}
BATCH=${BENCH_BATCH:-50000}
SMOKE=0
((DOSSIERS < 1000000)) && SMOKE=1
REQUESTS=${BENCH_REQUESTS:-$((SMOKE ? 20 : 150))}
WARMUP=${BENCH_WARMUP:-$((SMOKE ? 3 : 10))}
CONCURRENCY=${BENCH_CONCURRENCY:-1,8}
ROW_CAP=${BENCH_ROW_CAP:-120}
FLOOR_REPEAT=${BENCH_FLOOR_REPEAT:-$((SMOKE ? 5 : 20))}
if ((DOSSIERS % 1000000 == 0)); then default_label="$((DOSSIERS / 1000000))m"; else default_label="$((DOSSIERS / 1000))k"; fi
LABEL=${BENCH_LABEL:-$default_label}
MAX_LOAD=${BENCH_MAX_LOAD:-2}
QUIET_WAIT=${BENCH_QUIET_WAIT:-120}
LOCK_WAIT=${BENCH_LOCK_WAIT:-2400}
STEP_TIMEOUT=${BENCH_STEP_TIMEOUT:-14400} # seconds, any one step (the generator loads ~1,000 dossiers/s here)
REPORT=${BENCH_REPORT:-1}
PGHOST_=${PGHOST:-127.0.0.1}
PGPORT_=${PGPORT:-5432}
PGUSER_=${PGUSER:-postgres}
READY_DB=${BENCH_DB_READY:-}
GEN_JSON=${BENCH_GEN_JSON:-}
REBUILD_STATS=${BENCH_REBUILD_STATS:-1}
PGDB=${READY_DB:-motcua_reports}
PY=$ROOT/.venv/bin/python
MOTCUA=$ROOT/.venv/bin/motcua
BENCH=$ROOT/bench/reports_10m.py
NPROC=$(nproc)

# shellcheck source=bench/lib.sh disable=SC1091 # (followed with shellcheck -x from the repository root)
source "$ROOT/bench/lib.sh"
require_loopback_pg
[[ -x $PY ]] || die "no .venv: run 'make env' first"
[[ -x $ROOT/.venv/bin/gunicorn ]] || die "gunicorn is missing from .venv (bench/run.sh installs it)"
lock_start=$SECONDS
bench_lock "$LOCK_WAIT"
LOCK_WAITED=$((SECONDS - lock_start))
bench_workdir reports

# The console log: everything below goes to the terminal and to the log (appended, bench/results when reporting).
TODAY=$(date +%F)
LOG=$WORK/console.out
[[ $REPORT == 1 ]] && { mkdir -p "$ROOT/bench/results"; LOG=$ROOT/bench/results/reports-$TODAY.log; }
exec > >(tee -a "$LOG") 2>&1
log "==== reports_10m.sh $LABEL, $(date -Is): log $LOG; lock waited ${LOCK_WAITED} s; $DOSSIERS dossiers, $DOCUMENTS documents, seed $SEED"

if [[ -n $READY_DB ]]; then
  [[ -f $GEN_JSON ]] || die "BENCH_DB_READY=$READY_DB needs BENCH_GEN_JSON (the generate step's output)"
  psql_ -d "$READY_DB" -c "SELECT 1 FROM generator_generatorrun LIMIT 1" >/dev/null \
    || die "$READY_DB is not a loaded database"
else
  pg_fresh_db "$PGDB"
fi

SECRET=$(random_secret)
mkdir -p "$WORK/media" "$WORK/static"
export MEDIA_ROOT="$WORK/media" STATIC_ROOT="$WORK/static" SECRET_KEY="$SECRET" DEBUG=false \
  ALLOWED_HOSTS=127.0.0.1 SECURE_SSL=false LOG_LEVEL=WARNING MOTCUA_ENV=production \
  DATABASE_URL="postgres://$PGUSER_@$PGHOST_:$PGPORT_/$PGDB"
run() { timeout "$STEP_TIMEOUT" "$@"; }

log "migrate ($PGDB${READY_DB:+, kept}), collectstatic"
t=$(now)
run "$MOTCUA" migrate --noinput --verbosity 0
run "$MOTCUA" collectstatic --noinput --verbosity 0 # whitenoise manifest, as in production
migrate_s=$(since "$t")
demo_s=None
evaluation_s=None
rebuild_s=None
if [[ -n $READY_DB ]]; then
  cp "$GEN_JSON" "$WORK/gen.json"
  if [[ $REBUILD_STATS == 1 ]]; then
    log "rebuild_stats (load average $(loadavg))"
    t=$(now)
    run "$MOTCUA" rebuild_stats
    rebuild_s=$(since "$t")
    log "rebuild_stats: $rebuild_s s"
  fi
else
  log "load_demo --quiet --curated-only"
  t=$(now)
  run "$MOTCUA" load_demo --quiet --curated-only
  demo_s=$(since "$t")
  log "generate $DOSSIERS dossiers, $DOCUMENTS documents (load average $(loadavg) on $NPROC CPUs)"
  run "$PY" "$BENCH" generate --dossiers "$DOSSIERS" --documents "$DOCUMENTS" --seed "$SEED" --batch "$BATCH" \
    --out "$WORK/gen.json"
  log "refresh_evaluation --all"
  t=$(now)
  run "$MOTCUA" refresh_evaluation --all
  evaluation_s=$(since "$t")
  log "refresh_evaluation --all: $evaluation_s s"
fi
log "VACUUM (ANALYZE)"
t=$(now)
PGOPTIONS='-c client_min_messages=warning' run psql -h "$PGHOST_" -p "$PGPORT_" -U "$PGUSER_" -d "$PGDB" \
  -v ON_ERROR_STOP=1 -qAt -c "VACUUM (ANALYZE)"
vacuum_s=$(since "$t")
log "VACUUM (ANALYZE): $vacuum_s s"

log "setup: periods, agencies, field, a provincial account with a session and an API token"
(umask 077 && run "$PY" "$BENCH" setup --gen "$WORK/gen.json" --out "$WORK/setup.json")

port=$(free_port)
log "gunicorn, 2 workers, 127.0.0.1:$port"
start_gunicorn "$port" "$WORK/gunicorn.log"

log "waiting up to ${QUIET_WAIT} s for the 1-minute load average ($(loadavg)) to fall under ${MAX_LOAD}"
waited=$(wait_for_quiet)
load_start=$(loadavg)
awk -v l="$load_start" -v m="$MAX_LOAD" 'BEGIN { exit !(l > m) }' \
  && log "WARNING: the machine is busy (load $load_start on $NPROC CPUs): figures will be high"
log "HTTP load: $REQUESTS requests per report and concurrency $CONCURRENCY ($WARMUP warm-up requests)"
run "$PY" "$BENCH" run --port "$port" --setup "$WORK/setup.json" --requests "$REQUESTS" --warmup "$WARMUP" \
  --concurrency "$CONCURRENCY" --cap "$ROW_CAP" --master-pid "$SERVER_PID" --out "$WORK/run.json"
stop_server

log "GROUP BY floor over dossiers_dossier (psycopg, $FLOOR_REPEAT runs each)"
run "$PY" "$BENCH" floor --setup "$WORK/setup.json" --repeat "$FLOOR_REPEAT" --out "$WORK/floor.json"

log "SQL of each report and EXPLAIN (ANALYZE, BUFFERS) of the slowest (in-process)"
run "$PY" "$BENCH" explain --setup "$WORK/setup.json" --out "$WORK/explain.json"

"$PY" - "$WORK/meta.json" <<EOF
import json, sys
json.dump({
    "database": "$PGDB",
    "database_kept": bool("$READY_DB"),
    "rebuild_stats_s": $rebuild_s,
    "dossiers": $DOSSIERS,
    "documents": $DOCUMENTS,
    "seed": $SEED,
    "batch": $BATCH,
    "migrate_s": $migrate_s,
    "load_demo_s": $demo_s,
    "refresh_evaluation_s": $evaluation_s,
    "vacuum_s": $vacuum_s,
    "lock_wait_s": $LOCK_WAITED,
    "waited_for_quiet_s": $waited,
    "loadavg_at_start": $load_start,
    "max_load": $MAX_LOAD,
    "requests": $REQUESTS,
    "warmup": $WARMUP,
    "concurrency": "$CONCURRENCY",
    "row_cap_s": $ROW_CAP,
    "floor_repeat": $FLOOR_REPEAT,
}, open(sys.argv[1], "w"), indent=2)
EOF
out_dir=$ROOT/bench/results
[[ $REPORT == 1 ]] || out_dir=$WORK
run "$PY" "$BENCH" report --label "$LABEL" --setup "$WORK/setup.json" --gen "$WORK/gen.json" \
  --run "$WORK/run.json" --floor "$WORK/floor.json" --explain "$WORK/explain.json" --meta "$WORK/meta.json" \
  --sizes --date "$TODAY" --out-dir "$out_dir"
