"""Replication claims: what the paper states, what our runs measure, and whether it held.

Each claim is a function registered with ``@claim(...)`` in the module of its figure (the
``claims`` of the figure's entry in ``tms.figures``). It receives the figure's runs
(``{experiment: Run}``) and returns a ``Measured``: the value(s) it measured and whether the
paper's statement held within the claim's stated tolerance. Tolerances are fixed from the paper's
wording before looking at a run, and each carries a one-line reason.

Status: ``held`` / ``not held`` / ``not measured`` (the runs it needs are missing).
``required`` claims are the ones CI insists on: a required claim that stops holding fails CI.

One job per module, each imported from its own module (this package re-exports nothing, so
importing it loads none of them):

* ``registry``: ``Measured``, ``Claim``, ``@claim`` (which collects the claims into ``CLAIMS``) and
  ``STATUSES``; it imports no claim module, and every claim module imports from it;
* ``catalogue``: imports every claim module and builds ``REGISTRY`` (claim id -> ``Claim``, in the
  figure registry's order) and ``claims_for``;
* ``check``: ``check_figure`` (a figure's claims measured on its runs), ``required_failures``;
* ``table``: the replication table (``format_value``, ``add_study``, ``headline``, the Markdown,
  ``write_replication``); it needs no claim module, so ``tms.robustness`` formats a value without
  loading them.

The imports run one way: claim modules -> ``registry``; ``catalogue`` -> claim modules;
``check`` -> ``catalogue``; ``table`` -> ``registry``.
"""
