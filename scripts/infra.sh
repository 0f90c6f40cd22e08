#!/usr/bin/env bash
# Local infrastructure for docmill: NATS with JetStream and a MongoDB-protocol server
# (mongo-java-server, see scripts/mongo/Launcher.java). Installs what is missing, starts both on
# loopback, and records PIDs and URLs so later calls (and `down`) act on exactly these processes.
#
#   scripts/infra.sh up|down|status|env [--memory] [--data-dir DIR]
#                    [--mongo-port N] [--nats-port N] [--owner-pid PID]
#
#   up          start both (idempotent: if the recorded processes are alive, just print the env)
#   down        stop the recorded processes (SIGTERM, SIGKILL after 10 s)
#   status      say what runs; exit 0 only if both do
#   env         print <data>/infra/infra.env (MONGO_URL=..., NATS_URL=...)
#   classpath   print the Mongo launcher's Java class path (resolving it first if needed)
#   --memory    Mongo keeps data in memory only (tests); default is an H2 file in <data>/mongo
#   --data-dir  default ${DOCMILL_DATA_DIR:-$PWD/.data}
#   --*-port    0 = any free port; default 27017 / 4222 when free, otherwise any free port
#   --owner-pid stop everything once that process is gone (a crashed test run leaks nothing)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
POM="$ROOT/scripts/mongo/pom.xml"
LAUNCHER="$ROOT/scripts/mongo/Launcher.java"
HOST=127.0.0.1
START_TIMEOUT=30
STOP_TIMEOUT=10

usage() {
  sed -n '6,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

log() { printf 'infra: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

cmd="${1:-}"
[ -n "$cmd" ] || usage
shift
memory=0
data_dir="${DOCMILL_DATA_DIR:-$PWD/.data}"
mongo_port=""
nats_port=""
owner_pid=""
while [ $# -gt 0 ]; do
  case "$1" in
    --memory) memory=1 ;;
    --data-dir) [ $# -ge 2 ] || usage; data_dir="$2"; shift ;;
    --data-dir=*) data_dir="${1#*=}" ;;
    --mongo-port) [ $# -ge 2 ] || usage; mongo_port="$2"; shift ;;
    --nats-port) [ $# -ge 2 ] || usage; nats_port="$2"; shift ;;
    --owner-pid) [ $# -ge 2 ] || usage; owner_pid="$2"; shift ;;
    -h|--help) usage ;;
    *) log "unknown option: $1"; usage ;;
  esac
  shift
done

data_dir="$(realpath -m "$data_dir")" # absolute: recorded paths must not depend on the caller's cwd
state="$data_dir/infra"
env_file="$state/infra.env"

# --- process helpers ---------------------------------------------------------------------------

# A recorded PID counts only if that process is still the one we started: PIDs get reused.
pid_alive() { # <pidfile> <pattern in its command line>
  local pid
  [ -s "$1" ] || return 1
  pid="$(cat "$1")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$2"
}

port_open() { timeout 1 bash -c "exec 3<>/dev/tcp/$HOST/$1" 2>/dev/null; }

stop_pid() { # <pidfile> <name> <pattern>
  local pid i
  if ! pid_alive "$1" "$3"; then rm -f "$1"; return 0; fi
  pid="$(cat "$1")"
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < STOP_TIMEOUT * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "$2 (pid $pid) ignored SIGTERM for ${STOP_TIMEOUT}s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -f "$1"
  log "stopped $2 (pid $pid)"
}

# --- installation ------------------------------------------------------------------------------

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi; }

ensure_nats() {
  command -v nats-server >/dev/null 2>&1 && return 0
  log "installing nats-server from apt"
  # The lock serialises with other apt users on the machine (CI steps, parallel setups).
  as_root flock /tmp/apt.lock bash -c '
    command -v nats-server >/dev/null 2>&1 && exit 0
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq nats-server >/dev/null' \
    || die "could not install nats-server (apt-get install -y nats-server)"
  command -v nats-server >/dev/null 2>&1 || die "nats-server still missing after install"
}

# Prints the mongo-java-server class path. Cached per pom hash in .infra/ and in the user's cache
# dir (so a fresh clone on a warm machine skips Maven's ~15 s start); Maven's own cache is ~/.m2.
mongo_classpath() {
  command -v java >/dev/null 2>&1 || die "java (17+) is required for the Mongo server"
  local hash cache user_cache tmp
  hash="$(sha256sum "$POM" | cut -c1-16)"
  cache="$ROOT/.infra/mongo-classpath-$hash.txt"
  user_cache="${XDG_CACHE_HOME:-$HOME/.cache}/docmill/mongo-classpath-$hash.txt"
  if [ -s "$cache" ] && cache_complete "$cache"; then cat "$cache"; return 0; fi
  mkdir -p "$ROOT/.infra"
  if [ -s "$user_cache" ] && cache_complete "$user_cache"; then
    cp -f "$user_cache" "$cache.$$" && mv -f "$cache.$$" "$cache"
    cat "$cache"
    return 0
  fi
  command -v mvn >/dev/null 2>&1 || die "maven (mvn) is required to fetch mongo-java-server"
  tmp="$(mktemp "$ROOT/.infra/classpath.XXXXXX")"
  log "resolving mongo-java-server with maven (first run only)"
  if ! mvn -q -B -f "$POM" dependency:build-classpath -Dmdep.outputFile="$tmp" >"$tmp.log" 2>&1; then
    tail -n 30 "$tmp.log" >&2
    rm -f "$tmp" "$tmp.log"
    die "maven could not resolve $POM"
  fi
  rm -f "$tmp.log"
  # Copies then renames: concurrent callers never read half a file.
  if mkdir -p "$(dirname "$user_cache")" 2>/dev/null && cp -f "$tmp" "$user_cache.$$" 2>/dev/null; then
    mv -f "$user_cache.$$" "$user_cache"
  fi
  mv -f "$tmp" "$cache"
  cat "$cache"
}

cache_complete() { # every jar still in ~/.m2 (a cleared Maven cache invalidates ours)
  local jar
  IFS=: read -r -a jars <"$1"
  for jar in "${jars[@]}"; do [ -f "$jar" ] || return 1; done
}

# --- start -------------------------------------------------------------------------------------

# Port to ask for: an explicit one, the default when nothing listens there, else 0 (kernel picks).
choose_port() { # <requested or ""> <default>
  if [ -n "$1" ]; then echo "$1"; elif port_open "$2"; then echo 0; else echo "$2"; fi
}

# Starts a server detached (its own session: it outlives this script and the caller's Ctrl-C
# does not reach it), then waits until it listens. Prints the port it listens on.
# The port counts only once the server's own log says it bound it: something else listening on
# the port must never pass for our server.
start_server() { # <name> <pidfile> <logfile> <"listening" regex ending in the port> <requested port> -- cmd...
  local name="$1" pidfile="$2" logfile="$3" regex="$4" want="$5" pid port="" i
  shift 6
  if [ "$want" != 0 ] && port_open "$want"; then
    log "$name: port $want is already in use"
    return 1
  fi
  : >"$logfile"
  setsid "$@" </dev/null >>"$logfile" 2>&1 &
  pid=$!
  echo "$pid" >"$pidfile"
  for ((i = 0; i < START_TIMEOUT * 10; i++)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      log "$name exited during start-up; last lines of $logfile:"
      tail -n 30 "$logfile" >&2
      rm -f "$pidfile"
      return 1
    fi
    [ -n "$port" ] || port="$(grep -oE "$regex" "$logfile" | head -n1 | grep -oE '[0-9]+$' || true)"
    if [ -n "$port" ] && port_open "$port" && kill -0 "$pid" 2>/dev/null; then
      echo "$port"
      return 0
    fi
    sleep 0.1
  done
  log "$name did not accept connections within ${START_TIMEOUT}s; last lines of $logfile:"
  tail -n 30 "$logfile" >&2
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$pidfile"
  return 1
}

start_watchdog() { # <owner pid>
  # A plain loop rather than a signal trap: the owner may die by SIGKILL.
  setsid bash -c '
    while kill -0 "$1" 2>/dev/null; do sleep 1; done
    exec bash "$2" down --data-dir "$3"' docmill-infra-watchdog "$1" "${BASH_SOURCE[0]}" "$data_dir" \
    </dev/null >>"$state/watchdog.log" 2>&1 &
  echo $! >"$state/watchdog.pid"
}

start_nats() { # <port, 0 = any>
  # nats-server spells "any free port" as -1; the real one is read from its log.
  start_server nats "$state/nats.pid" "$state/nats.log" \
    'Listening for client connections on [0-9.]+:[0-9]+' "$1" -- \
    nats-server -js -sd "$data_dir/nats" -a "$HOST" -p "$([ "$1" = 0 ] && echo -1 || echo "$1")"
}

start_mongo() { # <port, 0 = any>; uses $cp and $mongo_args from cmd_up
  start_server mongo "$state/mongo.pid" "$state/mongo.log" \
    'docmill-mongo listening on [0-9.]+:[0-9]+' "$1" -- \
    java ${DOCMILL_MONGO_JAVA_OPTS:--XX:+UseSerialGC} \
    -cp "$cp" "$LAUNCHER" "$HOST" "$1" ${mongo_args[@]+"${mongo_args[@]}"}
}

cp=""
mongo_args=()
cmd_up() {
  mkdir -p "$state"
  local nats_ok=0 mongo_ok=0
  pid_alive "$state/nats.pid" nats-server && nats_ok=1
  pid_alive "$state/mongo.pid" Launcher.java && mongo_ok=1
  if [ "$nats_ok" = 1 ] && [ "$mongo_ok" = 1 ] && [ -s "$env_file" ]; then
    log "already running (data dir $data_dir)"
    cat "$env_file"
    return 0
  fi
  # Half up (one died, or the env file is gone): restart both so the env file is exact.
  if [ "$nats_ok" = 1 ] || [ "$mongo_ok" = 1 ]; then cmd_down_quiet; fi

  ensure_nats
  local np mp
  cp="$(mongo_classpath)"
  mkdir -p "$data_dir/nats"

  np="$(start_nats "$(choose_port "$nats_port" 4222)")" \
    || { [ -z "$nats_port" ] && np="$(start_nats 0)"; } \
    || die "NATS failed to start"

  if [ "$memory" = 1 ]; then
    mongo_args=()
  else
    mkdir -p "$data_dir/mongo"
    mongo_args=("$data_dir/mongo/docmill.h2")
  fi
  # A default port taken between the check and the bind: retry once on any free port.
  mp="$(start_mongo "$(choose_port "$mongo_port" 27017)")" \
    || { [ -z "$mongo_port" ] && mp="$(start_mongo 0)"; } \
    || { stop_pid "$state/nats.pid" nats nats-server; die "Mongo failed to start"; }

  {
    echo "MONGO_URL=mongodb://$HOST:$mp/docmill"
    echo "NATS_URL=nats://$HOST:$np"
  } >"$env_file.tmp"
  mv -f "$env_file.tmp" "$env_file"

  if [ -n "$owner_pid" ]; then start_watchdog "$owner_pid"; fi
  log "up (data dir $data_dir, mongo $([ "$memory" = 1 ] && echo memory || echo h2), logs in $state)"
  cat "$env_file"
}

cmd_down_quiet() {
  stop_pid "$state/mongo.pid" mongo Launcher.java
  stop_pid "$state/nats.pid" nats nats-server
  rm -f "$env_file"
}

cmd_down() {
  [ -d "$state" ] || { log "nothing recorded in $state"; return 0; }
  cmd_down_quiet
  # Last, and not when the watchdog itself runs us (it execs this script): it ends with us.
  if [ -s "$state/watchdog.pid" ] && [ "$(cat "$state/watchdog.pid")" != "$$" ] \
    && pid_alive "$state/watchdog.pid" docmill-infra-watchdog; then
    kill -TERM "$(cat "$state/watchdog.pid")" 2>/dev/null || true
  fi
  rm -f "$state/watchdog.pid"
}

cmd_status() {
  local ok=0 url
  if pid_alive "$state/nats.pid" nats-server; then
    url="$(grep '^NATS_URL=' "$env_file" 2>/dev/null | cut -d= -f2- || true)"
    echo "nats:  running (pid $(cat "$state/nats.pid")) ${url}"
  else
    echo "nats:  stopped"; ok=1
  fi
  if pid_alive "$state/mongo.pid" Launcher.java; then
    url="$(grep '^MONGO_URL=' "$env_file" 2>/dev/null | cut -d= -f2- || true)"
    echo "mongo: running (pid $(cat "$state/mongo.pid")) ${url}"
  else
    echo "mongo: stopped"; ok=1
  fi
  return "$ok"
}

cmd_env() {
  [ -s "$env_file" ] || die "not running: no $env_file (run: scripts/infra.sh up)"
  cat "$env_file"
}

case "$cmd" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  env) cmd_env ;;
  classpath) mongo_classpath; echo ;;
  *) usage ;;
esac
