#!/bin/sh
# Start a private influxd on 127.0.0.1 (never Debian's all-interfaces default config).
# Usage: scripts/influxd.sh [--dir ./data/influxdb] [--port 8086]
cd "$(dirname "$0")/.." && exec node --import tsx scripts/influxd.ts "$@"
