# Sourced by the setup scripts: install Debian/Ubuntu packages as root, or through sudo when it
# needs no password; otherwise say which packages are missing and stop.
install_debian_packages() {
    local sudo_cmd
    if [ "$(id -u)" = 0 ]; then
        sudo_cmd=""
    elif sudo -n true 2>/dev/null; then
        sudo_cmd="sudo -n"
    else
        echo "missing programs: install the Debian/Ubuntu packages $*" >&2
        exit 1
    fi
    echo "==> installing $*"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends \
        "$@" >/dev/null
}
