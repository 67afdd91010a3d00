"""Replication claims: what the paper states, what our runs measure, and whether it held.

Each claim is a function registered with ``@claim(...)`` in the module of its figure (the
``claims`` of the figure's entry in ``tms.figures``). It receives the figure's runs
(``{experiment: Run}``) and returns a ``Measured``: the value(s) it measured and whether the
paper's statement held within the claim's stated tolerance. Tolerances are fixed from the paper's
wording before looking at a run, and each carries a one-line reason.

Status: ``held`` / ``not held`` / ``not measured`` (the runs it needs are missing).
``required`` claims are the ones CI insists on: a required claim that stops holding fails CI.

One job per module, re-exported here:

* ``registry``: ``Measured``, ``Claim``, ``@claim``, ``REGISTRY`` (which loads the claim modules
  on its first read) and ``claims_for``;
* ``check``: ``check_figure`` (a figure's claims measured on its runs), ``required_failures``;
* ``table``: the replication table (``format_value``, ``add_study``, ``headline``, the Markdown,
  ``write_replication``).

Importing the package loads no claim module; a claim module imports what it needs from
``tms.claims.registry``.
"""

from tms.claims.check import STATUSES, check_figure, required_failures
from tms.claims.registry import REGISTRY, Claim, Measured, claim, claims_for
from tms.claims.table import (
    add_study,
    format_value,
    headline,
    is_paper_claim,
    paper_scale_text,
    study_text,
    to_blocks,
    to_markdown,
    write_replication,
)

__all__ = [
    "REGISTRY",
    "STATUSES",
    "Claim",
    "Measured",
    "add_study",
    "check_figure",
    "claim",
    "claims_for",
    "format_value",
    "headline",
    "is_paper_claim",
    "paper_scale_text",
    "required_failures",
    "study_text",
    "to_blocks",
    "to_markdown",
    "write_replication",
]
