#!/usr/bin/env bash
# Checks the deployment files (deploy/) with the tools that run without Docker or a cluster:
#   - docker-compose.yml against the Compose specification's JSON schema (check-jsonschema);
#   - every Kubernetes manifest against the API schemas of two Kubernetes versions
#     (kubernetes-validate, strict: unknown fields are errors);
#   - cross-references and settings names (tests/test_deploy_manifests.py);
#   - nginx.conf with `nginx -t` when nginx is installed (upstream hosts pointed at loopback and a
#     throw-away self-signed certificate, since neither the containers nor the real certificate
#     exist here).
# What it cannot do: build the image or start the containers (no Docker here), or apply the
# manifests to a cluster. See docs/operations.md.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

echo "==> deploy/docker-compose.yml against the Compose specification"
"$BIN/check-jsonschema" --builtin-schema vendor.compose-spec deploy/docker-compose.yml

for version in 1.30.0 1.37.0; do
    echo "==> deploy/k8s/*.yaml against Kubernetes $version (strict)"
    "$BIN/kubernetes-validate" --strict --quiet -k "$version" deploy/k8s/*.yaml
    echo "ok"
done

echo "==> cross-references, settings names, Dockerfile rules"
"$BIN/python" -m pytest -q -p no:cacheprovider tests/test_deploy_manifests.py

echo "==> deploy/nginx.conf with nginx -t"
if command -v nginx >/dev/null 2>&1; then
    work="$(mktemp -d)"
    trap 'rm -rf "$work"' EXIT
    openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=localhost" \
        -keyout "$work/privkey.pem" -out "$work/fullchain.pem" >/dev/null 2>&1
    sed -e "s#server api:8000#server 127.0.0.1:8000#; s#server minio:9000#server 127.0.0.1:9000#" \
        -e "s#/etc/nginx/ssl/#$work/#g" deploy/nginx.conf > "$work/nginx.conf"
    nginx -t -q -c "$work/nginx.conf" -p "$work" -g "error_log stderr;"
    echo "ok ($(nginx -v 2>&1))"
else
    echo "skipped: nginx is not installed (apt-get install nginx-light)"
fi
echo "all deployment checks passed"
