"""The worker runtime knows no domain: `mafqood worker` installs the application's builder of
its shared objects, every task name has its task, and without the builder a worker does not
start and a task fails at once."""

from __future__ import annotations

import subprocess
import sys

import pytest

from mafqood.composition import worker as composition
from mafqood.worker import app as worker_app
from mafqood.worker import runtime

TASK_NAMES = {
    value
    for name, value in vars(worker_app).items()
    if name.isupper() and isinstance(value, str) and value.startswith("mafqood.")
}


@pytest.fixture
def no_builder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runtime, "_builder", None)


def test_every_task_name_has_its_task_once_the_worker_loads_them() -> None:
    worker_app.app.loader.import_default_modules()
    registered = {name for name in worker_app.app.tasks if name.startswith("mafqood.")}
    assert registered == TASK_NAMES


@pytest.mark.usefixtures("no_builder")
def test_the_worker_command_installs_the_applications_builder() -> None:
    assert not runtime.installed()
    composition.install()
    assert runtime._builder is composition.build_worker_services


@pytest.mark.usefixtures("no_builder")
def test_a_task_without_the_builder_fails_at_once() -> None:
    worker_app.app.loader.import_default_modules()
    result = worker_app.app.tasks[worker_app.PING].apply(args=["test:no-builder"])
    assert result.failed()
    assert isinstance(result.result, runtime.NoBuilder)


def test_a_worker_without_the_builder_does_not_start() -> None:
    started = subprocess.run(
        [sys.executable, "-m", "celery", "-A", "mafqood.worker.app", "worker", "--pool", "solo"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert started.returncode != 0
    assert runtime.NO_BUILDER in started.stderr
