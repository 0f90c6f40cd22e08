# syntax=docker/dockerfile:1
# Multi-stage image for every docmill process (gateway, core services, workers): one image, the
# process's role is chosen by its command and SERVICES. Runs the same TypeScript entry point (via tsx)
# that the tests exercise, so what is tested is what ships.

FROM node:24-bookworm-slim AS deps
WORKDIR /app
ENV npm_config_update_notifier=false
COPY package.json package-lock.json ./
# Production dependencies only; native modules (bcrypt, sharp, @napi-rs/canvas) ship prebuilt binaries.
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:24-bookworm-slim AS check
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# The image is not built unless the code type-checks; the web app is built into web/dist.
RUN npx tsc --noEmit -p tsconfig.json && npm run build:web

FROM node:24-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    LOG_FORMAT=json \
    PORT=3000
# tesseract-ocr-eng/-hin/-osd bring Debian's tessdata "fast" models, which OCR reads first
# (DOCMILL_TESSDATA_DIR, sdk/pdf: the same models native tesseract uses; npm ships only best_int).
RUN apt-get update && apt-get install -y --no-install-recommends tini tesseract-ocr-eng tesseract-ocr-hin tesseract-ocr-osd && rm -rf /var/lib/apt/lists/*
COPY --from=deps /app/node_modules ./node_modules
COPY --from=check /app/package.json /app/moleculer.config.ts /app/tsconfig.json ./
COPY --from=check /app/kernel ./kernel
COPY --from=check /app/sdk ./sdk
COPY --from=check /app/apis ./apis
COPY --from=check /app/shared ./shared
COPY --from=check /app/cli ./cli
COPY --from=check /app/services ./services
COPY --from=check /app/plugins ./plugins
COPY --from=check /app/scripts ./scripts
COPY --from=check /app/web/dist ./web/dist
# Local state (the audit spool, docs/audit.md) lives in /data, a volume in docker-compose.yml; it must be
# the node user's, as /app is not writable.
RUN mkdir -p /data && chown node:node /data
ENV DOCMILL_DATA_DIR=/data
USER node
EXPOSE 3000
ENTRYPOINT ["/usr/bin/tini", "--", "node", "--import", "tsx", "scripts/docmill.ts"]
CMD ["start"]
