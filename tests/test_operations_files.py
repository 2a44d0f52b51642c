"""The operator's files, checked offline: the CI/CD workflow against GitHub's workflow schema,
the alert rules with promtool (syntax and unit tests on made-up series), and the Grafana
dashboards against the metrics the service really serves."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / ".github" / "workflows" / "ci.yml"
RULES = ROOT / "deploy" / "prometheus"
DASHBOARDS = sorted((ROOT / "deploy" / "grafana" / "dashboards").glob("*.json"))
PROMQL_WORDS = {
    "sum", "max", "min", "by", "rate", "increase", "delta", "histogram_quantile", "le", "on",
}  # fmt: skip


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, check=False)


def test_the_workflow_matches_githubs_schema_and_keeps_secrets_out() -> None:
    checker = Path(sys.executable).parent / "check-jsonschema"
    result = _run(str(checker), "--builtin-schema", "vendor.github-workflows", str(WORKFLOW))
    assert result.returncode == 0, result.stdout + result.stderr
    workflow = yaml.safe_load(WORKFLOW.read_text())
    jobs = workflow["jobs"]
    assert {"test", "lint", "audit", "deploy"} <= set(jobs)
    steps = [step.get("run", "") for step in jobs["test"]["steps"]]
    assert "make test" in steps
    assert any("make lint" in step.get("run", "") for step in jobs["lint"]["steps"])
    assert any("pip-audit" in step.get("run", "") for step in jobs["audit"]["steps"])
    assert set(jobs["deploy"]["needs"]) == {"test", "lint", "audit"}
    assert "refs/heads/main" in jobs["deploy"]["if"]
    text = WORKFLOW.read_text()
    # Credentials only ever come from the repository's secrets.
    for name in ("REGISTRY_PASSWORD", "KUBE_CONFIG"):
        assert f"secrets.{name}" in text
    assert not re.search(r"(password|token)\s*:\s*[\"']?[A-Za-z0-9]{8,}", text, re.IGNORECASE)


def _promtool() -> str:
    found = shutil.which("promtool")
    assert found, "promtool is missing: `make test` installs it (scripts/test_tools.sh)"
    return found


def test_alert_rules_are_valid_and_fire_on_made_up_series() -> None:
    checked = _run(_promtool(), "check", "rules", str(RULES / "alerts.yml"))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    tested = _run(_promtool(), "test", "rules", str(RULES / "alerts_test.yml"))
    assert tested.returncode == 0, tested.stdout + tested.stderr
    alerts = {
        rule["alert"]
        for group in yaml.safe_load((RULES / "alerts.yml").read_text())["groups"]
        for rule in group["rules"]
    }
    # The spec's thresholds, and a report waiting too long for its analysis.
    assert {
        "MafqoodSlowResponses",
        "MafqoodErrorRate",
        "MafqoodDatabaseDown",
        "MafqoodQueueBacklog",
        "MafqoodStorageFull",
        "MafqoodAnalysisWaiting",
    } <= alerts


def _expressions(dashboard: dict[str, Any]) -> list[str]:
    return [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]


def _metric_names(expression: str) -> set[str]:
    without_labels = re.sub(r"\{[^}]*\}", "", expression)
    without_strings = re.sub(r'"[^"]*"', "", without_labels)
    names = set(re.findall(r"[a-zA-Z_:][a-zA-Z0-9_:]*", without_strings))
    return {
        re.sub(r"_(bucket|sum|count)$", "", name)
        for name in names
        if name not in PROMQL_WORDS and not re.fullmatch(r"\d+[smhd]?", name) and ("_" in name)
    }


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda path: path.stem)
async def test_dashboards_use_only_metrics_the_service_serves(
    path: Path, client: httpx.AsyncClient
) -> None:
    dashboard = json.loads(path.read_text())
    assert dashboard["uid"].startswith("mafqood-") and dashboard["panels"]
    served = set(re.findall(r"^# TYPE (\S+)", (await client.get("/metrics")).text, re.M))
    used = set().union(*(_metric_names(expression) for expression in _expressions(dashboard)))
    assert used, path.name
    assert used - served == set(), path.name


def test_grafana_provisioning_points_at_the_dashboards() -> None:
    provisioning = ROOT / "deploy" / "grafana" / "provisioning"
    providers = yaml.safe_load((provisioning / "dashboards.yml").read_text())["providers"]
    assert providers[0]["type"] == "file"
    sources = yaml.safe_load((provisioning / "datasources.yml").read_text())["datasources"]
    assert sources[0]["type"] == "prometheus"
    assert len(DASHBOARDS) == 5
