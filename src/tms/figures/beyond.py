"""The figures beyond the paper: questions its readers leave open, answered where the features are
known. Their registry entries, in the order of the report, labelled ``BEYOND`` where a paper figure
has its label (``tms.figures`` puts them after the paper's figures)."""

from __future__ import annotations

from tms.figures.figure import Figure

BEYOND = "beyond the paper"
DOUBLE_DESCENT = ("double_descent_m2", "double_descent_m3", "double_descent_m4")  # finite-data runs, by m

BEYOND_FIGURES: tuple[Figure, ...] = (
    Figure(
        name="incidental_polysemanticity",
        paper=BEYOND,
        anchor="",
        title="polysemantic neurons with ample neurons (m = 2n), by weight decay.",
        experiments=tuple(f"ample_{model}_wd{wd}" for model in ("abs", "hidden") for wd in ("001", "01"))
        + ("abs_sparsity", "privileged_basis"),
        plotter="tms.plots.incidental:plot_incidental",
        claims="tms.claims.incidental",
        category="9. Beyond the paper",
        caption="**Beyond the paper: polysemanticity without superposition.** Abs-value and tied ReLU-hidden models "
        "with n = 10 features and m = 20 neurons, enough for a monosemantic zero-loss solution, trained at two "
        "weight decays: the share of polysemantic neurons against density, beside the paper's m < n models. Look "
        "for polysemantic neurons where superposition is not needed, and for how weight decay changes their "
        "number.",
    ),
    Figure(
        name="product_neurons",
        paper=BEYOND,
        anchor="",
        title="the neurons of a 4-neuron ReLU MLP computing x*y.",
        experiments=("product_neurons",),
        plotter="tms.plots.product_neurons:plot_product_neurons",
        claims="tms.claims.product_neurons",
        category="9. Beyond the paper",
        caption="**Beyond the paper: neurons of an x·y network.** A ReLU MLP with 4 neurons trained to multiply two "
        "standard-normal inputs: what each neuron computes over the input plane and every replica's neuron "
        "directions. Look for neurons along x + y and x − y, each reading both inputs: polysemantic in the input "
        "basis although there are more neurons than inputs.",
    ),
    Figure(
        name="sae_recovery",
        paper=BEYOND,
        anchor="",
        title="how well sparse autoencoders recover the known features.",
        experiments=("sae_recovery",),
        plotter="tms.plots.sae:plot_sae_recovery",
        claims="tms.claims.sae",
        category="9. Beyond the paper",
        caption="**Beyond the paper: decoding superposition with sparse autoencoders.** ReLU-L1, TopK and JumpReLU "
        "SAEs trained on the hidden activations of the F9 sweep's models, where the true feature directions are "
        "known: reconstruction error against L0 per source density, and how many true features an atom matches "
        "(cosine > 0.9). Look for which kind reaches the lower-left of each panel and where recovery succeeds.",
    ),
    Figure(
        name="sae_benchmark",
        paper=BEYOND,
        anchor="",
        title="every SAE kind scored against the known features of models that superpose.",
        experiments=("sae_benchmark",),
        plotter="tms.plots.sae_benchmark:plot_sae_benchmark",
        claims="tms.claims.sae_benchmark",
        category="9. Beyond the paper",
        caption="**Beyond the paper: a ground-truth benchmark for sparse dictionaries.** ReLU-L1, JumpReLU, TopK, "
        "BatchTopK and Matryoshka SAEs, each swept over its sparsity setting, on the hidden activations of trained "
        "toy models whose features are known: reconstruction against L0, the one-to-one match to the true "
        "features (MCC) against k, recovery against the model's features per dimension, and the feature count "
        "estimated from a sweep of dictionary sizes alone. Look for the MCC peak near the true L0 and for "
        "recovery falling as superposition rises.",
    ),
    Figure(
        name="feature_absorption",
        paper=BEYOND,
        anchor="",
        title="feature absorption against the co-occurrence of parent and child features, per SAE kind.",
        experiments=("sae_benchmark",),
        plotter="tms.plots.sae_benchmark:plot_feature_absorption",
        claims="tms.claims.sae_benchmark",
        category="9. Beyond the paper",
        caption="**Beyond the paper: feature absorption.** Parent features with children that fire only with them, "
        "pushed through a trained toy model: how often the parent's latent falls silent where a child fires, "
        "beyond its miss rate without a child, against P(child | parent). Look for absorption rising with "
        "co-occurrence, and for the Matryoshka SAE below BatchTopK.",
    ),
    Figure(
        name="double_descent",
        paper=BEYOND,
        anchor="",
        title="test and training loss against the training-set size T: double descent, by m.",
        experiments=DOUBLE_DESCENT,
        plotter="tms.plots.memorization:plot_double_descent",
        claims="tms.claims.memorization",
        category="9. Beyond the paper",
        caption="**Beyond the paper: double descent (Henighan et al. 2023).** ReLU-output models trained full-batch on "
        "T fixed unit-norm sparse points (n = 500 features at density 0.02, 10 active per point), for m = 2, 3, 4: "
        "test loss on fresh points and training loss against T. Look for a test-loss peak between the regime that "
        "memorizes the points (small T) and the one that learns the features (large T), and for the peak moving "
        "to larger T as m grows.",
    ),
    Figure(
        name="memorization_geometry",
        paper=BEYOND,
        anchor="",
        title="m = 2: the training points' hidden vectors and the features at a small, the peak and a large T.",
        experiments=DOUBLE_DESCENT[:1],
        plotter="tms.plots.memorization:plot_memorization_geometry",
        claims="tms.claims.memorization",
        category="9. Beyond the paper",
        caption="**Beyond the paper: memorizing points or features.** The m = 2 model of the double-descent sweep at "
        "a small T, at its test-loss peak and at the largest T: the hidden vectors h_t = W x_t of the training "
        "points (top) and the features W_i (bottom). Look for the points on a regular polygon while the features "
        "only follow them, then a few features on a polygon while the points crowd onto them.",
    ),
    Figure(
        name="data_vs_feature_dimensionality",
        paper=BEYOND,
        anchor="",
        title="the dimensionality of every training point and every feature against T.",
        experiments=DOUBLE_DESCENT,
        plotter="tms.plots.memorization:plot_data_vs_feature_dimensionality",
        claims="tms.claims.memorization",
        category="9. Beyond the paper",
        caption="**Beyond the paper: data dimensionality against feature dimensionality.** For each m, the paper's "
        "dimensionality D = ‖v‖² / Σ_u (v̂·u)² of every training point's hidden vector (red) and of every "
        "feature (blue) against T. Look for the points holding the dimensions when T is small, the features when "
        "T is large, and both low in between, where the test loss peaks.",
    ),
)
