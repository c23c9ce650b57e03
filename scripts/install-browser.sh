#!/usr/bin/env bash
# Installs the system packages the tests use: Debian's Chromium (Playwright journeys), the Noto fonts
# (Vietnamese text in PDFs), poppler-utils (PDF checks), zbar-tools (reading the receipt's QR code back) and
# nginx-light (the proxy of the many-machines topology test, tests/test_topology.py).
# Never runs `playwright install`: browsers come from the distribution, not from a download.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
for package in fonts-noto-core poppler-utils zbar-tools nginx-light; do
  dpkg -s "$package" >/dev/null 2>&1 || need+=("$package")
done
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" != 0 ]; then
  echo "Run as root (or: sudo apt-get install -y ${need[*]}) to enable the browser journeys." >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
