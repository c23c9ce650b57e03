#!/usr/bin/env bash
# The citizens' electronic document store (Decree 45/2020) with 10,000,000 stored documents (PostgreSQL only):
# the owner's list (GET /api/v1/store) and the reuse lookup (GET /api/v1/store/dossiers/{ref}/offers).
# Scratch database motcua_store migrated from scratch; bench/store_10m.py setup makes the minimal world with
# the ORM (two commune committees, a reception officer, a procedure whose components classify to store kinds,
# the DocumentKind rows); generate COPYs BENCH_ROWS stored documents with one dossier file each and one dossier
# per ~2.7 documents, owned by ~BENCH_ROWS/4.6 persons (skewed; the measured citizen owns 50, a heavy owner
# 600), deterministic by BENCH_SEED, the three tables' secondary indexes and foreign keys dropped for the load
# and rebuilt from their definitions after it, then VACUUM (ANALYZE); users makes the measured accounts, API
# tokens (accounts.tokens.api_token_create) and drafts (dossiers.services.dossier_create_draft); then gunicorn
# (production settings, 2 sync workers) on 127.0.0.1 is loaded with BENCH_REQUESTS requests per endpoint and
# concurrency after BENCH_WARMUP: (a) the citizen's list, (b) the heavy owner's list, (c) the reuse lookup for
# the citizen's draft, (d) the lookup for an applicant without documents, (e) lists of owners never asked for
# before; then, in-process, the SQL of each request and EXPLAIN (ANALYZE, BUFFERS) of its store queries (into
# the log), which index each uses. Writes bench/results/store-<date>.json and the console log
# bench/results/store-<date>.log, and prints Markdown tables.
#
# Takes the lock of the other benchmarks (bench/tmp/.lock), waiting for it at most BENCH_LOCK_WAIT seconds.
# Loopback only; every step bounded in time; gunicorn, the scratch folder and the database are removed on
# exit, failure included. Memory: the generator keeps ~2 batches (BENCH_BATCH documents each) in memory and
# rebuilds 2 indexes at a time with BENCH_MAINTENANCE_WORK_MEM each (~2 GB in all at 10 M rows).
#
# Knobs (environment): BENCH_ROWS=10000000 (below 1000000, a smoke run: BENCH_ROWS=50000 takes about a
# minute), BENCH_SEED=20261126, BENCH_BATCH=100000, BENCH_MAINTENANCE_WORK_MEM=512MB, BENCH_REQUESTS=300
# (smoke: 30), BENCH_WARMUP=20 (requests; smoke: 5), BENCH_CONCURRENCY=1,8, BENCH_ROW_CAP=240 (s per row at
# most), BENCH_MAX_LOAD=2, BENCH_QUIET_WAIT=180, BENCH_LOCK_WAIT=2400, BENCH_REPORT=1 (0: no file in
# bench/results, tables only), PGHOST=127.0.0.1, PGPORT=5432, PGUSER=postgres.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

ROWS=${BENCH_ROWS:-10000000}
SEED=${BENCH_SEED:-20261126}
BATCH=${BENCH_BATCH:-100000}
MWM=${BENCH_MAINTENANCE_WORK_MEM:-512MB}
SMOKE=0
((ROWS < 1000000)) && SMOKE=1 # smoke sizes: fewer requests, so that the run takes about a minute
REQUESTS=${BENCH_REQUESTS:-$((SMOKE ? 30 : 300))}
WARMUP=${BENCH_WARMUP:-$((SMOKE ? 5 : 20))}
CONCURRENCY=${BENCH_CONCURRENCY:-1,8}
ROW_CAP=${BENCH_ROW_CAP:-240}
MAX_LOAD=${BENCH_MAX_LOAD:-2}
QUIET_WAIT=${BENCH_QUIET_WAIT:-180}
LOCK_WAIT=${BENCH_LOCK_WAIT:-2400}
REPORT=${BENCH_REPORT:-1}
PGHOST_=${PGHOST:-127.0.0.1}
PGPORT_=${PGPORT:-5432}
PGUSER_=${PGUSER:-postgres}
PGDB=motcua_store
PY=$ROOT/.venv/bin/python
MOTCUA=$ROOT/.venv/bin/motcua
BENCH=$ROOT/bench/store_10m.py
NPROC=$(nproc)
STEP_TIMEOUT=5400 # seconds, any one step (the 10 M load with its index rebuild takes a quarter of an hour)
# Row (e) asks every request as another owner: enough sampled owners for all its rows, plus one for EXPLAIN.
N_CONC=$(tr ',' '\n' <<<"$CONCURRENCY" | grep -c .)
SAMPLED=$(((REQUESTS + WARMUP) * N_CONC + 2))

# shellcheck source=bench/lib.sh disable=SC1091 # (followed with shellcheck -x from the repository root)
source "$ROOT/bench/lib.sh"
require_loopback_pg
[[ -x $PY ]] || die "no .venv: run 'make env' first"
[[ -x $ROOT/.venv/bin/gunicorn ]] || die "gunicorn is missing from .venv (bench/run.sh installs it)"
lock_start=$SECONDS
bench_lock "$LOCK_WAIT"
LOCK_WAITED=$((SECONDS - lock_start))
bench_workdir store

# The console log: everything below goes to the terminal and to the log (bench/results when reporting).
TODAY=$(date +%F)
LOG=$WORK/console.out
[[ $REPORT == 1 ]] && { mkdir -p "$ROOT/bench/results"; LOG=$ROOT/bench/results/store-$TODAY.log; }
: >"$LOG"
exec > >(tee -a "$LOG") 2>&1
log "log: $LOG; lock waited ${LOCK_WAITED} s; rows $ROWS, seed $SEED"

pg_fresh_db "$PGDB"

SECRET=$(random_secret)
mkdir -p "$WORK/media" "$WORK/static"
export MEDIA_ROOT="$WORK/media" STATIC_ROOT="$WORK/static" SECRET_KEY="$SECRET" DEBUG=false \
  ALLOWED_HOSTS=127.0.0.1 SECURE_SSL=false LOG_LEVEL=WARNING MOTCUA_ENV=production \
  DATABASE_URL="postgres://$PGUSER_@$PGHOST_:$PGPORT_/$PGDB"
run() { timeout "$STEP_TIMEOUT" "$@"; }

log "migrate ($PGDB, from scratch)"
t=$(now)
run "$MOTCUA" migrate --noinput --verbosity 0
run "$MOTCUA" collectstatic --noinput --verbosity 0 # whitenoise manifest, as in production
migrate_s=$(since "$t")

log "setup: agencies, official, procedure and components, document kinds (ORM)"
run "$PY" "$BENCH" setup --seed "$SEED" --out "$WORK/setup.json"

log "generate $ROWS stored documents, their dossier files and dossiers (COPY), rebuild, VACUUM (ANALYZE)"
t=$(now)
run "$PY" "$BENCH" generate --setup "$WORK/setup.json" --rows "$ROWS" --seed "$SEED" --batch "$BATCH" \
  --maintenance-work-mem "$MWM" --out "$WORK/gen.json"
gen_s=$(since "$t")

log "users: the measured citizens ($SAMPLED sampled owners), API tokens, drafts (ORM)"
(umask 077 && run "$PY" "$BENCH" users --setup "$WORK/setup.json" --gen "$WORK/gen.json" \
  --sampled "$SAMPLED" --out "$WORK/users.json")

port=$(free_port)
log "gunicorn, 2 workers, 127.0.0.1:$port"
start_gunicorn "$port" "$WORK/gunicorn.log"

log "waiting up to ${QUIET_WAIT} s for the 1-minute load average ($(loadavg)) to fall under ${MAX_LOAD}"
waited=$(wait_for_quiet)
load_start=$(loadavg)
awk -v l="$load_start" -v m="$MAX_LOAD" 'BEGIN { exit !(l > m) }' \
  && log "WARNING: the machine is busy (load $load_start on $NPROC CPUs): figures will be low"
log "HTTP load: $REQUESTS requests per endpoint and concurrency $CONCURRENCY ($WARMUP warm-up requests)"
run "$PY" "$BENCH" run --port "$port" --users "$WORK/users.json" --requests "$REQUESTS" --warmup "$WARMUP" \
  --concurrency "$CONCURRENCY" --cap "$ROW_CAP" --master-pid "$SERVER_PID" --out "$WORK/run.json"
stop_server

log "SQL of each request and EXPLAIN (ANALYZE, BUFFERS) of its store queries (in-process)"
run "$PY" "$BENCH" explain --setup "$WORK/setup.json" --users "$WORK/users.json" --out "$WORK/explain.json"

pg_settings=$(psql_ -d postgres -F '=' -c "SELECT name, setting FROM pg_settings WHERE name IN
  ('shared_buffers','work_mem','maintenance_work_mem','effective_cache_size','autovacuum','jit',
   'random_page_cost','max_parallel_workers_per_gather','synchronous_commit','max_wal_size')" | paste -sd, -)
"$PY" - "$WORK/meta.json" <<EOF
import json, sys
json.dump({
    "pg_version": "$(psql_ -d postgres -c 'SHOW server_version')",
    "pg_settings": dict(kv.split("=", 1) for kv in "$pg_settings".split(",") if kv),
    "database": "$PGDB",
    "rows": $ROWS,
    "seed": $SEED,
    "batch": $BATCH,
    "maintenance_work_mem_for_rebuild": "$MWM",
    "migrate_s": $migrate_s,
    "generate_step_s": $gen_s,
    "lock_wait_s": $LOCK_WAITED,
    "waited_for_quiet_s": $waited,
    "loadavg_at_start": $load_start,
    "max_load": $MAX_LOAD,
    "requests": $REQUESTS,
    "warmup": $WARMUP,
    "concurrency": "$CONCURRENCY",
    "row_cap_s": $ROW_CAP,
    "sampled_owners": $SAMPLED,
}, open(sys.argv[1], "w"), indent=2)
EOF
drop_dbs
out_dir=$ROOT/bench/results
[[ $REPORT == 1 ]] || out_dir=$WORK
"$PY" "$BENCH" report --setup "$WORK/setup.json" --gen "$WORK/gen.json" --run "$WORK/run.json" \
  --explain "$WORK/explain.json" --meta "$WORK/meta.json" --out-dir "$out_dir"
