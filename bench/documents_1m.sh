#!/usr/bin/env bash
# The document office with 1,000,000 documents (PostgreSQL only): issuing throughput and search p95.
# Scratch database motcua_documents migrated from scratch; bench/documents_1m.py setup makes ~20 of the
# province's agencies with their officials, issuer profiles and PKCS#12 certificates; generate COPYs
# BENCH_ROWS issued outgoing documents and BENCH_INCOMING_SHARE x BENCH_ROWS incoming ones (deterministic
# by BENCH_SEED), rebuilds the trigram indexes, VACUUM (ANALYZE); issue runs BENCH_ISSUE_COUNT approved
# documents per row through services.outgoing_act(ISSUE) (number, WeasyPrint PDF, pyHanko signature)
# sequentially and with 2 and 4 threads, and fails the benchmark unless every register is 1..N with no gap
# nor duplicate; then gunicorn (production settings, 2 sync workers) on 127.0.0.1 is loaded as the measured
# agency's clerk (API token): outgoing ?q=<word>, <two words>, <number-symbol>, the first page, a month's
# date range, incoming ?q=<word>, <number-symbol> and the first page, BENCH_REQUESTS requests per endpoint
# and concurrency; then, in-process, EXPLAIN (ANALYZE, BUFFERS) of the SQL Django issues (into the log) and
# of candidate indexes (rolled back). Writes bench/results/documents-<date>.json and the console log
# bench/results/documents-<date>.log, and prints Markdown tables.
#
# Takes the lock of the other benchmarks (bench/tmp/.lock), waiting for it at most BENCH_LOCK_WAIT seconds.
# Loopback only; every step bounded in time; gunicorn, the scratch folder and the database are removed on
# exit, failure included.
#
# Knobs (environment): BENCH_ROWS=1000000 (below 100000, a smoke run: BENCH_ROWS=20000 takes about a
# minute), BENCH_INCOMING_SHARE=1.0, BENCH_MAIN_SHARE=0.1 (the measured agency's share of the documents),
# BENCH_SEED=20261126, BENCH_BATCH=50000, BENCH_ISSUE_COUNT=200 (smoke: 10), BENCH_ISSUE_CONCURRENCY=1,2,4,
# BENCH_REQUESTS=200 (smoke: 20), BENCH_WARMUP=10 (requests; smoke: 2), BENCH_CONCURRENCY=1,8,
# BENCH_ROW_CAP=180 (s per row at most), BENCH_MAX_LOAD=2, BENCH_QUIET_WAIT=180, BENCH_LOCK_WAIT=1200,
# BENCH_REPORT=1 (0: no file in bench/results, tables only), PGHOST=127.0.0.1, PGPORT=5432, PGUSER=postgres.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

ROWS=${BENCH_ROWS:-1000000}
INCOMING_SHARE=${BENCH_INCOMING_SHARE:-1.0}
MAIN_SHARE=${BENCH_MAIN_SHARE:-0.1}
SEED=${BENCH_SEED:-20261126}
BATCH=${BENCH_BATCH:-50000}
SMOKE=0
((ROWS < 100000)) && SMOKE=1 # smoke sizes: fewer issues and requests, so that the run takes about a minute
ISSUE_COUNT=${BENCH_ISSUE_COUNT:-$((SMOKE ? 10 : 200))}
ISSUE_C=${BENCH_ISSUE_CONCURRENCY:-1,2,4}
REQUESTS=${BENCH_REQUESTS:-$((SMOKE ? 20 : 200))}
WARMUP=${BENCH_WARMUP:-$((SMOKE ? 2 : 10))}
CONCURRENCY=${BENCH_CONCURRENCY:-1,8}
ROW_CAP=${BENCH_ROW_CAP:-180}
MAX_LOAD=${BENCH_MAX_LOAD:-2}
QUIET_WAIT=${BENCH_QUIET_WAIT:-180}
LOCK_WAIT=${BENCH_LOCK_WAIT:-1200}
REPORT=${BENCH_REPORT:-1}
PGHOST_=${PGHOST:-127.0.0.1}
PGPORT_=${PGPORT:-5432}
PGUSER_=${PGUSER:-postgres}
PGDB=motcua_documents
PY=$ROOT/.venv/bin/python
MOTCUA=$ROOT/.venv/bin/motcua
BENCH=$ROOT/bench/documents_1m.py
NPROC=$(nproc)
STEP_TIMEOUT=3600 # seconds, any one step (the 1 M generation and the HTTP load take several minutes)

source "$ROOT/bench/lib.sh"
require_loopback_pg
[[ -x $PY ]] || die "no .venv: run 'make env' first"
[[ -x $ROOT/.venv/bin/gunicorn ]] || die "gunicorn is missing from .venv (bench/run.sh installs it)"
lock_start=$SECONDS
bench_lock "$LOCK_WAIT"
LOCK_WAITED=$((SECONDS - lock_start))
bench_workdir documents

# The console log: everything below goes to the terminal and to the log (bench/results when reporting).
TODAY=$(date +%F)
LOG=$WORK/console.out
[[ $REPORT == 1 ]] && { mkdir -p "$ROOT/bench/results"; LOG=$ROOT/bench/results/documents-$TODAY.log; }
: >"$LOG"
exec > >(tee -a "$LOG") 2>&1
log "log: $LOG; lock waited ${LOCK_WAITED} s"

pg_fresh_db "$PGDB"

SECRET=$(random_secret)
# Others edit src/ while benchmarks run: fingerprint the code at the start, when the server starts and at
# the end (each step is a new process and loads the code of its moment), and record when each step began.
src_hash() { find "$ROOT/src" -name '*.py' -print0 | sort -z | xargs -0 cat | sha256sum | cut -c1-16; }
git_head() { git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown; }
stamp() { date -u +%FT%TZ; }
SRC_AT_START=$(src_hash)
GIT_AT_START=$(git_head)
T_START=$(stamp)
mkdir -p "$WORK/media" "$WORK/static"
export MEDIA_ROOT="$WORK/media" STATIC_ROOT="$WORK/static" SECRET_KEY="$SECRET" DEBUG=false \
  ALLOWED_HOSTS=127.0.0.1 SECURE_SSL=false LOG_LEVEL=WARNING MOTCUA_ENV=production \
  DATABASE_URL="postgres://$PGUSER_@$PGHOST_:$PGPORT_/$PGDB"
run() { timeout "$STEP_TIMEOUT" "$@"; }

log "migrate ($PGDB, from scratch)"
run "$MOTCUA" migrate --noinput --verbosity 0
run "$MOTCUA" collectstatic --noinput --verbosity 0 # whitenoise manifest, as in production

log "setup: agencies, officials, issuer profiles, PKCS#12 certificates"
CLERK=$(run "$PY" "$BENCH" setup --seed "$SEED" --issue-concurrency "$ISSUE_C" --out "$WORK/setup.json" \
  | tail -n 1)

T_GENERATE=$(stamp)
log "generate $ROWS outgoing + ${INCOMING_SHARE} x $ROWS incoming documents (COPY), VACUUM (ANALYZE)"
t=$(now)
run "$PY" "$BENCH" generate --setup "$WORK/setup.json" --rows "$ROWS" --incoming-share "$INCOMING_SHARE" \
  --main-share "$MAIN_SHARE" --seed "$SEED" --batch "$BATCH" --out "$WORK/gen.json"
gen_s=$(since "$t")

T_ISSUE=$(stamp)
SRC_AT_ISSUE=$(src_hash)
log "issue: $ISSUE_COUNT approved documents per row, threads $ISSUE_C (in-process, services.outgoing_act)"
run "$PY" "$BENCH" issue --setup "$WORK/setup.json" --count "$ISSUE_COUNT" --out "$WORK/issue.json" \
  || die "issuing failed or left a register with a gap or a duplicate (see above)"

log "API token for $CLERK"
export BENCH_TOKEN # read by documents_1m.py run / explain
BENCH_TOKEN=$(run "$MOTCUA" create_api_token "$CLERK" "bench documents-1m" | tail -n 1)
[[ $BENCH_TOKEN == mc_* ]] || die "create_api_token printed no token"

port=$(free_port)
T_SERVER=$(stamp)
SRC_AT_SERVER=$(src_hash)
GIT_AT_SERVER=$(git_head)
log "gunicorn, 2 workers, 127.0.0.1:$port (src $SRC_AT_SERVER, git $GIT_AT_SERVER)"
start_gunicorn "$port" "$WORK/gunicorn.log"

log "waiting up to ${QUIET_WAIT} s for the 1-minute load average ($(loadavg)) to fall under ${MAX_LOAD}"
waited=$(wait_for_quiet)
load_start=$(loadavg)
awk -v l="$load_start" -v m="$MAX_LOAD" 'BEGIN { exit !(l > m) }' \
  && log "WARNING: the machine is busy (load $load_start on $NPROC CPUs): figures will be low"
log "HTTP load: $REQUESTS requests per endpoint and concurrency $CONCURRENCY ($WARMUP warm-up requests)"
run "$PY" "$BENCH" run --port "$port" --gen "$WORK/gen.json" --requests "$REQUESTS" --warmup "$WARMUP" \
  --concurrency "$CONCURRENCY" --cap "$ROW_CAP" --master-pid "$SERVER_PID" --out "$WORK/run.json"
stop_server

T_EXPLAIN=$(stamp)
SRC_AT_EXPLAIN=$(src_hash)
log "EXPLAIN (ANALYZE, BUFFERS) of the SQL Django issues, and candidate indexes (in-process, rolled back)"
run "$PY" "$BENCH" explain --gen "$WORK/gen.json" --run "$WORK/run.json" --out "$WORK/explain.json"

SRC_AT_END=$(src_hash)
GIT_AT_END=$(git_head)
for sha in "$SRC_AT_START" "$SRC_AT_ISSUE" "$SRC_AT_SERVER" "$SRC_AT_EXPLAIN"; do
  [[ $sha == "$SRC_AT_END" ]] && continue
  log "WARNING: src/ changed during the run (start $SRC_AT_START, issue $SRC_AT_ISSUE, server $SRC_AT_SERVER,"
  log "  explain $SRC_AT_EXPLAIN, end $SRC_AT_END): the steps measured different code (see meta.src_sha)"
  break
done
pg_settings=$(psql_ -d postgres -F '=' -c "SELECT name, setting FROM pg_settings WHERE name IN
  ('shared_buffers','work_mem','maintenance_work_mem','effective_cache_size','autovacuum','jit',
   'random_page_cost','max_parallel_workers_per_gather','synchronous_commit')" | paste -sd, -)
"$PY" - "$WORK/meta.json" <<EOF
import json, sys
json.dump({
    "pg_version": "$(psql_ -d postgres -c 'SHOW server_version')",
    "pg_settings": dict(kv.split("=", 1) for kv in "$pg_settings".split(",") if kv),
    "database": "$PGDB",
    "rows": $ROWS,
    "incoming_share": $INCOMING_SHARE,
    "main_share": $MAIN_SHARE,
    "seed": $SEED,
    "generate_step_s": $gen_s,
    "lock_wait_s": $LOCK_WAITED,
    "waited_for_quiet_s": $waited,
    "loadavg_at_start": $load_start,
    "max_load": $MAX_LOAD,
    "requests": $REQUESTS,
    "warmup": $WARMUP,
    "concurrency": "$CONCURRENCY",
    "row_cap_s": $ROW_CAP,
    "issue_count": $ISSUE_COUNT,
    "issue_concurrency": "$ISSUE_C",
    "steps_started_utc": {"run": "$T_START", "generate": "$T_GENERATE", "issue": "$T_ISSUE",
                          "server_and_http": "$T_SERVER", "explain": "$T_EXPLAIN"},
    "src_sha": {"start": "$SRC_AT_START", "issue": "$SRC_AT_ISSUE", "server": "$SRC_AT_SERVER",
                "explain": "$SRC_AT_EXPLAIN", "end": "$SRC_AT_END"},
    "git_head": {"start": "$GIT_AT_START", "server": "$GIT_AT_SERVER", "end": "$GIT_AT_END"},
}, open(sys.argv[1], "w"), indent=2)
EOF
drop_dbs
out_dir=$ROOT/bench/results
[[ $REPORT == 1 ]] || out_dir=$WORK
"$PY" "$BENCH" report --setup "$WORK/setup.json" --gen "$WORK/gen.json" --issue "$WORK/issue.json" \
  --run "$WORK/run.json" --explain "$WORK/explain.json" --meta "$WORK/meta.json" --out-dir "$out_dir"
