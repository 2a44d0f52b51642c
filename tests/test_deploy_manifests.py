"""The deployment files (deploy/) are checked without Docker or a cluster: the compose file
against the Compose specification, the manifests against the Kubernetes API schemas, and the
things schemas cannot see (references between services, setting names, the spec's probes and
resources, a non-root image)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from mafqood.core.config import Settings

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
MANIFESTS = sorted((DEPLOY / "k8s").glob("*.yaml"))
SETTINGS = {name.upper() for name in Settings.model_fields}
# Read by prometheus_client, not by Settings.
OTHER_ENV = {"PROMETHEUS_MULTIPROC_DIR"}


def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())
    return data


def test_compose_file_matches_the_compose_specification() -> None:
    checker = Path(sys.executable).parent / "check-jsonschema"
    result = subprocess.run(
        [
            str(checker),
            "--builtin-schema",
            "vendor.compose-spec",
            str(DEPLOY / "docker-compose.yml"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_has_every_part_and_consistent_references() -> None:
    services = compose()["services"]
    assert {"api", "worker", "vision-worker", "beat", "db", "redis", "minio", "nginx"} <= set(
        services
    )
    assert services["db"]["image"].startswith("pgvector/pgvector:")
    for name, service in services.items():
        for dependency in service.get("depends_on", {}):
            assert dependency in services, f"{name} depends on unknown {dependency}"
    app_services = [
        services[name] for name in ("api", "worker", "vision-worker", "beat", "migrate")
    ]
    assert len({service["image"] for service in app_services}) == 1
    for service in app_services:
        unknown = set(service["environment"]) - SETTINGS - OTHER_ENV
        assert not unknown, f"not settings: {unknown}"
    assert services["worker"]["command"][:2] == ["mafqood", "worker"]
    assert services["vision-worker"]["command"][:4] == ["mafqood", "worker", "--queues", "vision"]
    assert services["beat"]["command"][:2] == ["mafqood", "beat"]
    nginx_volumes = services["nginx"]["volumes"]
    assert any(volume.startswith("./nginx.conf:") for volume in nginx_volumes)


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda path: path.name)
@pytest.mark.parametrize("version", ["1.30.0", "1.37.0"])
def test_manifests_match_the_kubernetes_schemas(path: Path, version: str) -> None:
    for document in yaml.safe_load_all(path.read_text()):
        kubernetes_validate.validate(document, version, strict=True)


def manifest(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((DEPLOY / "k8s" / name).read_text())
    return data


def test_api_deployment_has_the_spec_probes_and_resources() -> None:
    deployment = manifest("api-deployment.yaml")
    assert deployment["spec"]["replicas"] == 3
    [container] = deployment["spec"]["template"]["spec"]["containers"]
    assert container["resources"] == {
        "requests": {"memory": "512Mi", "cpu": "500m"},
        "limits": {"memory": "1Gi", "cpu": "1000m"},
    }
    assert container["livenessProbe"] == {
        "httpGet": {"path": "/health", "port": 8000},
        "initialDelaySeconds": 30,
        "periodSeconds": 10,
    }
    assert container["readinessProbe"] == {
        "httpGet": {"path": "/health", "port": 8000},
        "initialDelaySeconds": 5,
        "periodSeconds": 5,
    }


def test_manifests_use_real_settings_and_secrets_and_run_as_non_root() -> None:
    config = manifest("configmap.yaml")["data"]
    assert set(config) - SETTINGS - OTHER_ENV == set()
    secret_keys = set(manifest("secret.example.yaml")["stringData"])
    deployments = ("api", "worker", "vision-worker", "beat")
    for name in (f"{deployment}-deployment.yaml" for deployment in deployments):
        spec = manifest(name)["spec"]["template"]["spec"]
        assert spec["securityContext"]["runAsNonRoot"] is True
        for container in spec["containers"]:
            for variable in container.get("env", []):
                assert variable["name"] in SETTINGS, variable["name"]
                if "valueFrom" in variable:
                    assert variable["valueFrom"]["secretKeyRef"]["key"] in secret_keys
    assert manifest("beat-deployment.yaml")["spec"]["replicas"] == 1
    vision = manifest("vision-worker-deployment.yaml")["spec"]["template"]["spec"]
    assert vision["containers"][0]["args"][:4] == ["mafqood", "worker", "--queues", "vision"]
    assert manifest("vision-worker-hpa.yaml")["spec"]["scaleTargetRef"]["name"] == (
        "mafqood-vision-worker"
    )


def test_dockerfile_is_multi_stage_non_root_with_models_prepared_at_build() -> None:
    text = (DEPLOY / "Dockerfile").read_text()
    stages = re.split(r"^FROM ", text, flags=re.MULTILINE)[1:]
    assert len(stages) == 2
    build, runtime = stages
    assert "mafqood prepare-models" in build and ".[models]" in build
    assert "torch" not in runtime and ".[models]" not in runtime
    users = re.findall(r"^USER (\S+)", runtime, flags=re.MULTILINE)
    assert users and users[-1].split(":")[0] not in ("0", "root")
    assert "HEALTHCHECK" in runtime and "COPY --from=build" in runtime
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".git", ".venv", ".data"} <= set(ignored)


def test_nginx_config_limits_bodies_blocks_metrics_and_speaks_tls13_only() -> None:
    text = (DEPLOY / "nginx.conf").read_text()
    size = re.search(r"client_max_body_size (\d+)m;", text)
    assert size and int(size.group(1)) * 2**20 > Settings.model_fields["max_upload_bytes"].default
    # A desk's intake of several photos has a location of its own with room for them.
    intake = re.search(r"location ~ \^/\(api/v1/\(lost.*?client_max_body_size (\d+)m;", text, re.S)
    assert (
        intake and int(intake.group(1)) * 2**20 > Settings.model_fields["intake_max_bytes"].default
    )
    assert "ssl_protocols TLSv1.3;" in text
    assert re.search(r"location = /metrics \{\s*return 404;", text)
    assert "proxy_add_x_forwarded_for" in text
