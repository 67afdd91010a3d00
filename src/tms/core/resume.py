"""A training run's resumable state: what ``tms.core.train.train`` writes every few minutes so
that a killed job (a session's end, a pre-empted cluster node) goes on from its last save instead
of from step 0, and ends with the same numbers as an uninterrupted run.

The state is everything the loop carries from one step to the next: the parameters, the
optimizer's moments and step counts, the data generator's state, the loss record so far and the
weight snapshots so far (``Recipe.checkpoints``). One safetensors file, written atomically; its
metadata holds the step to go on from and a fingerprint of the run's inputs, so a state saved for
other inputs (another spec, seed, recipe or trainer version) is never taken up.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import torch
from safetensors import safe_open
from safetensors.torch import save_file

from tms.core.io import atomic_write


def fingerprint(key: str, *, recipe: dict, seed: int, model: str, n_hidden: int, stream: int, tensors) -> str:
    """A hash of everything that decides a run's numbers: the caller's ``key`` (its resolved
    spec), the recipe, seed, model, width and trainer stream version, and the bytes of
    ``tensors`` (the initial parameters, the importance, the data source's tensors)."""
    h = hashlib.sha256(
        json.dumps(
            {"key": key, "recipe": recipe, "seed": seed, "model": model, "n_hidden": n_hidden, "stream": stream},
            sort_keys=True,
        ).encode()
    )
    for t in tensors:
        t = t.detach().cpu().contiguous()
        h.update(str((tuple(t.shape), t.dtype)).encode())
        h.update(t.numpy().tobytes())
    return h.hexdigest()


def save_state(
    path, fingerprint: str, step: int, seconds: float, params, opt, generator, loss_steps, curve, snapshots
) -> None:
    """Write the state after ``step`` steps and ``seconds`` of training (every attempt's so far):
    ``params`` name -> tensor, the optimizer ``opt`` (one param group, its parameters in
    ``params``' order), the data ``generator``, ``loss_steps`` and ``curve`` (a list of ``[inst]``
    losses), ``snapshots`` (a list of name -> tensor dicts)."""
    tensors = {f"params.{k}": v.detach() for k, v in params.items()}
    for i, p in enumerate(params.values()):
        for name, value in opt.state.get(p, {}).items():
            tensors[f"opt.{i}.{name}"] = value
    tensors["generator"] = generator.get_state()
    tensors["loss_steps"] = torch.tensor(loss_steps, dtype=torch.int64)
    if curve:
        tensors["curve"] = torch.stack(curve, dim=1)
    for s, snap in enumerate(snapshots):
        tensors.update({f"snapshot.{s}.{k}": v for k, v in snap.items()})
    tensors = {k: v.detach().cpu().contiguous() for k, v in tensors.items()}
    meta = {"fingerprint": fingerprint, "step": str(step), "seconds": repr(seconds), "snapshots": str(len(snapshots))}
    atomic_write(path, lambda tmp: save_file(tensors, tmp, metadata=meta))


def load_state(path, fingerprint: str) -> dict | None:
    """The state saved at ``path`` for ``fingerprint`` (``step``, ``seconds``, ``params``, ``opt``
    index -> name -> tensor, ``generator``, ``loss_steps``, ``curve``, ``snapshots``), or ``None``
    when there is none or it belongs to other inputs."""
    path = Path(path)
    if not path.is_file():
        return None
    with safe_open(path, "pt") as f:
        meta = f.metadata() or {}
        if meta.get("fingerprint") != fingerprint:
            return None
        tensors = {k: f.get_tensor(k) for k in f.keys()}  # noqa: SIM118 (safe_open is not a mapping)
    state = {"step": int(meta["step"]), "seconds": float(meta["seconds"]), "params": {}, "opt": {}}
    state["generator"] = tensors["generator"]
    state["loss_steps"] = tensors["loss_steps"].tolist()
    state["curve"] = list(tensors["curve"].unbind(1)) if "curve" in tensors else []
    state["snapshots"] = [{} for _ in range(int(meta["snapshots"]))]
    for k, v in tensors.items():
        kind, _, rest = k.partition(".")
        if kind == "params":
            state["params"][rest] = v
        elif kind == "opt":
            i, _, name = rest.partition(".")
            state["opt"].setdefault(int(i), {})[name] = v
        elif kind == "snapshot":
            s, _, name = rest.partition(".")
            state["snapshots"][int(s)][name] = v
    return state
