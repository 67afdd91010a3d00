"""Project finding beyond the paper: a 4-neuron ReLU MLP computing x·y (``tms.core.models.product``) has
neurons along x + y and x − y: polysemantic in the input basis, with no superposition (two
inputs, four neurons)."""

from __future__ import annotations

from tms.analysis.product import diagonal_alignment, input_mixing, neuron_directions
from tms.claims.registry import Measured, claim
from tms.figures import BEYOND

FIGURE = "product_neurons"
ANCHOR = BEYOND

RUN = "product_neurons"
ON_DIAGONAL = 0.95  # |cos| to the nearer diagonal: within ~18° of x ± y (an axis gives 0.71)
LIVE = 0.05  # |output weight| · ‖input weights‖ below this: the neuron does nothing


@claim(
    "X2.1",
    "Project finding: the x·y network's neurons respond to the x + y and x − y directions, each "
    "driven by both inputs (polysemantic in the input basis without superposition).",
    "in the lowest-loss replica every live neuron lies along a diagonal, the four covering ±(x + y) and ±(x − y)",
    f"|cos| to the nearer diagonal ≥ {ON_DIAGONAL} for every live neuron and all four diagonal "
    "directions present; how many replicas do so is reported",
    required=False,
)
def diagonal_neurons(runs):
    run = runs[RUN]
    W1, W2 = run["W1"], run["W2"]
    live = (W2.abs() * W1.norm(dim=-2)) > LIVE
    align = diagonal_alignment(W1)
    angles = neuron_directions(W1)

    def holds(k: int) -> bool:
        quadrants = {int(((float(a) + 360) % 360) // 90) for a, ok in zip(angles[k], live[k], strict=True) if ok}
        return bool((align[k][live[k]] >= ON_DIAGONAL).all()) and len(quadrants) == 4

    best = run.best_indices()[0]
    replicas = sum(holds(k) for k in range(len(run.eval_loss)))
    return Measured(
        {
            "best replica: angles °": [round(float(a)) for a in angles[best]],
            "|cos| to a diagonal": [round(float(a), 3) for a in align[best]],
            "input mixing min/max": [round(float(a), 2) for a in input_mixing(W1[best])],
            "eval loss": round(float(run.eval_loss[best]), 4),
            "replicas with diagonal neurons": f"{replicas} of {len(run.eval_loss)}",
        },
        holds(best),
    )
