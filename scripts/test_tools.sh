#!/usr/bin/env bash
# Programs the test suite needs besides Python packages, installed once when missing:
# - promtool (Debian package `prometheus`) checks and unit-tests the alert rules;
# - chromium and chromedriver (packages `chromium`, `chromium-driver`) run the staff
#   dashboard's browser tests.
set -euo pipefail
packages=()
command -v promtool >/dev/null 2>&1 || packages+=(prometheus)
command -v chromium >/dev/null 2>&1 || packages+=(chromium)
command -v chromedriver >/dev/null 2>&1 || packages+=(chromium-driver)
[ "${#packages[@]}" = 0 ] && exit 0
if [ "$(id -u)" = 0 ]; then
    SUDO=""
elif sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
else
    echo "missing programs: install the Debian/Ubuntu packages ${packages[*]}" >&2
    exit 1
fi
echo "==> installing ${packages[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    "${packages[@]}" >/dev/null
# The prometheus package starts a server where an init system runs; the tests need only promtool.
$SUDO systemctl disable --now prometheus >/dev/null 2>&1 || true
