"""The paper's figures: the registry entries of the figures of "Toy Models of Superposition",
in the paper's order (``tms.figures`` joins them with the figures beyond the paper)."""

from __future__ import annotations

from tms.figures.figure import Figure

PAPER_FIGURES: tuple[Figure, ...] = (
    Figure(
        name="intro",
        paper="Figure 1",
        anchor="#motivation",
        title="the five features of n=5, m=2 models at densities 1, 0.2, 0.1.",
        experiments=("intro",),
        plotter="tms.plots.intro:plot_intro",
        claims="tms.claims.intro",
        category="1. Introduction",
        caption="**Figure 1 (#motivation).** Five features of importance 0.9^i in a 2-dimensional ReLU-output model: "
        "at density 1 only the two most important are represented (orthogonally); as features get sparser, first "
        "the top four form two antipodal pairs, then all five sit on a pentagon.",
    ),
    Figure(
        name="basic_results",
        paper="F4",
        anchor="#demonstrating-basic-results",
        title="linear vs ReLU output models, n=20, m=5, across seven densities.",
        experiments=("basic_linear", "basic_relu"),
        plotter="tms.plots.basic_results:plot_basic_results",
        claims="tms.claims.basic_results",
        category="2. Demonstrating superposition",
        caption="**Figure 4 (#demonstrating-basic-results).** n=20 features of importance 0.7^i in m=5 dimensions: "
        "per model WᵀW (red +1, blue −1), the bias b, and each feature's norm ‖W_i‖ coloured by its superposition; "
        "the linear model keeps the top five features orthogonally, while ReLU-output models represent ever more "
        "features in superposition as density falls.",
    ),
    Figure(
        name="basic_results_large",
        paper="F5",
        anchor="#demonstrating-basic-results",
        title="the same at n=80, m=20: essentially a rescaled version.",
        experiments=("basic_large_linear", "basic_large_relu"),
        plotter="tms.plots.basic_results:plot_basic_results",
        claims="tms.claims.basic_results",
        category="2. Demonstrating superposition",
        caption="**Figure 5 (#demonstrating-basic-results).** The same at n=80, m=20 with importance 0.9^i: "
        "essentially a rescaled version of Figure 4.",
    ),
    Figure(
        name="phase_diagram",
        paper="F7",
        anchor="#phase-change",
        title="phase diagram of n=2, m=1: closed form beside a trained (r, s) grid.",
        experiments=("phase_2_1",),
        plotter="tms.plots.phase_change:plot_phase_diagram",
        claims="tms.claims.phase_change",
        category="3. Superposition as a phase change",
        caption="**Figure 7 (#phase-change).** Phase diagram of a ReLU-output model with two features and one "
        "hidden dimension, as a function of the extra feature's relative importance r and the feature density: "
        "the closed-form candidates' map (left) beside trained models (hue: the extra feature's superposition; "
        "saturation: its norm; white: not represented), and the candidate losses along r ≈ 0.5 and r ≈ 2 crossing "
        "at the boundary, with the trained models' losses on top.",
    ),
    Figure(
        name="phase_diagram_3_2",
        paper="F8",
        anchor="#phase-change",
        title="phase diagram of n=3, m=2: the same, with its flat 4/7 line for r > 1.",
        experiments=("phase_3_2",),
        plotter="tms.plots.phase_change:plot_phase_diagram",
        claims="tms.claims.phase_change",
        category="3. Superposition as a phase change",
        caption="**Figure 8 (#phase-change).** The same for three features in two dimensions, coloured by which "
        "closed-form candidate each cell realises: below s = 4r/(2+5r) (r < 1) the extra feature joins an "
        "antipodal pair; for r > 1 it stays dedicated while the other two switch from one dropped to an "
        "antipodal pair below the flat line s = 4/7.",
    ),
    Figure(
        name="dimensions_per_feature",
        paper="F9",
        anchor="#geometry-uniform",
        title="dimensions per feature D* against sparsity, sticky at 1 and 1/2.",
        experiments=("uniform_superposition",),
        plotter="tms.plots.geometry:plot_dimensions_per_feature",
        claims="tms.claims.geometry",
        category="4. Geometry of superposition",
        caption="**Figure F9 (#geometry-uniform).** Dimensions per feature D* = m/‖W‖_F² of a ReLU-output model "
        "with n=200 features in m=20 dimensions (I = 1; config/paper.yaml: n=400, m=30) against the inverse "
        "density 1/(1−S), one model per density (trained for the steps its config entry sets). Look for D* = 1 "
        "when dense, a plateau at 1/2, and a curve that never rises.",
    ),
    Figure(
        name="feature_dimensionality",
        paper="F10",
        anchor="#geometry-dimensionality",
        title="every feature's dimensionality D_i by density, coloured by its tegum factor's polytope.",
        experiments=("uniform_superposition",),
        plotter="tms.plots.geometry:plot_feature_dimensionality",
        claims="tms.claims.geometry",
        category="4. Geometry of superposition",
        caption="**Figure F10 (#geometry-dimensionality).** The same runs as F9: each represented feature's "
        "dimensionality D_i at each density over the D* line, coloured by the polytope its tegum factor forms "
        "(tms.analysis.geometry: features linked when \\|cos\\| > 0.1), with lines at 1, 3/4, 2/3, 1/2, 2/5, 3/8; "
        "below, "
        "the factors drawn as graphs for four densities. Look for clusters on the lines and jumps between them.",
    ),
    Figure(
        name="non_uniform",
        paper="F13",
        anchor="#geometry-non-uniform",
        title="a pentagon whose fifth feature gets sparser snaps to two digons.",
        experiments=("non_uniform",),
        plotter="tms.plots.non_uniform:plot_non_uniform",
        claims="tms.claims.non_uniform",
        category="4. Geometry of superposition",
        caption="**Figure F13 (#geometry-non-uniform).** Five features in two dimensions (ReLU output, I = 1, "
        "density 0.05) whose last feature's density is r times the others', 15 ratios from 0.1 to 10, 10 fits "
        "each. Top: the best fit per ratio, rotated and flipped into a common pose (varied feature in blue). "
        "Bottom: every fit's evaluation loss coloured by its geometry (pentagon, two digons, other). Look for a "
        "pentagon that deforms smoothly and snaps to two digons when the feature is sparse enough, where the "
        "two loss branches cross.",
    ),
    Figure(
        name="correlated_features",
        paper="F14",
        anchor="#geometry-correlated",
        title="correlated pairs go orthogonal, anticorrelated pairs antipodal, three pairs side by side.",
        experiments=("correlated_pairs", "anticorrelated_pairs", "correlated_collapse"),
        plotter="tms.plots.correlated:plot_correlated_features",
        claims="tms.claims.correlated",
        category="4. Geometry of superposition",
        caption="**Figure F14 (#geometry-correlated).** 2-D ReLU-output models of two correlated pairs (density "
        "0.05, best of 4), two anticorrelated pairs (density 0.2 per feature, best of 8) and three correlated "
        "pairs (density 0.01, best of 4), with WᵀW below. Look for orthogonal correlated pairs, antipodal "
        "anticorrelated pairs, and three pairs side by side.",
    ),
    Figure(
        name="local_bases",
        paper="F15",
        anchor="#geometry-correlated",
        title="two sets of correlated features form local orthogonal bases.",
        experiments=("local_bases",),
        plotter="tms.plots.correlated:plot_local_bases",
        claims="tms.claims.correlated",
        category="4. Geometry of superposition",
        caption="**Figure F15 (#geometry-correlated).** WᵀW of 20 features in two correlated sets of 10 in m=10 "
        "dimensions (density 0.03, best of 2), and the cosines within and across sets. Look for near-orthogonal "
        "features inside each set and interference only across sets.",
    ),
    Figure(
        name="collapse",
        paper="F16",
        anchor="#geometry-collapsing",
        title="correlated pairs collapse onto their principal component as density grows.",
        experiments=("correlated_collapse",),
        plotter="tms.plots.correlated:plot_collapse",
        claims="tms.claims.correlated",
        category="4. Geometry of superposition",
        caption="**Figure F16 (#geometry-collapsing).** Three correlated pairs in 2-D at 12 densities from 0.01 to "
        "0.8 (best of 4 each) and the number of collapsed pairs (members sharing a direction), against the "
        "paper's regimes. Look for pairs collapsing one by one as density grows.",
    ),
    Figure(
        name="learning_dynamics",
        paper="F17",
        anchor="#learning-jumps",
        title="features' dimensionality over training jumps to digons, beside the loss curve.",
        experiments=("learning_dynamics",),
        plotter="tms.plots.learning_dynamics:plot_learning_dynamics",
        claims="tms.claims.learning_dynamics",
        category="5. Learning dynamics",
        caption="**Figure F17 (#learning-jumps).** Dimensionality D_i of every learned feature of a ReLU-output "
        "model (n=60, m=10, density 0.3, on the D* ≈ 1/2 plateau) over training, from log-spaced weight "
        "checkpoints, above the training loss. Look for flat stretches, a fast rise to the digon value 1/2, and "
        "where the rises fall on the loss curve.",
    ),
    Figure(
        name="learning_geometry",
        paper="F18",
        anchor="#learning-geometric",
        title="two correlated sets of three in 3-D: a PCA-like stage, then an octahedron.",
        experiments=("learning_geometry",),
        plotter="tms.plots.learning_geometry:plot_learning_geometry",
        claims="tms.claims.learning_geometry",
        category="5. Learning dynamics",
        caption="**Figure F18 (#learning-geometric).** Six features in two correlated sets of three (blue, red) "
        "embedded in 3 dimensions, shown at checkpoints along the loss curve, each rotated onto the final model. "
        "Look for the sets' members first turning towards their set's principal component (the share curve "
        "rising above 1/3), then separating into an octahedron whose antipodal pairs each join one blue and one "
        "red feature.",
    ),
    Figure(
        name="adversarial",
        paper="F19",
        anchor="#adversarial",
        title="vulnerability to the analytic attack vs sparsity, on the F9 uniform-superposition sweep.",
        experiments=("uniform_superposition",),
        plotter="tms.plots.adversarial:plot_adversarial",
        claims="tms.claims.adversarial",
        category="6. Adversarial robustness",
        caption="**Figure F19 (#adversarial).** Vulnerability of ReLU-output models (n=200, m=20, I = 1: the F9 "
        "uniform-superposition sweep, whose features per dimension ‖W‖_F²/m are the paper's lower panel) to the "
        "analytic attack (for each feature, a perturbation along its row of WᵀW with norm 0.1 × the mean input "
        "norm; the most harmful), relative to a model without superposition, against sparsity and against "
        "features per dimension. Look for whether vulnerability rises as features per dimension grow.",
    ),
    Figure(
        name="privileged_basis",
        paper="F20/F22",
        anchor="#privileged-basis",
        title="the tied ReLU-hidden model's W and neuron stacks across the sparsity regimes.",
        experiments=("privileged_basis", "privileged_basis_relu_output"),
        plotter="tms.plots.privileged_basis:plot_privileged_basis",
        claims="tms.claims.privileged_basis",
        category="7. Privileged basis",
        caption="**Figures F20/F22 (#privileged-basis).** The tied ReLU-hidden model (n=10, m=5, I = 0.75^i), one "
        "column per sparsity regime, each the lowest-loss of K models (K in the figure's caption; the paper: "
        "1,000): raw W, the neuron stack plot (features coloured by superposition, M/P = monosemantic/polysemantic "
        "neuron) and, below, the ReLU-output model's W at the same density. Look for monosemantic neurons giving "
        "way to polysemantic ones as density falls, and for W aligned with the neurons only with the hidden ReLU.",
    ),
    Figure(
        name="abs_small",
        paper="F24",
        anchor="#computation",
        title="the dense abs-value model's ReLU(x) + ReLU(-x) neuron pairs (n=3, m=6).",
        experiments=("abs_small",),
        plotter="tms.plots.abs_value:plot_abs_small",
        claims="tms.claims.computation",
        category="8. Computation in superposition",
        caption="**Figure F24 (#computation).** The abs-value model h = ReLU(W₁x), y' = ReLU(W₂h + b) with n=3 "
        "signed dense features and m=6 neurons, units rescaled so their largest \\|W₁\\| is 1: W₁, W₂ and W₁'s "
        "neuron stacks. Look for each feature owning one neuron that computes ReLU(x_i) and one that computes "
        "ReLU(−x_i), both with positive output weights, so that \\|x\\| = ReLU(x) + ReLU(−x).",
    ),
    Figure(
        name="abs_sparsity",
        paper="F25",
        anchor="#computation",
        title="stacks of |W1| per neuron from dense to sparse (n=100, m=40).",
        experiments=("abs_sparsity",),
        plotter="tms.plots.abs_value:plot_abs_sparsity",
        claims="tms.claims.computation",
        category="8. Computation in superposition",
        caption="**Figure F25 (#computation).** The abs-value model with n=100, m=40, I = 0.8^i, one row per "
        "density from 1 to 0.001: stacks of \\|W₁\\| per neuron (units rescaled to a largest weight of 1), "
        "neurons sorted by the importance of their largest feature, features coloured by superposition. Look "
        "for monosemantic neurons when dense, polysemantic ones appearing as density falls, and the neurons of "
        "the most important features staying monosemantic longest.",
    ),
    Figure(
        name="abs_motif",
        paper="F26/F27",
        anchor="#computation-asymmetric-motif",
        title="mono- and polysemantic neurons in one model; the asymmetric motif found automatically.",
        experiments=("abs_sparsity",),
        plotter="tms.plots.abs_value:plot_abs_motif",
        claims="tms.claims.computation",
        category="8. Computation in superposition",
        caption="**Figures F26/F27 (#computation-asymmetric-motif).** One abs-value model of the F25 sweep with "
        "monosemantic and polysemantic neurons together (signed W₁ stacks), with the "
        "asymmetric-superposition-with-inhibition motif found by the automatic detector outlined, the first "
        "occurrence's weights tabulated, and the number of models of the sweep in which the detector found it. "
        "Look for a neuron with a large and a small opposite-sign input weight and reciprocal output weights, "
        "and a second neuron that inhibits the small feature's output.",
    ),
)
