"""One small build for the explorer's tests: every run the page reads, trained on the quick
overlay (a few seconds), and the page written from them with a hand-made replication table."""

from __future__ import annotations

import pytest

from tms.core.config import load_config
from tms.core.experiments import Experiment
from tms.core.io import load_run, save_run
from tms.core.running import run_experiment
from tms.explorer import EXPERIMENTS, write_explorer

from ..conftest import REPO

# two claims of two figures: one held and required, one not held with a study verdict
CLAIMS = [
    {
        "id": "C0.1",
        "figure": "intro",
        "statement": "Density 1: two orthogonal features.",
        "expected": "|cos| < 0.1",
        "measured": {"cos01": 0.01},
        "tolerance": "0.1",
        "status": "held",
        "required": True,
    },
    {
        "id": "C7.1",
        "figure": "phase_diagram",
        "statement": "The trained grid matches the closed-form map.",
        "expected": "≥ 90% of cells",
        "measured": 0.8,
        "tolerance": "10%",
        "status": "not held",
        "required": False,
        "seeds": {"held": 0, "of": 3},
        "verdict": "not replicated",
        "verdict_text": "held on 0 of 3 seeds",
    },
]


@pytest.fixture(scope="session")
def runs_dir(tmp_path_factory):
    """The quick overlay's runs of every experiment the page shows, saved as artefacts."""
    config = load_config(REPO / "config" / "config.yaml", REPO / "config" / "quick.yaml")
    root = tmp_path_factory.mktemp("runs")
    for name in EXPERIMENTS:
        tensors, meta = run_experiment(Experiment.from_config(name, config), device="cpu")
        save_run(root / name, tensors, meta)
    return root


@pytest.fixture(scope="session")
def runs(runs_dir):
    return {name: load_run(runs_dir / name) for name in EXPERIMENTS}


@pytest.fixture(scope="session")
def page(runs, tmp_path_factory):
    """The written page's path."""
    path = tmp_path_factory.mktemp("explorer") / "explorer.html"
    write_explorer(path, runs, CLAIMS)
    return path
