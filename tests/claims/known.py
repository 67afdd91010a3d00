"""Known-answer cases for the claim checks: each claim's own registered check, run on hand-built
inputs whose answer is known (one on which the claim holds, one on which it does not).

``holds(claim_id, runs)`` and ``fails(claim_id, runs)`` call the claim's registered check
(``tms.claims.catalogue.REGISTRY[claim_id].measure``), the function the replication table calls
(``tms.claims.check.check_figure``), never a copy of it. The listing test (``test_known_answers.py``)
reads the claim ids passed to them as string literals in ``tests/claims/test_*.py`` and fails when
a registered claim has no case of either kind.

``make_run`` builds a ``tms.core.io.Run`` in memory: the experiment's resolved spec from
``config/config.yaml`` (overridable), the tensors given and the per-instance sweep values.
"""

from __future__ import annotations

import copy
from pathlib import Path

import torch

from tms.claims.catalogue import REGISTRY
from tms.claims.registry import Measured
from tms.core.config import load_config
from tms.core.experiments import Experiment
from tms.core.io import Run

CONFIG = Path(__file__).resolve().parents[2] / "config" / "config.yaml"


def holds(claim_id: str, runs: dict) -> Measured:
    """Claim ``claim_id``'s check on ``runs``; asserts it held."""
    measured = REGISTRY[claim_id].measure(runs)
    assert measured.held, f"{claim_id} should hold on this case; measured {measured.value!r} ({measured.note})"
    return measured


def fails(claim_id: str, runs: dict) -> Measured:
    """Claim ``claim_id``'s check on ``runs``; asserts it did not hold."""
    measured = REGISTRY[claim_id].measure(runs)
    assert not measured.held, f"{claim_id} should not hold on this case; measured {measured.value!r}"
    return measured


def spec(experiment: str, **overrides) -> dict:
    """The resolved spec of ``experiment`` in the default config, with top-level keys replaced."""
    config = load_config(str(CONFIG))
    out = Experiment.from_config(experiment, config).to_dict()
    out = copy.deepcopy(out)
    out.update(overrides)
    return out


def make_run(experiment: str, tensors: dict[str, torch.Tensor], instances: dict[str, list], **spec_overrides) -> Run:
    """A run of ``experiment`` held in memory: ``tensors`` instance-first (``W [inst, n, m]``,
    ``b [inst, n]``, ``eval_loss [inst]``, ...), ``instances`` the per-instance sweep values
    (``density``, ``point``, ``replica``, ...), the spec from the default config."""
    sizes = {len(v) for v in instances.values()}
    if len(sizes) != 1:
        raise ValueError(f"every instances list must have one length; got {sizes}")
    return Run(dict(tensors), {"experiment": spec(experiment, **spec_overrides), "instances": dict(instances)})
