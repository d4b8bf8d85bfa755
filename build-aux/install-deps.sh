#!/bin/sh
# Installs the Debian 12 packages Attest needs to build, test and run.
# Idempotent: packages already present are skipped; with nothing missing it
# does not touch apt at all.
set -eu

PACKAGES="
  build-essential pkg-config meson ninja-build gettext
  libglib2.0-dev libglib2.0-bin libgtk-4-dev libadwaita-1-dev
  libsqlite3-dev sqlite3 libjson-glib-dev libcurl4-openssl-dev
  libcairo2-dev libpoppler-glib-dev libxlsxwriter-dev libssl-dev
  libsecret-1-dev libsoup-3.0-dev
  xvfb xauth dbus-daemon dbus-x11 at-spi2-core
  desktop-file-utils appstream poppler-utils qpdf
  imagemagick time
"

missing=""
for p in $PACKAGES; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing="$missing $p"
  fi
done

if [ -z "$missing" ]; then
  echo "install-deps: all build and test dependencies are present"
  exit 0
fi

echo "install-deps: missing:$missing"
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
  else
    echo "install-deps: not root. Run this first, then retry:" >&2
    echo "  sudo apt-get install -y --no-install-recommends$missing" >&2
    exit 1
  fi
else
  SUDO=""
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing
