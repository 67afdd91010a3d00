"""tms.plots: every registered figure renders to a PDF from tiny real runs, atomically."""

from __future__ import annotations

import dataclasses

import matplotlib
import pytest
import torch

from tms.analysis.sae_benchmark import score_run
from tms.core.experiments import Experiment
from tms.core.io import Run
from tms.core.running import run_experiment
from tms.core.sae_benchmark import train_benchmark
from tms.core.sae_training import run_sae
from tms.core.train import Recipe
from tms.figures import FIGURES
from tms.plots import plot_figure

TINY = Recipe(steps=50, batch_size=128, eval_samples=1000, log_every=10)


def _run(model: str, n: int, m: int, densities, replicas: int = 2, decay: float = 0.9, recipe=TINY) -> Run:
    exp = Experiment(
        name=model,
        model=model,
        n_features=n,
        n_hidden=m,
        densities=tuple(densities),
        importance_decay=decay,
        replicas=replicas,
        recipe=recipe,
    )
    return Run(*run_experiment(exp))


@pytest.fixture(scope="module")
def runs() -> dict[str, Run]:
    """Small stand-ins for every experiment the registered figures need."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny matmuls: threading only adds overhead on a busy machine
    try:
        linear = _run("linear", 8, 3, [1.0])
        relu = _run("relu_output", 8, 3, [1.0, 0.1, 0.01])
        intro = _run("relu_output", 5, 2, [1.0, 0.2, 0.1])
        dynamics = _run("relu_output", 12, 3, [0.3], decay=1.0, recipe=dataclasses.replace(TINY, checkpoints=10))
        hidden = _run("relu_hidden", 6, 3, [0.7, 0.1])
        hidden_output = _run("relu_output", 6, 3, [0.7, 0.1], replicas=1)
        abs_small = _run("abs_value", 3, 6, [1.0])
        abs_sweep = _run("abs_value", 8, 4, [1.0, 0.1], replicas=1)
        phase = {n: _phase_run(n) for n in (2, 3)}
        geometry = _geometry_runs()
        sae = {
            "source": "uniform_superposition",
            "densities": [1.0, 0.1],
            "dictionary": 6,
            "kinds": ["relu_l1", "topk", "jumprelu"],
            "l1": [0.1],
            "k": [1, 2],
            "l0": [0.03],
            "steps": 20,
            "batch_size": 64,
            "eval_samples": 500,
        }
        geometry["sae_recovery"] = Run(*run_sae({"sae": sae, "seed": 0}, geometry["uniform_superposition"]))
        geometry["sae_benchmark"] = _sae_benchmark_run(geometry)
    finally:
        torch.set_num_threads(threads)
    return {
        "intro": intro,
        "basic_linear": linear,
        "basic_relu": relu,
        "basic_large_linear": linear,
        "basic_large_relu": relu,
        "learning_dynamics": dynamics,
        "privileged_basis": hidden,
        "privileged_basis_relu_output": hidden_output,
        "abs_small": abs_small,
        "abs_sparsity": abs_sweep,
        "phase_2_1": phase[2],
        "phase_3_2": phase[3],
        **geometry,
    }


def _geometry_runs() -> dict[str, Run]:
    """Stand-ins for #geometry: a uniform sweep and correlated / anticorrelated feature sets."""

    def sets(kind: str, n: int, m: int, size: int, densities) -> Run:
        exp = Experiment(
            name=kind,
            model="relu_output",
            n_features=n,
            n_hidden=m,
            densities=tuple(densities),
            feature_sets=kind,
            set_size=size,
            replicas=2,
            recipe=TINY,
        )
        return Run(*run_experiment(exp))

    return {
        "uniform_superposition": _run("relu_output", 12, 3, [1.0, 0.3, 0.1], replicas=1, decay=1.0),
        "non_uniform": Run(
            *run_experiment(
                Experiment(
                    name="non_uniform",
                    model="relu_output",
                    n_features=5,
                    n_hidden=2,
                    densities=(0.05,),
                    relative_density=(0.2, 1.0, 5.0),
                    replicas=2,
                    recipe=TINY,
                )
            )
        ),
        "correlated_pairs": sets("correlated", 4, 2, 2, [0.05]),
        "anticorrelated_pairs": sets("anticorrelated", 4, 2, 2, [0.2]),
        "correlated_collapse": sets("correlated", 6, 2, 2, [0.01, 0.3, 0.8]),
        "local_bases": sets("correlated", 8, 4, 4, [0.03]),
        **{
            f"ample_{short}_wd{wd}": _run(
                model, 4, 8, [1.0, 0.1], replicas=2, recipe=dataclasses.replace(TINY, weight_decay=decay)
            )
            for short, model in (("abs", "abs_value"), ("hidden", "relu_hidden"))
            for wd, decay in (("0", 0.0), ("001", 0.01), ("01", 0.1))
        },
        "product_neurons": _run("product", 2, 4, [1.0], decay=1.0),
        **{
            f"double_descent_m{m}": Run(
                *run_experiment(
                    Experiment(
                        name=f"double_descent_m{m}",
                        model="relu_output",
                        n_features=20,
                        n_hidden=m,
                        densities=(0.1,),
                        train_set_sizes=(4, 10, 30),
                        replicas=2,
                        recipe=TINY,
                    )
                )
            )
            for m in (2, 3, 4)
        },
        "learning_geometry": Run(
            *run_experiment(
                Experiment(
                    name="learning_geometry",
                    model="relu_output",
                    n_features=6,
                    n_hidden=3,
                    densities=(0.05,),
                    feature_sets="correlated",
                    set_size=3,
                    replicas=2,
                    recipe=dataclasses.replace(TINY, checkpoints=10),
                )
            )
        ),
    }


def _sae_benchmark_run(runs: dict) -> Run:
    """The SAE benchmark on the tiny F9 sweep and F14 pairs, every dataset kind, 20 steps."""
    bench = {
        "dictionary": 8,
        "kinds": ["relu_l1", "jumprelu", "topk", "batchtopk", "matryoshka"],
        "l1": [0.1],
        "l0": [0.03],
        "k_factors": [0.5, 1, 2],
        "steps": 20,
        "batch_size": 64,
        "lr": 0.01,
        "eval_samples": 500,
        "superposition": {"source": "uniform_superposition", "densities": [0.3, 0.1]},
        "correlated": ["correlated_pairs", "anticorrelated_pairs"],
        "hierarchy": {
            "density": 0.1,
            "parents": 2,
            "children": 2,
            "cooccurrence": [0.3, 0.7],
            "kinds": ["relu_l1", "batchtopk", "matryoshka"],
            "l1": 0.3,
            "k_factor": 0.25,
        },
        "sizes": {"density": 0.1, "kind": "topk", "k_factor": 0.25, "dictionary": [4, 8]},
    }
    tensors, meta = train_benchmark({"sae_benchmark": bench, "seed": 0}, runs)
    meta["scores"] = score_run(Run(tensors, meta))
    return Run(tensors, meta)


def _phase_run(n: int) -> Run:
    """A 3 x 3 phase-diagram grid (#phase-change) with 2 replicas per cell."""
    exp = Experiment(
        name=f"phase_{n}",
        model="relu_output",
        n_features=n,
        n_hidden=n - 1,
        densities=(0.01, 0.1, 1.0),
        relative_importance=(0.1, 1.0, 10.0),
        replicas=2,
        recipe=TINY,
    )
    return Run(*run_experiment(exp))


def _leftovers(directory) -> list[str]:
    return [p.name for p in directory.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("figure", sorted(FIGURES))
def test_every_figure_writes_a_pdf(figure, runs, tmp_path):
    path = tmp_path / "sub" / f"{figure}.pdf"
    plot_figure(figure, {name: runs[name] for name in FIGURES[figure].experiments}, path)
    data = path.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 1000
    assert _leftovers(path.parent) == []


def test_pdf_and_preview_are_reproducible_and_style_is_local(runs, tmp_path):
    before = dict(matplotlib.rcParams)
    first, second = tmp_path / "a.pdf", tmp_path / "b.pdf"
    plot_figure("intro", runs, first, preview=tmp_path / "a.png")
    plot_figure("intro", runs, second, preview=tmp_path / "b.png")
    assert first.read_bytes() == second.read_bytes()  # no timestamps in the PDF
    png = (tmp_path / "a.png").read_bytes()
    assert png.startswith(b"\x89PNG") and png == (tmp_path / "b.png").read_bytes()
    assert matplotlib.get_backend().lower() == "agg"
    assert dict(matplotlib.rcParams) == before


def test_unknown_figure_raises_and_writes_nothing(runs, tmp_path):
    with pytest.raises(ValueError, match="intro"):
        plot_figure("no_such_figure", runs, tmp_path / "x.pdf")
    assert list(tmp_path.iterdir()) == []


def test_missing_run_raises(runs, tmp_path):
    with pytest.raises(ValueError, match="basic_relu"):
        plot_figure("basic_results", {"basic_linear": runs["basic_linear"]}, tmp_path / "x.pdf")
    assert list(tmp_path.iterdir()) == []


def test_memorization_geometry_needs_a_2d_model(runs, tmp_path):
    with pytest.raises(ValueError, match="2-D"):
        plot_figure("memorization_geometry", {"double_descent_m2": runs["double_descent_m3"]}, tmp_path / "x.pdf")
    assert list(tmp_path.iterdir()) == []


def test_failed_plot_leaves_no_file(runs, tmp_path):
    # The intro figure draws 2-D embeddings; an m = 3 run must fail before anything is written.
    with pytest.raises(ValueError, match="2-D"):
        plot_figure("intro", {"intro": runs["basic_relu"]}, tmp_path / "intro.pdf")
    assert list(tmp_path.iterdir()) == []
