#!/usr/bin/env bash
# Programs the test suite needs besides Python packages: promtool (Debian package
# `prometheus`) checks and unit-tests the alert rules. Installed once when missing.
set -euo pipefail
command -v promtool >/dev/null 2>&1 && exit 0
if [ "$(id -u)" = 0 ]; then
    SUDO=""
elif sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
else
    echo "promtool is missing: install the Debian/Ubuntu package 'prometheus'" >&2
    exit 1
fi
echo "==> installing promtool (package prometheus)"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends prometheus \
    >/dev/null
# The package starts a Prometheus server where an init system runs; the tests need only promtool.
$SUDO systemctl disable --now prometheus >/dev/null 2>&1 || true
