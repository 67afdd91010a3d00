"""Claims of F18 (#learning-geometric): six features in two correlated sets of three, m = 3, read
from every replica's log-spaced weight checkpoints (``tms.analysis.learning_geometry``)."""

from __future__ import annotations

from tms.analysis.learning_geometry import crosses_sets, octahedron_pairs, pca_share, stages
from tms.claims.registry import Measured, claim

FIGURE = "learning_geometry"
ANCHOR = "#learning-geometric"

RUN = "learning_geometry"
UNSTRUCTURED, PCA = 1 / 3, 2 / 3  # pca_share of a random W (and of the octahedron), of the PCA solution
PCA_LIKE = (UNSTRUCTURED + PCA) / 2  # a stage is PCA-like when it is closer to PCA than to no structure
TYPICAL = 0.5  # "typically": at least half of the replicas


def _replicas(run):
    steps = run["checkpoint_steps"].tolist()
    set_size = int(run.spec["set_size"])
    for k in range(run.eval_loss.shape[0]):
        yield k, steps, run["checkpoints.W"][k], set_size


@claim(
    "C18.1",
    "Learning proceeds in steps of simple geometric transformations, a PCA-like solution first.",
    "early in training the weights concentrate on the data's top principal components (each "
    "correlated set's direction), then spread out into the final configuration",
    f"in ≥ {TYPICAL:.0%} of replicas the share of ‖W‖_F² along the sets' principal components peaks "
    f"at ≥ {PCA_LIKE:.2f} (halfway from unstructured 1/3 to the PCA solution's 2/3) before the "
    "final configuration forms, and ends within 0.05 of 1/3; the configurations passed through "
    "(tms.analysis.geometry.describe) are reported for the lowest-loss replica",
    required=False,
)
def pca_first(runs):
    run = runs[RUN]
    peaks, ok = [], 0
    for _, steps, snaps, set_size in _replicas(run):
        share = pca_share(snaps, set_size)
        seq = stages(snaps, steps)
        peak = int(share.argmax())
        formed_at = seq[-1][0]  # first step of the final configuration
        before = steps[peak] < formed_at
        ok += bool(share[peak] >= PCA_LIKE and before and abs(float(share[-1]) - UNSTRUCTURED) <= 0.05)
        peaks.append(round(float(share[peak]), 3))
    best = run.best_indices()[0]
    _, steps, snaps, _ = next(r for r in _replicas(run) if r[0] == best)
    share = ok / len(peaks)
    return Measured(
        {
            "replicas PCA-like first": f"{ok} of {len(peaks)}",
            "peak share per replica": peaks,
            "stages of the best replica": [f"{s}: {label}" for s, label in stages(snaps, steps)],
        },
        share >= TYPICAL,
    )


@claim(
    "C18.2",
    "The end state is typically an octahedron whose antipodal pairs join features of different sets.",
    "final W: three orthogonal antipodal pairs (tms.analysis.geometry: '3 digons'), each pair one feature from each "
    "set",
    f"≥ {TYPICAL:.0%} of replicas and the lowest-loss one",
    required=False,
)
def octahedron_end(runs):
    run = runs[RUN]
    set_size = int(run.spec["set_size"])
    good = []
    for k in range(run.eval_loss.shape[0]):
        pairs = octahedron_pairs(run.W[k])
        good.append(pairs is not None and crosses_sets(pairs, set_size))
    best = run.best_indices()[0]
    share = sum(good) / len(good)
    return Measured(
        {"replicas": f"{sum(good)} of {len(good)}", "best replica's pairs": octahedron_pairs(run.W[best])},
        share >= TYPICAL and good[best],
    )
