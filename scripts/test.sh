#!/usr/bin/env bash
# `npm test`: jest on the project's Node 24 (node_modules/.bin), whatever node runs npm.
# test/global-setup.ts starts Mongo and NATS unless MONGO_URL and NATS_URL are already set.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
exec jest "$@"
