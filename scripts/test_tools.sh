#!/usr/bin/env bash
# Programs the test suite needs besides Python packages, installed once when missing:
# - promtool (Debian package `prometheus`) checks and unit-tests the alert rules;
# - chromium and chromedriver (packages `chromium`, `chromium-driver`) run the staff
#   dashboard's browser tests;
# - fonts-noto-core, fonts-dejavu-core and libfribidi0 draw the made-up documents of the tests
#   of reading documents (Latin and Arabic faces, a monospaced face, Arabic shaping).
set -euo pipefail
packages=()
command -v promtool >/dev/null 2>&1 || packages+=(prometheus)
command -v chromium >/dev/null 2>&1 || packages+=(chromium)
command -v chromedriver >/dev/null 2>&1 || packages+=(chromium-driver)
[ -f /usr/share/fonts/truetype/noto/NotoNaskhArabic-Bold.ttf ] || packages+=(fonts-noto-core)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf ] || packages+=(fonts-dejavu-core)
ldconfig -p 2>/dev/null | grep -q libfribidi || packages+=(libfribidi0)
[ "${#packages[@]}" = 0 ] && exit 0
bash "$(dirname "$0")/apt_install.sh" "${packages[@]}"
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo -n"
# The prometheus package starts a server where an init system runs; the tests need only promtool.
$SUDO systemctl disable --now prometheus >/dev/null 2>&1 || true
