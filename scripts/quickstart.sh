#!/usr/bin/env bash
# Sets up a fresh clone and runs the main job without a cloud: the dev stack rendered offline, then
# started on this machine with a real nats-server and checked end to end.
set -euo pipefail
cd "$(dirname "$0")/.."
stack="${1:-dev}"

if [ -z "${NATS_SERVER_BIN:-}" ] && ! command -v nats-server >/dev/null 2>&1; then
  echo "==> installing nats-server (Debian package)"
  sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq nats-server >/dev/null
fi

echo "==> installing dependencies (npm ci)"
npm ci --no-audit --no-fund --loglevel=error

echo "==> rendering stack $stack offline"
npm run --silent render -- "$stack"

echo "==> starting stack $stack on this machine"
npm run --silent local -- "$stack" --smoke
