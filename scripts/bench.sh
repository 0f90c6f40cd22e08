#!/usr/bin/env bash
# `npm run bench [name ...] [--flag ...]`: runs the benchmark scripts in bench/ (all of them, or the named
# ones) and prints their figures. Arguments starting with `-` (and the value after a `--flag value`) go to
# every named bench: `npm run bench redaction-quality -- --seed 4242`. Benchmarks need the local infrastructure; like `npm test`, they start it when
# MONGO_URL and NATS_URL are unset and stop it afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
export NODE_ENV="${NODE_ENV:-test}"
export LOG_LEVEL="${LOG_LEVEL:-warn}"
export JWT_SECRET_KEY="${JWT_SECRET_KEY:-bench-only-secret-0123456789abcdef0123456789abcdef}"

started=0
if [ -z "${MONGO_URL:-}" ] || [ -z "${NATS_URL:-}" ]; then
  dir="$(mktemp -d /tmp/docmill-bench-XXXXXX)"
  bash scripts/infra.sh up --memory --data-dir "$dir" >&2
  set -a; . "$dir/infra/infra.env"; set +a
  started=1
  trap 'bash scripts/infra.sh down --data-dir "$dir" >&2 || true; rm -rf "$dir"' EXIT
fi

names=(); flags=()
while [ "$#" -gt 0 ]; do
  case "$1" in
    --*=*) flags+=("$1") ;;
    -*) flags+=("$1"); if [ "$#" -gt 1 ] && [[ "$2" != -* ]] && [ ! -f "bench/${2%.ts}.ts" ]; then flags+=("$2"); shift; fi ;;
    *) names+=("$1") ;;
  esac
  shift
done
if [ "${#names[@]}" -gt 0 ]; then
  files=(); for n in "${names[@]}"; do files+=("bench/${n%.ts}.ts"); done
else
  files=(bench/*.ts)
fi
for f in "${files[@]}"; do
  [ -f "$f" ] || { echo "no such benchmark: $f (see bench/)" >&2; exit 2; }
  echo "=== $f"
  node --import tsx "$f" ${flags[@]+"${flags[@]}"}
done
