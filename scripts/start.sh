#!/usr/bin/env bash
# `npm start`: docmill on the embedded default, one process with every service. When MONGO_URL and
# NATS_URL are unset it brings up the local infrastructure (scripts/infra.sh) under the data directory,
# keeping data across restarts, and stops what it started when docmill exits.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
export DOCMILL_DATA_DIR="${DOCMILL_DATA_DIR:-$PWD/.data}"
mkdir -p "$DOCMILL_DATA_DIR"

if [ ! -x node_modules/.bin/tsx ]; then
  echo "Installing npm packages (first run)..." >&2
  npm ci --no-audit --no-fund >&2
fi

# The web app under /app/ is served from its built files; build them once on a fresh clone.
if [ ! -f web/dist/index.html ]; then
  echo "Building the web app (first run)..." >&2
  npm run --silent build:web >&2
fi

started_infra=0
if [ -z "${MONGO_URL:-}" ] || [ -z "${NATS_URL:-}" ]; then
  bash scripts/infra.sh up --data-dir "$DOCMILL_DATA_DIR" >&2
  # shellcheck disable=SC1091
  set -a; . "$DOCMILL_DATA_DIR/infra/infra.env"; set +a
  started_infra=1
fi

# A development secret that survives restarts, so sign-ins stay valid; production sets its own.
if [ -z "${JWT_SECRET_KEY:-}" ]; then
  secret_file="$DOCMILL_DATA_DIR/jwt-secret"
  if [ ! -s "$secret_file" ]; then
    (umask 077; node -e 'process.stdout.write(require("crypto").randomBytes(32).toString("hex"))' > "$secret_file")
  fi
  JWT_SECRET_KEY="$(cat "$secret_file")"
  export JWT_SECRET_KEY
fi

cleanup() {
  if [ "$started_infra" = 1 ] && [ "${DOCMILL_KEEP_INFRA:-0}" != 1 ]; then
    bash scripts/infra.sh down --data-dir "$DOCMILL_DATA_DIR" >&2 || true
  fi
}
trap cleanup EXIT
trap 'kill -TERM "$child" 2>/dev/null; wait "$child"; exit $?' TERM INT

node --import tsx scripts/docmill.ts start "$@" &
child=$!
wait "$child"
