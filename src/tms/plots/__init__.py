"""Publication figures drawn from trained run artefacts; plotting never trains.

>>> from tms.plots import plot_figure
>>> plot_figure("intro", {"intro": tms.load_run("results/runs/intro")}, "figures/intro.pdf")
"""

from __future__ import annotations

import matplotlib

from tms.figures import experiments_for
from tms.io import Run
from tms.plots.adversarial import plot_adversarial
from tms.plots.basic_results import plot_basic_results
from tms.plots.correlated import plot_collapse, plot_correlated_features, plot_local_bases
from tms.plots.geometry import plot_dimensions_per_feature, plot_feature_dimensionality
from tms.plots.non_uniform import plot_non_uniform
from tms.plots.intro import plot_intro
from tms.plots.learning_dynamics import plot_learning_dynamics
from tms.plots.learning_geometry import plot_learning_geometry
from tms.plots.incidental import plot_incidental
from tms.plots.product_neurons import plot_product_neurons
from tms.plots.sae import plot_sae_recovery
from tms.plots.privileged_basis import plot_privileged_basis
from tms.plots.abs_value import plot_abs_motif, plot_abs_small, plot_abs_sparsity
from tms.plots.phase_change import plot_phase_diagram
from tms.plots.style import STYLE, save_figure

# figure name -> function of the figure's runs, in the order tms.figures.FIGURES lists them
PLOTTERS = {
    "intro": plot_intro,
    "basic_results": plot_basic_results,
    "basic_results_large": plot_basic_results,
    "phase_diagram": plot_phase_diagram,
    "phase_diagram_3_2": plot_phase_diagram,
    "dimensions_per_feature": plot_dimensions_per_feature,
    "feature_dimensionality": plot_feature_dimensionality,
    "non_uniform": plot_non_uniform,
    "correlated_features": plot_correlated_features,
    "local_bases": plot_local_bases,
    "collapse": plot_collapse,
    "learning_dynamics": plot_learning_dynamics,
    "learning_geometry": plot_learning_geometry,
    "adversarial": plot_adversarial,
    "privileged_basis": plot_privileged_basis,
    "abs_small": plot_abs_small,
    "abs_sparsity": plot_abs_sparsity,
    "abs_motif": plot_abs_motif,
    "incidental_polysemanticity": plot_incidental,
    "product_neurons": plot_product_neurons,
    "sae_recovery": plot_sae_recovery,
}


def plot_figure(figure: str, runs: dict[str, Run], path, preview=None) -> None:
    """Draw paper figure ``figure`` from ``runs`` (experiment name -> Run); write a PDF (and a PNG
    ``preview``, if given) atomically."""
    if figure not in PLOTTERS:
        raise ValueError(f"figure must be one of {tuple(PLOTTERS)}; got {figure!r}")
    names = experiments_for(figure)
    missing = [name for name in names if name not in runs]
    if missing:
        raise ValueError(f"figure {figure!r} needs runs {names}; missing {missing}")
    with matplotlib.rc_context(STYLE):  # local: callers' rcParams stay untouched
        fig = PLOTTERS[figure](*(runs[name] for name in names))
        save_figure(fig, path, preview)


__all__ = ["PLOTTERS", "plot_figure"]
