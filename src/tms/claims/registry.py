"""The claim registration machinery: ``@claim(...)`` registers a check into ``CLAIMS``.

A claim module (``tms.figures``: the ``claims`` of a figure's entry) declares its figure and the
paper's section anchor once, as the module constants ``FIGURE`` and ``ANCHOR``; a claim about
another figure of the same module passes ``figure=`` (and ``anchor=``) itself. A claim module
imports ``Measured`` and ``claim`` from here; this module imports no claim module. The registry of
every figure's claims, in the replication table's order, is ``tms.claims.catalogue.REGISTRY``
(which imports every claim module).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from tms.figures import FIGURES

# A claim row's status (``tms.claims.check``): here, so that the replication table's text
# (``tms.claims.table``, ``tms.robustness``) needs no claim module.
STATUSES = ("held", "not held", "not measured")  # of one check on one build
# of a claim over the robustness study's variants (tms.robustness)
VERDICTS = ("replicates", "replicates at paper scale", "recipe", "not replicated", "not replicated at default scale")


@dataclass(frozen=True)
class Measured:
    """What a check measured: ``value`` (JSON-able) and whether the claim ``held``."""

    value: object
    held: bool
    note: str = ""


@dataclass(frozen=True)
class Claim:
    id: str
    figure: str
    anchor: str
    statement: str
    expected: str
    tolerance: str
    required: bool
    measure: Callable[[dict], Measured]


# Claim id -> Claim, in the order registered (the order the claim modules were imported).
CLAIMS: dict[str, Claim] = {}


def claim(
    id: str,
    statement: str,
    expected: str,
    tolerance: str,
    *,
    required: bool = True,
    figure: str | None = None,
    anchor: str | None = None,
):
    """Register the decorated ``measure(runs) -> Measured`` as claim ``id``, about ``figure`` at
    the paper's ``anchor`` (by default the ``FIGURE`` and ``ANCHOR`` of the measure's module)."""

    def register(measure):
        module = measure.__globals__
        where = {
            "figure": module.get("FIGURE") if figure is None else figure,
            "anchor": module.get("ANCHOR") if anchor is None else anchor,
        }
        for name, value in where.items():
            if value is None:
                raise ValueError(f"claim {id}: no {name}; pass {name}= or set {name.upper()} in {measure.__module__}")
        if where["figure"] not in FIGURES:
            raise ValueError(f"claim {id}: figure must be one of {tuple(FIGURES)}; got {where['figure']!r}")
        if id in CLAIMS:
            raise ValueError(f"claim {id} registered twice")
        CLAIMS[id] = Claim(id, where["figure"], where["anchor"], statement, expected, tolerance, required, measure)
        return measure

    return register
