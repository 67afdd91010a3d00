"""Run artefacts: ``weights.safetensors`` (every tensor) + ``meta.json`` (config, seeds, versions).

A run directory holds one batched training run. Files are written atomically (temporary
file, then ``os.replace``), and a run directory as a whole (``save_run``: both files written into a
temporary directory beside it, then one rename), so a crash never leaves a half-written artefact or
a run directory whose two files disagree behind.

>>> run = tms.load_run("results/runs/intro")
>>> run.W.shape            # [inst, n, m]
>>> run.best().density     # best replica per sweep point, judged on the evaluation loss
"""

from __future__ import annotations

import errno
import json
import os
import platform
import shutil
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file, save_file

WEIGHTS, META = "weights.safetensors", "meta.json"
SHARED_TENSORS = {"loss_steps", "checkpoint_steps"}  # every other tensor has the instance axis first


def versions() -> dict[str, str]:
    """Versions of the software that produced an artefact."""
    out = {"python": platform.python_version()}
    for pkg in ("tms", "torch", "numpy", "safetensors"):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = "unknown"
    return out


def atomic_write(path: str | Path, write) -> None:
    """Call ``write(tmp_path)`` then move the result to ``path`` in one step."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(tmp)
        # mkstemp makes 0600, and some writers (safetensors' save_file) replace the file: set the
        # mode last, so every artefact is readable by other users
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_json(path: str | Path, obj) -> None:
    def write(tmp):
        with open(tmp, "w") as f:
            json.dump(obj, f, indent=1, default=_jsonable)
            f.write("\n")

    atomic_write(path, write)


def _jsonable(obj):
    if isinstance(obj, (np.generic,)):
        return obj.item()
    if isinstance(obj, (np.ndarray, torch.Tensor)):
        return obj.tolist()
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


def save_run(directory: str | Path, tensors: dict[str, torch.Tensor], meta: dict) -> None:
    """Write a run: tensors to safetensors, ``meta`` plus versions to JSON.

    Both files are written into a temporary directory beside ``directory``, which is then renamed
    into place in one step, so a reader sees the old run directory or the new one (or, if a crash
    falls between the two renames that replace an existing non-empty directory, none), never one
    file of each or a half-written file. An existing ``directory`` is replaced as a whole.
    """
    directory = Path(directory)
    meta = {**meta, "versions": versions()}
    tensors = {k: v.detach().cpu().contiguous() for k, v in tensors.items()}
    directory.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=directory.parent, prefix=f".{directory.name}.", suffix=".tmp"))
    try:
        save_file(tensors, tmp / WEIGHTS, metadata={"format": "pt"})
        with open(tmp / META, "w") as f:
            json.dump(meta, f, indent=1, default=_jsonable)
            f.write("\n")
        for name in (WEIGHTS, META):
            os.chmod(tmp / name, 0o644)
        os.chmod(tmp, 0o755)  # mkdtemp makes 0700: the run is shared like its files
        _replace_dir(tmp, directory)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _replace_dir(src: Path, dst: Path) -> None:
    """Rename directory ``src`` to ``dst``: one rename where ``dst`` is missing or empty (as
    Snakemake leaves an output's directory), else the old ``dst`` is moved aside first and deleted
    after (restored if the second rename fails)."""
    try:
        os.rename(src, dst)
        return
    except OSError as e:
        if e.errno not in (errno.ENOTEMPTY, errno.EEXIST):
            raise
    old = Path(tempfile.mkdtemp(dir=dst.parent, prefix=f".{dst.name}.", suffix=".old"))
    os.rename(dst, old)  # onto the empty directory mkdtemp made
    try:
        os.rename(src, dst)
    except BaseException:
        os.rename(old, dst)
        raise
    shutil.rmtree(old)


@dataclass
class Run:
    """A loaded run. ``tensors`` are instance-first; ``meta['instances']`` lists sweep values."""

    tensors: dict[str, torch.Tensor]
    meta: dict

    def __getitem__(self, name: str) -> torch.Tensor:
        return self.tensors[name]

    @property
    def W(self) -> torch.Tensor:
        """``[inst, n, m]``."""
        return self.tensors["W"]

    @property
    def b(self) -> torch.Tensor:
        """``[inst, n]``."""
        return self.tensors["b"]

    @property
    def eval_loss(self) -> torch.Tensor:
        return self.tensors["eval_loss"]

    @property
    def spec(self) -> dict:
        return self.meta["experiment"]

    def values(self, key: str) -> list:
        """Per-instance sweep value ``key`` (e.g. ``"density"``, ``"point"``, ``"replica"``)."""
        return self.meta["instances"][key]

    @property
    def density(self) -> list[float]:
        return self.values("density")

    def subset(self, index) -> "Run":
        """The run restricted to instances ``index`` (a list of ints), in that order."""
        index = list(index)
        idx = torch.tensor(index, dtype=torch.long)
        tensors = {k: v if k in SHARED_TENSORS else v[idx] for k, v in self.tensors.items()}
        instances = {k: [v[i] for i in index] for k, v in self.meta["instances"].items()}
        return Run(tensors, {**self.meta, "instances": instances})

    def best_indices(self) -> list[int]:
        """Per sweep point (in point order), the instance of its lowest-evaluation-loss replica."""
        points = self.values("point")
        loss = self.eval_loss.tolist()
        best: dict[int, int] = {}
        for k, p in enumerate(points):
            if p not in best or loss[k] < loss[best[p]]:
                best[p] = k
        return [best[p] for p in sorted(best)]

    def best(self) -> "Run":
        """One instance per sweep point: the replica with the lowest evaluation loss."""
        return self.subset(self.best_indices())

    def at(self, key: str, value: float, rel: float = 1e-6) -> int:
        """Index of the (first) instance whose sweep value ``key`` equals ``value``."""
        for k, v in enumerate(self.values(key)):
            if abs(v - value) <= rel * max(abs(value), 1e-12):
                return k
        raise KeyError(f"no instance with {key} = {value}; have {sorted(set(self.values(key)))}")


def load_run(path: str | Path) -> Run:
    """Load a run directory (or its ``weights.safetensors`` / ``meta.json``)."""
    path = Path(path)
    if path.is_file():
        path = path.parent
    if not (path / WEIGHTS).exists() or not (path / META).exists():
        raise FileNotFoundError(f"{path} is not a run directory: need {WEIGHTS} and {META}")
    with open(path / META) as f:
        meta = json.load(f)
    return Run(load_file(path / WEIGHTS), meta)
