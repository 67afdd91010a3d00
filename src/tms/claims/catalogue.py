"""Every figure's claims: ``REGISTRY`` (claim id -> ``Claim``) and ``claims_for(figure)``.

This module imports every claim module (the ``claims`` of the figure registry's entries,
``tms.figures``) by name, which registers their claims (``tms.claims.registry``); a new figure's
claims module is added to the import and to ``MODULES`` (a test checks that the two match the
figure registry). ``REGISTRY`` is in the figure registry's order: by the position of each claim's
module among the entries' ``claims`` (first appearance), then in the order each module registers
them (the order of the replication table).
"""

from __future__ import annotations

from tms.claims import (
    adversarial,
    basic_results,
    computation,
    correlated,
    geometry,
    incidental,
    intro,
    learning_dynamics,
    learning_geometry,
    memorization,
    non_uniform,
    phase_change,
    privileged_basis,
    product_neurons,
    sae,
    sae_benchmark,
)
from tms.claims.registry import CLAIMS, Claim
from tms.figures import FIGURES, experiments_for

# The claim modules, in the figure registry's order.
MODULES = (
    intro,
    basic_results,
    phase_change,
    geometry,
    non_uniform,
    correlated,
    learning_dynamics,
    learning_geometry,
    adversarial,
    privileged_basis,
    computation,
    incidental,
    product_neurons,
    sae,
    sae_benchmark,
    memorization,
)


def _rank() -> dict[str, int]:
    """Claim module name -> its position among the figure registry's ``claims`` (first appearance)."""
    return {m: i for i, m in enumerate(dict.fromkeys(f.claims for f in FIGURES.values()))}


_RANK = _rank()
# The figures' claims, by their module's rank (a stable sort: a module's own in its order);
# a claim registered outside the claim modules (a test's) is not a figure's.
REGISTRY: dict[str, Claim] = {
    c.id: c
    for c in sorted(
        (c for c in CLAIMS.values() if c.measure.__module__ in _RANK), key=lambda c: _RANK[c.measure.__module__]
    )
}


def claims_for(figure: str) -> list[Claim]:
    """The claims of ``figure``, in ``REGISTRY`` order."""
    experiments_for(figure)  # validates the name
    return [c for c in REGISTRY.values() if c.figure == figure]
