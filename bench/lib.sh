# Shared by the benchmark scripts (bench/bench.sh, dossier_chain.sh, queue_1m.sh...); source it after setting
# ROOT, PY, PGHOST_, PGPORT_, PGUSER_, MAX_LOAD and QUIET_WAIT. It gives: one lock so that no two
# benchmarks measure at the same time, a scratch folder, scratch PostgreSQL databases, a gunicorn server,
# and a cleanup trap that removes all of them on exit, failure included. Loopback only.

log() { printf '== %s\n' "$*" >&2; }
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }
psql_() { PGOPTIONS='-c client_min_messages=warning' psql -h "$PGHOST_" -p "$PGPORT_" -U "$PGUSER_" -v ON_ERROR_STOP=1 -qAt "$@"; }
now() { echo "$EPOCHREALTIME"; }
since() { "$PY" -c "print(round($(now) - $1, 2))"; }
loadavg() { cut -d' ' -f1 /proc/loadavg; }
random_secret() { "$PY" -c 'import secrets, string; a = string.ascii_letters + string.digits; print("".join(secrets.choice(a) for _ in range(50)))'; }
free_port() { "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

require_loopback_pg() {
  case $PGHOST_ in 127.0.0.1 | localhost | ::1 | /*) ;; *) die "PGHOST=$PGHOST_: benchmarks target loopback only" ;; esac
}

# bench_lock SECONDS: take bench/tmp/.lock, waiting at most SECONDS (0: fail at once if it is held).
bench_lock() {
  mkdir -p "$ROOT/bench/tmp"
  exec 9>"$ROOT/bench/tmp/.lock"
  if [[ ${1:-0} == 0 ]]; then
    flock -n 9 || die "another bench run holds bench/tmp/.lock"
  else
    log "waiting up to $1 s for bench/tmp/.lock"
    flock -w "$1" 9 || die "bench/tmp/.lock still held after $1 s: another benchmark is running"
  fi
}

SERVER_PID=""
DBS_CREATED=()
WORK=""

# bench_workdir PREFIX: the scratch folder (bench/tmp/PREFIX-XXXXXX), removed by the cleanup trap.
bench_workdir() { WORK=$(mktemp -d "$ROOT/bench/tmp/$1-XXXXXX"); }

# pg_fresh_db NAME: drop and create a scratch database, dropped again on exit.
pg_fresh_db() {
  pg_isready -h "$PGHOST_" -p "$PGPORT_" -q || die "PostgreSQL is not answering at $PGHOST_:$PGPORT_"
  psql_ -d postgres -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)"
  DBS_CREATED+=("$1")
  psql_ -d postgres -c "CREATE DATABASE $1"
}

drop_dbs() {
  local db
  for db in "${DBS_CREATED[@]}"; do
    psql_ -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" || true
  done
  DBS_CREATED=()
}

# start_gunicorn PORT LOGFILE [VAR=value ...]: the production server, GUNICORN_WORKERS sync workers (2 unless
# the caller sets it), waited for. With GUNICORN_CONFIG (a gunicorn.conf.py, e.g. deploy/gunicorn.conf.py) the
# server takes every other setting from that file, and its access log goes to GUNICORN_ACCESS_LOG.
start_gunicorn() {
  local port=$1 logfile=$2
  shift 2
  local settings=(--timeout 60 --graceful-timeout 5 --log-level warning)
  if [[ -n ${GUNICORN_CONFIG:-} ]]; then
    settings=(--config "$GUNICORN_CONFIG" --access-logfile "${GUNICORN_ACCESS_LOG:-/dev/null}")
  fi
  env "$@" "$ROOT/.venv/bin/gunicorn" motcua.config.wsgi:application "${settings[@]}" \
    --bind "127.0.0.1:$port" --workers "${GUNICORN_WORKERS:-2}" --error-logfile "$logfile" &
  SERVER_PID=$!
  "$PY" "$ROOT/bench/catalog_search.py" wait "http://127.0.0.1:$port/api/v1/procedures?page_size=1" --timeout 30 \
    || die "gunicorn did not start"
}

stop_server() {
  if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=""
}

wait_for_quiet() { # prints the seconds waited for the 1-minute load average to reach MAX_LOAD (bounded)
  local start=$SECONDS
  while (( SECONDS - start < QUIET_WAIT )) && ! awk -v l="$(loadavg)" -v m="$MAX_LOAD" 'BEGIN { exit !(l <= m) }'; do
    sleep 5
  done
  echo $(( SECONDS - start ))
}

bench_cleanup() {
  local rc=$?
  stop_server
  drop_dbs
  if [[ $rc != 0 && -n $WORK ]]; then
    for f in "$WORK"/*.log; do [[ -f $f ]] && { echo "--- tail of $f" >&2; tail -n 30 "$f" >&2; }; done
  fi
  [[ -n $WORK ]] && rm -rf "$WORK"
  exit "$rc"
}
trap bench_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
