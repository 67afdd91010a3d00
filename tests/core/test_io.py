"""tms.core.io: bit-exact round trips, best-of-k selection by hand, atomic writes."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import torch

import tms
from tms.core.io import META, WEIGHTS, Run, atomic_write, load_run, save_run, write_json


def make_run_data(points: int = 2, replicas: int = 3, n: int = 4, m: int = 2):
    """Tensors and metadata shaped like a run: instance k is point k // replicas."""
    inst = points * replicas
    g = torch.Generator().manual_seed(0)
    densities = [1.0, 0.1, 0.03][:points]
    tensors = {
        "W": torch.randn(inst, n, m, generator=g),
        "b": torch.randn(inst, n, generator=g),
        "importance": torch.rand(inst, n, generator=g),
        "eval_loss": torch.tensor([0.5, 0.2, 0.3, 0.9, 0.7, 0.8])[:inst],
        "loss_curve": torch.rand(inst, 5, generator=g),
        "loss_steps": torch.tensor([0, 10, 20, 30, 39]),
    }
    meta = {
        "experiment": {"name": "toy", "n_features": n, "densities": densities, "recipe": {"lr": 0.001}},
        "instances": {
            "point": [k // replicas for k in range(inst)],
            "replica": [k % replicas for k in range(inst)],
            "density": [densities[k // replicas] for k in range(inst)],
        },
    }
    return tensors, meta


def test_round_trip_is_bit_identical(tmp_path):
    """save_run then load_run gives the same tensors bit for bit (dtype too) and the same meta,
    plus the versions of the software (torch's own version string)."""
    tensors, meta = make_run_data()
    save_run(tmp_path / "run", tensors, meta)
    run = load_run(tmp_path / "run")
    assert set(run.tensors) == set(tensors)
    for k, v in tensors.items():
        assert run[k].dtype == v.dtype and torch.equal(run[k], v), k
    assert {k: v for k, v in run.meta.items() if k != "versions"} == meta
    assert run.meta["versions"]["torch"] == torch.__version__
    assert run.meta["versions"]["tms"] == tms.__version__
    assert run.W.shape == (6, 4, 2) and run.b.shape == (6, 4)
    assert run.spec["name"] == "toy"
    assert run.density == meta["instances"]["density"]
    # no temporary files remain; the file path works too
    assert sorted(p.name for p in (tmp_path / "run").iterdir()) == sorted([WEIGHTS, META])
    assert torch.equal(load_run(tmp_path / "run" / WEIGHTS).W, tensors["W"])


def test_save_does_not_modify_caller_meta(tmp_path):
    tensors, meta = make_run_data()
    save_run(tmp_path / "run", tensors, meta)
    assert "versions" not in meta


def test_best_picks_min_eval_loss_per_point(tmp_path):
    """Eval losses [0.5, 0.2, 0.3 | 0.9, 0.7, 0.8]: the best replicas are instances 1 and 4."""
    tensors, meta = make_run_data()
    save_run(tmp_path / "run", tensors, meta)
    best = load_run(tmp_path / "run").best()
    assert best.values("replica") == [1, 1]
    assert best.values("point") == [0, 1]
    assert best.density == [1.0, 0.1]
    assert torch.equal(best.W, tensors["W"][[1, 4]])
    assert torch.equal(best.b, tensors["b"][[1, 4]])
    assert torch.equal(best.eval_loss, torch.tensor([0.2, 0.7]))
    assert torch.equal(best["loss_curve"], tensors["loss_curve"][[1, 4]])
    assert torch.equal(best["loss_steps"], tensors["loss_steps"])  # shared, not indexed


def test_subset_keeps_order_and_shared_tensors():
    """subset([5, 0]) takes instances 5 then 0 of every per-instance tensor and list; loss_steps stays."""
    tensors, meta = make_run_data()
    sub = Run(tensors, meta).subset([5, 0])
    assert torch.equal(sub.W, tensors["W"][[5, 0]])
    assert torch.equal(sub["importance"], tensors["importance"][[5, 0]])
    assert torch.equal(sub["loss_steps"], tensors["loss_steps"])
    assert sub.values("point") == [1, 0] and sub.values("replica") == [2, 0]
    assert sub.meta["experiment"] == meta["experiment"]


def test_at_finds_sweep_values():
    """at(key, value) is the first instance with that value (to a relative 1e-6), else KeyError."""
    tensors, meta = make_run_data()
    run = Run(tensors, meta)
    assert run.at("density", 0.1) == 3
    assert run.at("density", float(torch.tensor(0.1))) == 3  # float32 round-off tolerated
    assert run.at("replica", 2) == 2
    with pytest.raises(KeyError, match="density"):
        run.at("density", 0.5)


def test_load_missing_raises(tmp_path):
    """A missing directory, or one lacking meta.json, is FileNotFoundError."""
    with pytest.raises(FileNotFoundError):
        load_run(tmp_path / "nope")
    tensors, meta = make_run_data()
    save_run(tmp_path / "run", tensors, meta)
    (tmp_path / "run" / META).unlink()
    with pytest.raises(FileNotFoundError):
        load_run(tmp_path / "run")


def test_atomic_write_failure_leaves_old_file(tmp_path):
    """If the writer raises half-way, the old file is untouched and no temporary file remains."""
    target = tmp_path / "out.txt"
    target.write_text("old")

    def broken(tmp):
        with open(tmp, "w") as f:
            f.write("half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        atomic_write(target, broken)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]

    atomic_write(target, lambda tmp: Path(tmp).write_text("new"))
    assert target.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_atomic_write_creates_parents(tmp_path):
    atomic_write(tmp_path / "a" / "b" / "c.txt", lambda tmp: Path(tmp).write_text("x"))
    assert (tmp_path / "a" / "b" / "c.txt").read_text() == "x"


def test_write_json_converts_tensors_and_numpy(tmp_path):
    """Tensors and numpy values in metadata become plain JSON numbers and lists."""
    np = pytest.importorskip("numpy")
    write_json(tmp_path / "m.json", {"t": torch.tensor([1.5, 2.0]), "a": np.arange(3), "s": np.float32(0.25)})
    assert json.loads((tmp_path / "m.json").read_text()) == {"t": [1.5, 2.0], "a": [0, 1, 2], "s": 0.25}
    with pytest.raises(TypeError):
        write_json(tmp_path / "bad.json", {"x": object()})
    assert not (tmp_path / "bad.json").exists()


def test_atomic_write_is_readable_by_others(tmp_path):
    """mkstemp creates 0600 files; a shared artefact must not keep that mode."""
    target = tmp_path / "out.json"
    write_json(target, {"a": 1})
    assert target.stat().st_mode & 0o777 == 0o644


def test_saved_run_files_are_readable_by_others(tmp_path):
    """save_file replaces the temporary file it is given; both artefacts still end 0644."""
    save_run(tmp_path / "run", {"W": torch.zeros(1, 2, 1)}, {"experiment": {}})
    for name in (WEIGHTS, META):
        assert (tmp_path / "run" / name).stat().st_mode & 0o777 == 0o644, name


def test_save_run_replaces_a_run_directory_in_one_step(tmp_path):
    """save_run writes both files into a temporary directory beside the target and renames it into
    place: a new directory, an empty one (as Snakemake leaves it) and an existing run all end with
    exactly the two new files, 0644 in a 0755 directory, and nothing else beside them."""
    tensors, meta = make_run_data()
    (tmp_path / "empty").mkdir()
    for name in ("new", "empty", "new"):  # the second "new" replaces an existing run
        save_run(tmp_path / name, {**tensors, "W": tensors["W"] + len(name)}, {**meta, "name": name})
        run = load_run(tmp_path / name)
        assert torch.equal(run.W, tensors["W"] + len(name)) and run.meta["name"] == name
        assert sorted(p.name for p in (tmp_path / name).iterdir()) == sorted([WEIGHTS, META])
        assert (tmp_path / name).stat().st_mode & 0o777 == 0o755
        for f in (WEIGHTS, META):
            assert (tmp_path / name / f).stat().st_mode & 0o777 == 0o644, f
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty", "new"]


def test_save_run_failure_leaves_the_old_run_whole(tmp_path):
    """A write that fails after the weights (meta not JSON-serialisable) leaves the old run's two
    files as they were (not new weights beside old metadata) and no temporary directory."""
    tensors, meta = make_run_data()
    save_run(tmp_path / "run", tensors, meta)
    with pytest.raises(TypeError):
        save_run(tmp_path / "run", {**tensors, "W": tensors["W"] + 1}, {**meta, "bad": object()})
    run = load_run(tmp_path / "run")
    assert torch.equal(run.W, tensors["W"]) and "bad" not in run.meta
    assert [p.name for p in tmp_path.iterdir()] == ["run"]


def test_save_run_restores_the_old_run_if_the_final_rename_fails(tmp_path, monkeypatch):
    """Replacing a run moves the old directory aside, then renames the new one in: if that rename
    fails, the old run is put back."""
    import tms.core.io as io

    tensors, meta = make_run_data()
    save_run(tmp_path / "run", tensors, meta)
    rename, calls = os.rename, []

    def flaky(src, dst):
        calls.append((src, dst))
        if len(calls) == 3:  # 1: onto the existing run (not empty), 2: old run aside, 3: new run in
            raise OSError("no space")
        rename(src, dst)

    monkeypatch.setattr(io.os, "rename", flaky)
    with pytest.raises(OSError, match="no space"):
        save_run(tmp_path / "run", {**tensors, "W": tensors["W"] + 1}, meta)
    monkeypatch.undo()
    assert torch.equal(load_run(tmp_path / "run").W, tensors["W"])
    assert [p.name for p in tmp_path.iterdir()] == ["run"]
