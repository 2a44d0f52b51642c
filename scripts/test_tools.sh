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
# shellcheck source=scripts/debian_packages.sh
source "$(dirname "$0")/debian_packages.sh"
install_debian_packages "${packages[@]}"
# The prometheus package starts a server where an init system runs; the tests need only promtool.
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo -n"
$SUDO systemctl disable --now prometheus >/dev/null 2>&1 || true
