#!/usr/bin/env bash
# Installs the Debian packages the project needs that pip and npm cannot provide.
#   scripts/system-packages.sh runtime   WeasyPrint's libraries and a font (PDF reports)
#   scripts/system-packages.sh test      the above plus Chromium for the browser tests
# Installs only what is missing. Without root or apt-get it prints what to install and carries
# on: the tests that need a missing piece then skip with the reason (or fail under CI).
set -euo pipefail

packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core)
if [ "${1:-runtime}" = "test" ]; then
  packages+=(chromium)
fi

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "Installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "Missing system packages (install them as root): ${missing[*]}" >&2
fi
