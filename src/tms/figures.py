"""The registry of paper figures: which experiments (run artefacts) each figure is drawn from.

The Snakemake rules, the CLI, the plots and the claim checks all read this one table.
"""

from __future__ import annotations

# figure name (figures/<name>.pdf) -> (paper anchor, experiments it needs)
FIGURES: dict[str, tuple[str, tuple[str, ...]]] = {
    "intro": ("#motivation (Figure 1)", ("intro",)),
    "basic_results": ("#demonstrating-basic-results (F4)", ("basic_linear", "basic_relu")),
    "basic_results_large": ("#demonstrating-basic-results (F5)", ("basic_large_linear", "basic_large_relu")),
    "phase_diagram": ("#phase-change (F7)", ("phase_2_1",)),
    "phase_diagram_3_2": ("#phase-change (F8)", ("phase_3_2",)),
    "dimensions_per_feature": ("#geometry-uniform (F9)", ("uniform_superposition",)),
    "feature_dimensionality": ("#geometry-dimensionality (F10)", ("uniform_superposition",)),
    "non_uniform": ("#geometry-non-uniform (F13)", ("non_uniform",)),
    "correlated_features": (
        "#geometry-correlated (F14)",
        ("correlated_pairs", "anticorrelated_pairs", "correlated_collapse"),
    ),
    "local_bases": ("#geometry-correlated (F15)", ("local_bases",)),
    "collapse": ("#geometry-collapsing (F16)", ("correlated_collapse",)),
    "learning_dynamics": ("#learning-jumps (F17)", ("learning_dynamics",)),
    "learning_geometry": ("#learning-geometric (F18)", ("learning_geometry",)),
    "adversarial": ("#adversarial (F19)", ("uniform_superposition",)),
    "privileged_basis": ("#privileged-basis (F20/F22)", ("privileged_basis", "privileged_basis_relu_output")),
    "abs_small": ("#computation (F24)", ("abs_small",)),
    "abs_sparsity": ("#computation (F25)", ("abs_sparsity",)),
    "abs_motif": ("#computation-asymmetric-motif (F26/F27)", ("abs_sparsity",)),
    # Beyond the paper: questions its readers leave open, answered where the features are known.
    "incidental_polysemanticity": (
        "beyond the paper: polysemanticity without superposition",
        tuple(f"ample_{model}_wd{wd}" for model in ("abs", "hidden") for wd in ("001", "01"))
        + ("abs_sparsity", "privileged_basis"),
    ),
    "product_neurons": ("beyond the paper: neurons of an x·y network", ("product_neurons",)),
    "sae_recovery": ("beyond the paper: sparse autoencoders recover features", ("sae_recovery",)),
}


def experiments_for(figure: str) -> tuple[str, ...]:
    """Experiment names that ``figure`` needs."""
    if figure not in FIGURES:
        raise ValueError(f"figure must be one of {tuple(FIGURES)}; got {figure!r}")
    return FIGURES[figure][1]
