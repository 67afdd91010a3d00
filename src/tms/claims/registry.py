"""The claim registry: ``@claim(...)`` registers a check, ``REGISTRY`` holds every one.

A claim module (``tms.figures``: the ``claims`` of a figure's entry) declares its figure and the
paper's section anchor once, as the module constants ``FIGURE`` and ``ANCHOR``; a claim about
another figure of the same module passes ``figure=`` (and ``anchor=``) itself. The claim modules
are named in the figure registry, not imported by the code: ``REGISTRY`` imports every one on its
first read (``load``), so importing this module (or ``tms.claims``) loads none of them.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Callable

from tms.figures import FIGURES, experiments_for


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


def claim_modules() -> list[str]:
    """The claim modules, in the figure registry's order (the order of the replication table)."""
    return list(dict.fromkeys(f.claims for f in FIGURES.values()))


class Registry(Mapping):
    """Claim id -> ``Claim``, every claim module loaded on the first read, in ``claim_modules``
    order (whichever module was imported first)."""

    def __init__(self):
        self._claims: dict[str, Claim] = {}
        self._loaded = self._loading = False

    def add(self, c: Claim) -> None:
        if c.id in self._claims:
            raise ValueError(f"claim {c.id} registered twice")
        self._claims[c.id] = c

    def load(self) -> None:
        """Import every claim module (once), which registers its claims."""
        if self._loaded or self._loading:
            return
        self._loading = True
        try:
            modules = claim_modules()
            for module in modules:
                importlib.import_module(module)
            rank = {m: i for i, m in enumerate(modules)}
            order = sorted(self._claims.values(), key=lambda c: rank.get(c.measure.__module__, len(rank)))
            self._claims = {c.id: c for c in order}
            self._loaded = True
        finally:
            self._loading = False

    def __getitem__(self, id: str) -> Claim:
        self.load()
        return self._claims[id]

    def __iter__(self) -> Iterator[str]:
        self.load()
        return iter(self._claims)

    def __len__(self) -> int:
        self.load()
        return len(self._claims)


REGISTRY = Registry()


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
        REGISTRY.add(Claim(id, where["figure"], where["anchor"], statement, expected, tolerance, required, measure))
        return measure

    return register


def claims_for(figure: str) -> list[Claim]:
    experiments_for(figure)  # validates the name
    return [c for c in REGISTRY.values() if c.figure == figure]
