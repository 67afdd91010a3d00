"""environment.yml (conda) and pyproject.toml (pip) must install the same thing."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]


def pyproject() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text())


def environment() -> dict:
    return yaml.safe_load((REPO / "environment.yml").read_text())


def conda_deps() -> tuple[list[str], list[str]]:
    """(conda packages, pip requirements) of environment.yml."""
    conda, pip = [], []
    for dep in environment()["dependencies"]:
        if isinstance(dep, dict):
            pip += dep["pip"]
        else:
            conda.append(dep)
    return conda, pip


def normalise(requirement: str) -> str:
    """``Name >= 1`` and ``name>=1`` are the same requirement."""
    name, rest = re.match(r"\s*([A-Za-z0-9._-]+)\s*(.*)", requirement).groups()
    return re.sub(r"[-_.]+", "-", name).lower() + rest.replace(" ", "")


def test_pip_section_equals_pyproject_dependencies_and_test_extras():
    project = pyproject()["project"]
    expected = project["dependencies"] + project["optional-dependencies"]["test"]
    _, pip = conda_deps()
    requirements = [r for r in pip if not r.startswith("-e")]
    assert sorted(map(normalise, requirements)) == sorted(map(normalise, expected))
    assert len(set(map(normalise, requirements))) == len(requirements), "duplicate requirement"


def test_environment_installs_this_package():
    _, pip = conda_deps()
    assert "-e ." in pip


def test_conda_python_satisfies_requires_python():
    conda, _ = conda_deps()
    python = [d for d in conda if d.startswith("python")]
    assert len(python) == 1, conda
    version = tuple(int(v) for v in python[0].split("=")[-1].split(".")[:2])
    minimum = pyproject()["project"]["requires-python"].removeprefix(">=")
    assert version >= tuple(int(v) for v in minimum.split(".")[:2])
    assert "pip" in conda
