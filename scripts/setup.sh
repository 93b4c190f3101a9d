#!/usr/bin/env bash
# Installs what hydromon needs on a fresh Debian machine: the system programs it drives (ffmpeg to
# decode streams, influxd for the InfluxDB tests and optional store, chromium for the browser tests)
# when they are missing, then the npm packages exactly as locked.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v ffmpeg >/dev/null 2>&1 || need+=(ffmpeg)
command -v influxd >/dev/null 2>&1 || need+=(influxdb)
[ -x /usr/bin/chromium ] || need+=(chromium)
if [ "${#need[@]}" -gt 0 ]; then
  echo "setup: installing Debian packages: ${need[*]}" >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
# The package's own init scripts may start influxd on every interface; hydromon never uses that one.
if command -v systemctl >/dev/null 2>&1; then systemctl disable --now influxdb >/dev/null 2>&1 || true; fi
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # onnxruntime-node ships its CPU binaries; its install script only fetches CUDA files, from
  # outside the npm registry (package.json's allowScripts already skips it on npm ≥ 11)
  ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund
fi
