"""Bring your own SAE (``tms.analysis.own_sae``, ``tms saebench``): the docs example, the protocol's errors, the CLI."""

from __future__ import annotations

import json
import math
import re
import sys
from pathlib import Path

import pytest
import torch

from tms.analysis.own_sae import check_protocol, format_cards, load_callable, sampler, score_own, select_best
from tms.cli import main
from tms.core.io import load_run, save_run
from tms.core.sae_benchmark import load_datasets

DOCS = Path(__file__).resolve().parents[2] / "docs" / "sae.md"
N = 6  # features = dimensions: the identity model (every feature orthogonal)


@pytest.fixture
def artefact(tmp_path) -> Path:
    """A tiny benchmark artefact: 6 orthogonal features in 6 dimensions, independent and with a hierarchy."""
    W = torch.eye(N) * math.sqrt(5.0)  # E‖xW‖² = 6 · 0.1 · 1/3 · 5 = 1
    density = torch.full((N,), 0.1)
    hier = torch.tensor([-1, 0, 0, -1, -1, -1])
    tensors = {}
    for j, parent in enumerate((torch.full((N,), -1), hier)):
        tensors |= {
            f"data{j}/W": W.clone(),
            f"data{j}/density": density if j == 0 else torch.where(hier >= 0, 0.5, 0.1),
            f"data{j}/represented": torch.ones(N, dtype=torch.bool),
            f"data{j}/parent": parent,
        }
    common = {"feature_sets": "independent", "set_size": 1}
    meta = {
        "experiment": {"name": "sae_benchmark", "sae_benchmark": {"eval_samples": 2048}},
        "datasets": [
            {"name": "identity", "group": "superposition", **common},
            {"name": "tree", "group": "hierarchy", **common},
        ],
        "saes": [],
    }
    save_run(tmp_path / "run", tensors, meta)
    return tmp_path / "run"


def _module(tmp_path, monkeypatch, name: str, source: str) -> None:
    (tmp_path / name).with_suffix(".py").write_text(source)
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, name, raising=False)


IDENTITY = """
class Identity:
    def encode(self, h):
        return h.clamp(min=0)

    def decode(self, codes):
        return codes


def train(sample, m):
    assert sample(3).shape == (3, m)
    return Identity()


class NoDecode:
    def encode(self, h):
        return h


class WrongShape(Identity):
    def encode(self, h):
        return h[0]


def no_decode(sample, m):
    return NoDecode()


def wrong_shape(sample, m):
    return WrongShape()

not_callable = 3
"""


def test_docs_example_recovers_orthogonal_features(artefact, tmp_path, monkeypatch):
    code = re.search(r"```python\n(.*?)```", DOCS.read_text(), re.S).group(1)
    _module(tmp_path, monkeypatch, "my_sae", code)
    monkeypatch.setenv("MY_SAE_STEPS", "300")
    rows = score_own("my_sae:train", load_run(artefact), datasets=["identity"])
    assert [r["dataset"] for r in rows] == ["identity"] and rows[0]["group"] == "superposition"
    assert rows[0]["mcc"] > 0.9, rows[0]
    assert rows[0]["fvu"] < 0.1, rows[0]


def test_sampler_draws_the_dataset_with_its_own_seed(artefact):
    data = load_datasets(load_run(artefact))[0]
    h = sampler(data)(4096)
    assert h.shape == (4096, N) and bool((h >= 0).all())
    assert (h != 0).float().mean().item() == pytest.approx(0.1, abs=0.02)
    assert torch.equal(sampler(data)(8), sampler(data)(8))  # reproducible
    with pytest.raises(ValueError, match="positive int"):
        sampler(data)(0)


def test_identity_scores_perfectly_with_absorption_on_the_hierarchy(artefact, tmp_path, monkeypatch):
    _module(tmp_path, monkeypatch, "own_identity", IDENTITY)
    rows = score_own("own_identity:train", load_run(artefact), samples=1024)
    assert [r["dataset"] for r in rows] == ["identity", "tree"]
    assert rows[0]["mcc"] == pytest.approx(1.0) and rows[0]["fvu"] == pytest.approx(0.0, abs=1e-6)
    assert "absorption" not in rows[0] and "absorption" in rows[1]
    table = format_cards(rows).splitlines()
    assert table[0].split()[:4] == ["dataset", "group", "mcc", "mmcs"] and table[0].split()[-1] == "absorption"
    assert "1.000" in table[1] and len(table) == 3


@pytest.mark.parametrize(
    "spec, match",
    [
        ("own_protocol", "expected MODULE:CALLABLE, e.g. my_sae:train"),
        ("no_such_module_xyz:train", "no_such_module_xyz"),
        ("own_protocol:missing", "has no attribute 'missing'"),
        ("own_protocol:not_callable", "not callable"),
        ("own_protocol:no_decode", r"no callable decode\(\)"),
        ("own_protocol:wrong_shape", r"encode\(h \[batch=4, m=6\]\) must return codes \[batch=4, d\]; got \(6,\)"),
    ],
)
def test_protocol_errors_are_clear(artefact, tmp_path, monkeypatch, spec, match):
    _module(tmp_path, monkeypatch, "own_protocol", IDENTITY)
    with pytest.raises(ValueError, match=match):
        score_own(spec, load_run(artefact), datasets=["identity"], samples=256)


def test_check_protocol_and_unknown_dataset(artefact, tmp_path, monkeypatch):
    with pytest.raises(ValueError, match="encode"):
        check_protocol(object(), N)
    _module(tmp_path, monkeypatch, "own_known", IDENTITY)
    assert callable(load_callable("own_known:train"))
    with pytest.raises(ValueError, match=r"unknown dataset\(s\) \['nope'\]; known: \['identity', 'tree'\]"):
        score_own("own_known:train", load_run(artefact), datasets=["nope"])


def test_cli_scores_and_writes_json(artefact, tmp_path, monkeypatch, capsys):
    _module(tmp_path, monkeypatch, "own_cli", IDENTITY)
    out = tmp_path / "cards.json"
    argv = ["saebench", "own_cli:train", "--run", str(artefact), "--datasets", "tree", "--samples", "512"]
    assert main([*argv, "--out", str(out)]) == 0
    rows = json.loads(out.read_text())
    assert [r["dataset"] for r in rows] == ["tree"] and rows[0]["mcc"] == pytest.approx(1.0)
    printed = capsys.readouterr().out
    assert "absorption" in printed and f"wrote {out}" in printed
    assert main(argv) == 0  # the default output path, under the working directory
    assert json.loads((tmp_path / "results/saebench/own_cli_train.json").read_text()) == rows


@pytest.mark.parametrize(
    "spec, match",
    [("own_err:no_decode", "decode"), ("own_err:wrong_shape", "got (6,)"), ("own_err", "MODULE:CALLABLE")],
)
def test_cli_protocol_error_is_one_line_and_exit_2(artefact, tmp_path, monkeypatch, capsys, spec, match):
    _module(tmp_path, monkeypatch, "own_err", IDENTITY)
    assert main(["saebench", spec, "--run", str(artefact), "--samples", "256"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("tms saebench: error: ") and err.count("\n") == 1 and match in err


def test_cli_bundled_cards(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["saebench"]) == 2
    assert "snakemake results/runs/sae_benchmark/meta.json" in capsys.readouterr().err
    card = {"group": "superposition", "dictionary": 8, "mmcs": 0.5, "fvu": 0.1, "l0": 2.0}
    saes = [
        {"dataset": "a", "kind": "topk", "sparsity": 2, "mcc": 0.7, **card},
        {"dataset": "a", "kind": "topk", "sparsity": 4, "mcc": 0.9, **card},
        {"dataset": "a", "kind": "relu_l1", "sparsity": 0.1, "mcc": float("nan"), **card},
        {"dataset": "b", "kind": "topk", "sparsity": 2, "mcc": 0.8, **card},
    ]
    (tmp_path / "results/runs/sae_benchmark").mkdir(parents=True)
    (tmp_path / "results/runs/sae_benchmark/meta.json").write_text(json.dumps({"scores": {"saes": saes}}))
    best = select_best(saes)
    assert [(r["dataset"], r["kind"]) for r in best] == [("a", "topk"), ("a", "relu_l1"), ("b", "topk")]
    assert best[0]["mcc"] == 0.9
    assert main(["saebench", "--datasets", "a"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3 and lines[0].split()[:5] == ["dataset", "group", "kind", "sparsity", "dictionary"]
    assert "0.900" in lines[1] and "nan" in lines[2]
    assert main(["saebench", "--datasets", "c"]) == 2
