#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages named as arguments (as root, or through sudo without a
# password); says which to install by hand when neither is possible.
set -euo pipefail
[ "$#" = 0 ] && exit 0
if [ "$(id -u)" = 0 ]; then
    SUDO=""
elif sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
else
    echo "missing programs: install the Debian/Ubuntu packages $*" >&2
    exit 1
fi
echo "==> installing $*"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$@" >/dev/null
