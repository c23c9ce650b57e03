#!/usr/bin/env bash
# Installs Debian's Chromium (for the Playwright journeys) and the Noto fonts (Vietnamese text).
# Never runs `playwright install`: browsers come from the distribution, not from a download.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
dpkg -s fonts-noto-core >/dev/null 2>&1 || need+=(fonts-noto-core)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" != 0 ]; then
  echo "Run as root (or: sudo apt-get install -y ${need[*]}) to enable the browser journeys." >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
