#!/usr/bin/env bash
# The many-machines topology on ONE machine, as separate processes on loopback ports, with a failure test
# (docs/deploy/many-machines.md):
#
#   PostgreSQL primary (:9132) ──streaming──> PostgreSQL replica (:9133, hot standby)
#   Redis (:9140, cache + sessions)   S3-compatible object storage (moto_server :9150, the files)
#   nginx (:9100) ──> gunicorn web1 (:9101), gunicorn web2 (:9102)    2 × `motcua worker`
#   `motcua simulate portal` (:9170): the national portal, receiver of the outbox's messages
#
# It migrates and loads the demo on the primary, then runs load through nginx for TOPOLOGY_DURATION
# seconds (desk officials receiving and processing dossiers, each status change queued for the portal;
# readers: tracking, catalogue, static files, report pages read on the replica). In the middle it SIGKILLs
# web1 (master and workers at once, a crashed node) and, while it delivers a message, worker 1; each is
# restarted a few seconds later as systemd would. After the queue drains, deploy/topology_check.py checks:
# no request lost; only requests in flight at the web kill failed (nginx retried idempotent ones on web2);
# every queued message applied exactly once by the portal, none missing; each created dossier on the portal
# with its status; the replica caught up; report reads served by the replica (pg_stat_statements).
# Exit 0 when every check passes, 1 (with the failed checks named) otherwise.
#
# Usage: deploy/topology.sh [--lose-requests] [--record]
#   --lose-requests  nginx with `proxy_next_upstream off`: requests reaching the dead process are lost
#                    (answered 502) instead of retried; the checks must then FAIL (the checker's own test).
#   --record         write the summary to bench/results/topology-<date>.json
# Knobs: TOPOLOGY_DURATION=45 (s of load), TOPOLOGY_WRITERS=3, TOPOLOGY_READERS=3, TOPOLOGY_PORT_BASE=9100,
#   TOPOLOGY_SUMMARY=<file> (also write the summary there), TOPOLOGY_KEEP=1 (keep the scratch folder).
# Needs (Debian): nginx, postgresql (initdb, pg_basebackup, pg_stat_statements), redis-server; in .venv:
# gunicorn, redis, django-storages[s3], boto3, moto[server]. Run as root (PostgreSQL runs as `postgres`).
# Loopback only; every process it starts is stopped and its scratch folder removed on exit, failure included.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=$ROOT/.venv/bin/python
MOTCUA=$ROOT/.venv/bin/motcua
GUNICORN=$ROOT/.venv/bin/gunicorn
RUN="$PY $ROOT/deploy/topology_run.py"
export PYTHONPATH="$ROOT/src${PYTHONPATH:+:$PYTHONPATH}" # this checkout's code, whatever .venv was installed from

RETRIES=1
RECORD=0
for arg in "$@"; do
  case $arg in
    --lose-requests) RETRIES=0 ;;
    --record) RECORD=1 ;;
    -h | --help) sed -n '2,28p' "$0"; exit 0 ;;
    *) echo "topology: unknown argument $arg (see --help)" >&2; exit 2 ;;
  esac
done
DURATION=${TOPOLOGY_DURATION:-45}
WRITERS=${TOPOLOGY_WRITERS:-3}
READERS=${TOPOLOGY_READERS:-3}
BASE=${TOPOLOGY_PORT_BASE:-9100}
NGINX_PORT=$BASE
WEB_PORTS=($((BASE + 1)) $((BASE + 2)))
PG_PRIMARY=$((BASE + 32))
PG_REPLICA=$((BASE + 33))
REDIS_PORT=$((BASE + 40))
S3_PORT=$((BASE + 50))
PORTAL_PORT=$((BASE + 70))
DB=motcua_topo

log() { printf '== [%s] %s\n' "$(date +%T)" "$*" >&2; }
die() { printf 'topology: %s\n' "$*" >&2; exit 1; }
now() { date +%s.%N; }

# -- prerequisites -------------------------------------------------------------------------------------------
missing=()
[[ -x $PY && -x $GUNICORN ]] || missing+=(".venv with gunicorn: make env")
command -v nginx >/dev/null || missing+=("nginx: apt-get install -y nginx-light")
command -v redis-server >/dev/null || missing+=("redis-server: apt-get install -y redis-server")
command -v initdb >/dev/null || [[ -n $(ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null) ]] \
  || missing+=("PostgreSQL server: apt-get install -y postgresql")
MOTO=$(command -v moto_server || echo "$ROOT/.venv/bin/moto_server")
[[ -x $MOTO ]] || missing+=("moto_server: uv pip install 'moto[server]' into .venv")
"$PY" -c 'import redis, storages, boto3' 2>/dev/null || missing+=("redis, django-storages[s3], boto3 in .venv")
[[ $(id -u) == 0 ]] || missing+=("root (PostgreSQL is started as the postgres user with runuser)")
((${#missing[@]} == 0)) || die "missing: $(IFS=';'; echo "${missing[*]}")"
PGBIN=$(dirname "$(readlink -f "$(command -v initdb || ls /usr/lib/postgresql/*/bin/initdb | tail -n 1)")")
for port in "$NGINX_PORT" "${WEB_PORTS[@]}" "$PG_PRIMARY" "$PG_REPLICA" "$REDIS_PORT" "$S3_PORT" "$PORTAL_PORT"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then die "port $port is in use (TOPOLOGY_PORT_BASE)"; fi
done

# -- processes and cleanup ------------------------------------------------------------------------------------
WORK=$(mktemp -d /tmp/motcua-topology-XXXXXX)
chmod 755 "$WORK"
declare -A PIDS=()
PG_STARTED=()

stop_pid() { # stop_pid PID: TERM, up to 10 s, then KILL; only this id (and a gunicorn master's children)
  local pid=$1
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
  kill -KILL "$pid" 2>/dev/null || true
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  log "stopping every process of the run"
  for name in "${!PIDS[@]}"; do stop_pid "${PIDS[$name]}" & done
  wait 2>/dev/null || true
  for data in "${PG_STARTED[@]}"; do
    runuser -u postgres -- "$PGBIN/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true
  done
  if [[ $rc != 0 ]]; then
    for f in "$WORK"/*.log "$WORK"/pg/*.log; do
      [[ -f $f ]] && { echo "--- tail of ${f#$WORK/}" >&2; tail -n 15 "$f" >&2; }
    done
  fi
  if [[ ${TOPOLOGY_KEEP:-0} == 1 ]]; then log "kept $WORK"; else rm -rf "$WORK"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

wait_http() { # wait_http URL SECONDS
  "$PY" - "$1" "$2" <<'EOF' || die "nothing answers at $1"
import sys, time, urllib.request
url, deadline = sys.argv[1], time.time() + float(sys.argv[2])
while time.time() < deadline:
    try:
        urllib.request.urlopen(url, timeout=2).read()
        sys.exit(0)
    except Exception:
        time.sleep(0.2)
sys.exit(1)
EOF
}

psql_() { # psql_ PORT SQL...
  local port=$1
  shift
  PGOPTIONS='-c client_min_messages=warning' psql -h 127.0.0.1 -p "$port" -U postgres -d "$DB" -v ON_ERROR_STOP=1 -qAt "$@"
}

# -- PostgreSQL: a primary and its streaming replica -----------------------------------------------------------
mkdir -p "$WORK/pg"
chown postgres: "$WORK/pg"
log "PostgreSQL primary on :$PG_PRIMARY ($PGBIN)"
runuser -u postgres -- "$PGBIN/initdb" -D "$WORK/pg/primary" -U postgres --auth=trust -E UTF8 \
  --locale=C.UTF-8 >"$WORK/pg/initdb.log"
cat "$ROOT/deploy/postgresql/primary.conf" >>"$WORK/pg/primary/postgresql.conf"
cat >>"$WORK/pg/primary/postgresql.conf" <<EOF
# topology.sh: loopback only, its own ports and socket folder; a scratch cluster that need not survive a
# power cut (never in production: fsync off risks the whole cluster on a crash of the machine).
listen_addresses = '127.0.0.1'
port = $PG_PRIMARY
unix_socket_directories = '$WORK/pg'
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$WORK/pg/primary" -l "$WORK/pg/primary.log" -w start >/dev/null
PG_STARTED+=("$WORK/pg/primary")
PGOPTIONS='-c client_min_messages=warning' psql -h 127.0.0.1 -p "$PG_PRIMARY" -U postgres -qAt \
  -c "CREATE DATABASE $DB"
psql_ "$PG_PRIMARY" -c "CREATE EXTENSION pg_stat_statements"

log "PostgreSQL replica on :$PG_REPLICA (pg_basebackup -R, slot topology_replica)"
runuser -u postgres -- "$PGBIN/pg_basebackup" -h 127.0.0.1 -p "$PG_PRIMARY" -U postgres \
  -D "$WORK/pg/replica" -R -X stream -C -S topology_replica -c fast
cat "$ROOT/deploy/postgresql/replica.conf" >>"$WORK/pg/replica/postgresql.conf"
echo "port = $PG_REPLICA" >>"$WORK/pg/replica/postgresql.conf"
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$WORK/pg/replica" -l "$WORK/pg/replica.log" -w start >/dev/null
PG_STARTED+=("$WORK/pg/replica")
[[ $(psql_ "$PG_REPLICA" -c "SELECT pg_is_in_recovery()") == t ]] || die "the replica is not in recovery"

# -- Redis, S3, the portal simulator ---------------------------------------------------------------------------
log "Redis on :$REDIS_PORT, S3 (moto_server) on :$S3_PORT, portal simulator on :$PORTAL_PORT"
mkdir -p "$WORK/redis"
redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no --dir "$WORK/redis" \
  >"$WORK/redis.log" 2>&1 &
PIDS[redis]=$!
"$MOTO" -H 127.0.0.1 -p "$S3_PORT" >"$WORK/s3.log" 2>&1 &
PIDS[s3]=$!

SECRET=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(48))')
PORTAL_TOKEN=topology-portal-token
export MOTCUA_ENV=production SECRET_KEY="$SECRET" DEBUG=false ALLOWED_HOSTS=127.0.0.1,localhost SECURE_SSL=false \
  LOG_LEVEL=WARNING DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PRIMARY/$DB" \
  DATABASE_REPLICA_URL="postgres://postgres@127.0.0.1:$PG_REPLICA/$DB" \
  REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0" \
  S3_ENDPOINT_URL="http://127.0.0.1:$S3_PORT" S3_BUCKET=motcua-topology S3_REGION=us-east-1 \
  S3_ACCESS_KEY_ID=topology S3_SECRET_ACCESS_KEY=topology-secret \
  STATIC_ROOT="$WORK/static" MEDIA_ROOT="$WORK/media-unused" \
  NATIONAL_PORTAL_URL="http://127.0.0.1:$PORTAL_PORT" NATIONAL_PORTAL_TOKEN="$PORTAL_TOKEN" \
  NATIONAL_PORTAL_TIMEOUT=5 INTEGRATIONS_RETRY="first=1,longest=4,attempts=100" \
  PORTAL_SIMULATOR_DATA="$WORK/portal.sqlite3" LGSP_URL="" \
  SMS_BACKEND=motcua.notifications.backends.LoggingBackend \
  ZALO_BACKEND=motcua.notifications.backends.LoggingBackend \
  EMAIL_BACKEND=django.core.mail.backends.dummy.EmailBackend
"$MOTCUA" simulate portal --port "$PORTAL_PORT" --data "$WORK/portal.sqlite3" >"$WORK/portal.log" 2>&1 &
PIDS[portal]=$!
wait_http "http://127.0.0.1:$PORTAL_PORT/_state" 30
wait_http "http://127.0.0.1:$S3_PORT/" 30
$RUN bucket

# -- the application: schema, demo, static files, tokens -------------------------------------------------------
log "migrate and load the demo on the primary (files to S3, sessions and cache in Redis)"
"$MOTCUA" migrate --noinput --verbosity 0
log "migrated; load_demo --curated-only"
"$MOTCUA" load_demo --curated-only --quiet
"$MOTCUA" collectstatic --noinput --verbosity 0
chmod -R a+rX "$WORK/static"
token() { "$MOTCUA" create_api_token "$1" topology | tail -n 1; }
"$PY" - "$WORK/tokens.json" "$(token tiepnhan.dongkinh)" "$(token chuyenvien.dongkinh)" \
  "$(token truongphong.dongkinh)" "$(token lanhdao.dongkinh)" <<'EOF'
import json, sys
json.dump(dict(zip(("desk", "specialist", "head", "leader"), sys.argv[2:])), open(sys.argv[1], "w"))
EOF
AGENCY=$("$PY" "$ROOT/bench/dossier_chain.py" agency)
mapfile -t DEMO_CODES < <(psql_ "$PG_PRIMARY" -c "SELECT code FROM dossiers_dossier WHERE code <> '' LIMIT 5")
STATIC_FILE=$(cd "$WORK/static" && find . -name '*.css' -type f | head -n 1)
[[ -n $STATIC_FILE ]] || die "collectstatic wrote no CSS file"

# -- web processes, workers, nginx -----------------------------------------------------------------------------
start_web() { # start_web N: gunicorn webN on its port (2 sync workers)
  local n=$1 port=${WEB_PORTS[$(($1 - 1))]}
  WEB_CONCURRENCY=2 "$GUNICORN" -c "$ROOT/deploy/gunicorn.conf.py" --bind "127.0.0.1:$port" \
    --access-logfile /dev/null --error-logfile "$WORK/web$n.log" >>"$WORK/web$n.log" 2>&1 &
  PIDS[web$n]=$!
}
start_worker() { # start_worker N ID: `motcua worker` as systemd runs it
  "$MOTCUA" worker --no-reload --no-startup-delay --interval 0.1 --worker-id "$2" >>"$WORK/worker$1.log" 2>&1 &
  PIDS[worker$1]=$!
}
log "gunicorn web1 :${WEB_PORTS[0]}, web2 :${WEB_PORTS[1]}; two workers"
start_web 1
start_web 2
for port in "${WEB_PORTS[@]}"; do wait_http "http://127.0.0.1:$port/api/v1/procedures?page_size=1" 60; done
start_worker 1 topology-w1
start_worker 2 topology-w2

NEXT_UPSTREAM="error timeout http_502 http_503 http_504"
[[ $RETRIES == 1 ]] || NEXT_UPSTREAM=off
SERVERS=""
for port in "${WEB_PORTS[@]}"; do SERVERS+="    server 127.0.0.1:$port max_fails=1 fail_timeout=5s;\n"; done
mkdir -p "$WORK/nginx"
sed -e "s|@@LISTEN@@|127.0.0.1:$NGINX_PORT|g" -e "s|@@SERVERS@@|$SERVERS|g" -e "s|@@STATIC_ROOT@@|$WORK/static/|g" \
  -e "s|@@NEXT_UPSTREAM@@|$NEXT_UPSTREAM|g" -e "s|@@PREFIX@@|$WORK/nginx|g" -e "s|@@USER@@|www-data|g" \
  "$ROOT/deploy/nginx.conf.template" >"$WORK/nginx/nginx.conf"
nginx -t -q -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" 2>"$WORK/nginx-test.log" \
  || { cat "$WORK/nginx-test.log" >&2; die "nginx refused the configuration"; }
nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -g 'daemon off;' >"$WORK/nginx.log" 2>&1 &
PIDS[nginx]=$!
wait_http "http://127.0.0.1:$NGINX_PORT/static/${STATIC_FILE#./}" 30
log "nginx :$NGINX_PORT -> web1, web2 (proxy_next_upstream $NEXT_UPSTREAM)"

# The portal answers each push 300 ms late: a worker is then often inside a delivery when it is killed.
curl -fsS -X POST -d '{"delay": 0.3}' "http://127.0.0.1:$PORTAL_PORT/_control" >/dev/null
psql_ "$PG_PRIMARY" -c "SELECT pg_stat_statements_reset()" >/dev/null
psql_ "$PG_REPLICA" -c "SELECT pg_stat_statements_reset()" >/dev/null

# -- load, with the kills in the middle ------------------------------------------------------------------------
KILLS=$WORK/kills.jsonl
: >"$KILLS"
record_kill() { # record_kill WHAT NAME BEFORE AFTER PIDS
  printf '{"what": "%s", "name": "%s", "before": %s, "after": %s, "pids": [%s]}\n' "$1" "$2" "$3" "$4" "$5" >>"$KILLS"
}
log "load through nginx: ${DURATION} s, $WRITERS desk clients, $READERS readers"
$RUN load --url "http://127.0.0.1:$NGINX_PORT" --duration "$DURATION" --writers "$WRITERS" --readers "$READERS" \
  --tokens "$WORK/tokens.json" --agency "$AGENCY" --codes "${DEMO_CODES[@]}" --static-path "/static/${STATIC_FILE#./}" \
  --primary-dsn "$DATABASE_URL" --replica-dsn "$DATABASE_REPLICA_URL" --out "$WORK/load.json" &
LOAD_PID=$!
PIDS[load]=$LOAD_PID

sleep "$(awk -v d="$DURATION" 'BEGIN { print d * 0.3 }')"
master=${PIDS[web1]}
victims="$master $(ps -o pid= --ppid "$master" | xargs)"
before=$(now)
kill -KILL $victims
after=$(now)
record_kill web web1 "$before" "$after" "$(echo $victims | tr ' ' ',')"
log "SIGKILL web1: master and workers ($victims)"
sleep 5
start_web 1
printf '{"what": "restart", "name": "web1", "at": %s, "address": "127.0.0.1:%s"}\n' "$(now)" "${WEB_PORTS[0]}" >>"$KILLS"
log "web1 restarted (as systemd Restart=always would)"

# Kill worker 1 while it runs a delivery (its task RUNNING in the queue), or after 20 s of trying anyway.
deadline=$((SECONDS + 20))
while ((SECONDS < deadline)); do
  busy=$(psql_ "$PG_PRIMARY" -c "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status = 'RUNNING'
    AND worker_ids ? 'topology-w1' AND task_path LIKE '%deliver%'")
  [[ $busy != 0 ]] && break
  sleep 0.02
done
before=$(now)
kill -KILL "${PIDS[worker1]}"
after=$(now)
record_kill worker worker1 "$before" "$after" "${PIDS[worker1]}"
log "SIGKILL worker 1 (pid ${PIDS[worker1]}, running a delivery: $([[ $busy != 0 ]] && echo yes || echo no))"
sleep 2
start_worker 1 topology-w1b
printf '{"what": "restart", "name": "worker1", "at": %s}\n' "$(now)" >>"$KILLS"
log "worker 1 restarted: at start it requeues the deliveries the killed one held"

wait "$LOAD_PID" || die "the load client failed"
unset 'PIDS[load]'

# Drain. Every 30 s without progress, one recovery pass as deploy/systemd/motcua-recover.timer runs it: it
# requeues a delivery whose row was still locked by the dead worker's session when worker 1 restarted.
log "waiting for the outbox to drain (at most 180 s)"
deadline=$((SECONDS + 180))
last_change=$SECONDS
recovery_passes=0
previous=-1
while ((SECONDS < deadline)); do
  pending=$(psql_ "$PG_PRIMARY" -c "SELECT count(*) FROM integrations_delivery WHERE status <> 'sent'")
  [[ $pending == 0 ]] && break
  [[ $pending != "$previous" ]] && { previous=$pending; last_change=$SECONDS; }
  if ((SECONDS - last_change >= 30)); then
    log "no progress for 30 s ($pending pending): a recovery pass (motcua worker --batch)"
    "$MOTCUA" worker --batch --no-startup-delay --worker-id topology-recover >>"$WORK/recover.log" 2>&1
    recovery_passes=$((recovery_passes + 1))
    last_change=$SECONDS
  fi
  sleep 1
done
log "outbox: $pending message(s) not sent; collecting the evidence"

config=$(printf '{"retries": %s, "duration_s": %s, "writers": %s, "readers": %s, "web_processes": 2, "gunicorn_workers_each": 2, "task_workers": 2}' \
  "$([[ $RETRIES == 1 ]] && echo true || echo false)" "$DURATION" "$WRITERS" "$READERS")
$RUN collect --load "$WORK/load.json" --kills "$KILLS" --config "$config" \
  --portal-url "http://127.0.0.1:$PORTAL_PORT" --portal-token "$PORTAL_TOKEN" \
  --primary-dsn "$DATABASE_URL" --replica-dsn "$DATABASE_REPLICA_URL" --out "$WORK/evidence.json"
requeued=$(cat "$WORK"/worker*.log | awk '/Requeued [0-9]+ outbound/ { s += $2 } END { print s + 0 }')

set +e
"$PY" "$ROOT/deploy/topology_check.py" "$WORK/evidence.json" --summary "$WORK/summary.json"
rc=$?
set -e
"$PY" - "$WORK/summary.json" "$WORK/evidence.json" "$requeued" "$(psql_ "$PG_PRIMARY" -c 'SHOW server_version')" \
  "$recovery_passes" <<'EOF'
import json, os, platform, subprocess, sys
summary, evidence = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
summary["recovery"] = {
    "deliveries_requeued_at_worker_start": int(sys.argv[3]), "recovery_passes": int(sys.argv[5]),
}
summary["services"] = {
    "postgresql": sys.argv[4], "tasks_by_status": evidence["tasks_by_status"],
    "s3_objects": evidence["s3_objects"], "redis_keys": evidence["redis_keys"],
}
summary["machine"] = {"cpus": os.cpu_count(), "python": platform.python_version(), "kernel": platform.release()}
git = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
summary["git_head"] = git.stdout.strip()
json.dump(summary, open(sys.argv[1], "w"), indent=2, ensure_ascii=False)
EOF
if [[ -n ${TOPOLOGY_SUMMARY:-} ]]; then cp "$WORK/summary.json" "$TOPOLOGY_SUMMARY"; fi
if [[ $RECORD == 1 ]]; then
  mkdir -p "$ROOT/bench/results"
  cp "$WORK/summary.json" "$ROOT/bench/results/topology-$(date +%F).json"
  log "summary written to bench/results/topology-$(date +%F).json"
fi
exit "$rc"
