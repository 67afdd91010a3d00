"""The shared trainer: one call trains a batch of independent model instances.

``Recipe()``'s defaults are the authors' notebook recipe, the ``recipe:`` block of config/config.yaml
(docs/figures.md "Recipe"; a test holds them equal): AdamW (lr 1e-3, weight decay 0.01), batch 1024 fresh
samples per step, 10,000 steps, constant learning rate, the notebook's init (``xavier_normal_`` on the whole
``[inst, n, m]`` tensor), b = 0, loss = per-instance mean over batch and features, summed over instances,
evaluation on 100,000 fresh samples, a loss record every 100 steps.
"""

from __future__ import annotations

import dataclasses
import math
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

# tqdm's console bar (tqdm.std), not tqdm.auto: in a Jupyter kernel without ipywidgets (the replication
# report's) tqdm.auto warns on import, and that warning, with the machine's paths, would reach the report.
from tqdm import tqdm

from tms.core.data import SparseFeatures
from tms.core.models import INITS, LOSS_REDUCTIONS
from tms.core.optimizer import OPTIMIZERS, FusedAdam
from tms.core.resume import fingerprint, load_state, save_state
from tms.core.validation import check_positive_int, is_finite_number, is_int

# The version of the random stream a seed draws (the sampler, the init, the order of draws): bump it
# with any change that trains other numbers from the same spec and seed, so that the robustness
# study's record (tms.robustness.spec_hash) marks every figure trained before it as stale.
TRAINING_STREAM = 1

# How often a resumable run (``train(resume=...)``) saves its state: a killed job loses at most this
# much work, and a save (parameters and moments, well under a second) costs nothing beside it.
RESUME_SECONDS = 120.0

SCHEDULES = ("constant", "cosine", "linear")
DEVICES = ("auto", "cpu", "cuda")  # the config's `device` and `tms train --device`


class TrainingDiverged(RuntimeError):
    """Raised when a loss becomes NaN or infinite; nothing is written."""


@dataclass(frozen=True)
class Recipe:
    """Everything about *how* a model is trained; recorded with every run. The defaults equal
    config/config.yaml's ``recipe:`` block (the authors' notebook recipe; tests/core/test_train.py)."""

    steps: int = 10_000
    batch_size: int = 1024
    lr: float = 1e-3
    weight_decay: float = 0.01
    optimizer: str = "adamw"
    schedule: str = "constant"
    init: str = "notebook"
    loss_reduction: str = "mean"
    eval_samples: int = 100_000
    log_every: int = 100
    checkpoints: int = 0
    warmup: int = 0

    def __post_init__(self):
        for name, allowed in (
            ("optimizer", OPTIMIZERS),
            ("schedule", SCHEDULES),
            ("init", INITS),
            ("loss_reduction", LOSS_REDUCTIONS),
        ):
            if getattr(self, name) not in allowed:
                raise ValueError(f"recipe.{name} must be one of {allowed}; got {getattr(self, name)!r}")
        for name in ("steps", "batch_size", "eval_samples", "log_every"):
            check_positive_int(f"recipe.{name}", getattr(self, name))
        if not is_int(self.warmup) or not 0 <= self.warmup < self.steps:
            raise ValueError(f"recipe.warmup must be an integer in [0, steps={self.steps}); got {self.warmup!r}")
        k = self.checkpoints
        if not is_int(k) or not 0 <= k <= self.steps:
            raise ValueError(f"recipe.checkpoints must be an integer in [0, steps={self.steps}]; got {k!r}")
        for name, low in (("lr", "> 0"), ("weight_decay", ">= 0")):
            value = getattr(self, name)
            ok = is_finite_number(value)
            if not ok or not (value > 0 if low == "> 0" else value >= 0):
                raise ValueError(f"recipe.{name} must be a finite number {low}; got {value!r}")

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    def checkpoint_steps(self) -> list[int]:
        """The 0-based steps at which weights are kept (before that step's update): up to
        ``checkpoints`` steps log-spaced from 0 to ``steps − 1`` (fewer when rounding merges
        early ones), for watching learning dynamics (paper #learning)."""
        if self.checkpoints == 0:
            return []
        return sorted({round(s) - 1 for s in np.geomspace(1, self.steps, self.checkpoints)})

    def lr_at(self, step: int) -> float:
        """Learning rate at 0-based ``step``: a linear warm-up over the first ``warmup`` steps
        (lr · (step + 1) / warmup), then constant, cosine or linear decay to 0 over the rest."""
        if step < self.warmup:
            return self.lr * (step + 1) / self.warmup
        frac = (step - self.warmup) / (self.steps - self.warmup)
        if self.schedule == "cosine":
            return self.lr * 0.5 * (1 + math.cos(math.pi * frac))
        if self.schedule == "linear":
            return self.lr * (1 - frac)
        return self.lr


@dataclass
class TrainResult:
    """Trained parameters and losses, all instance-first.

    ``loss_curve``: ``[inst, records]`` training-batch loss at steps ``loss_steps``;
    ``eval_loss``: ``[inst]`` loss on a fresh sample of ``recipe.eval_samples``;
    ``checkpoints``: name -> ``[inst, k, ...]`` the parameters before each step of
    ``recipe.checkpoint_steps()`` (empty without checkpoints); their training-batch loss is in
    ``loss_curve`` at those steps. ``resumed_at``: the step a resumed run went on from (0: not resumed);
    ``earlier_seconds``: the training loop's time in the attempts before it.
    """

    params: dict[str, torch.Tensor]
    loss_steps: list[int]
    loss_curve: torch.Tensor
    eval_loss: torch.Tensor
    checkpoints: dict[str, torch.Tensor] = dataclasses.field(default_factory=dict)
    resumed_at: int = 0  # the step a resumed call went on from
    earlier_seconds: float = 0.0  # the training time of the earlier attempts of a resumed call


STREAMS = ("init", "data", "eval")
MAX_SEED = 2**32 // len(STREAMS)  # CPU generators keep only 32 bits of a seed


def check_seed(seed) -> None:
    if not is_int(seed) or not 0 <= seed < MAX_SEED:
        raise ValueError(f"seed must be an integer in [0, {MAX_SEED}); got {seed!r}")


def stream_generator(seed: int, stream: str, device="cpu") -> torch.Generator:
    """A generator for one use of ``seed``: init, data and eval streams get distinct 32-bit seeds."""
    check_seed(seed)
    return torch.Generator(device=device).manual_seed(seed * len(STREAMS) + STREAMS.index(stream))


def resolve_device(device: str) -> torch.device:
    """``"auto"`` picks CUDA when available; ``"cuda"`` without a GPU is an error."""
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device not in DEVICES:
        raise ValueError(f"device must be one of {DEVICES}; got {device!r}")
    if device == "cuda" and not torch.cuda.is_available():
        raise ValueError("device 'cuda' was requested but torch sees no CUDA GPU")
    return torch.device(device)


def job_device(setting: str, gpus: int) -> torch.device:
    """The device of a Snakemake training job: ``auto`` takes CUDA only when the scheduler gave
    the job a GPU (``resources.gpu > 0``: profiles/gpu and profiles/slurm-gpu set it for the training
    rules; profiles/slurm and the default profile request none, so their jobs train on the CPU) and
    torch sees one; ``cpu`` and ``cuda`` are taken as they are."""
    if setting == "auto":
        return resolve_device("cuda" if gpus > 0 and torch.cuda.is_available() else "cpu")
    return resolve_device(setting)


def make_optimizer(params: list[torch.Tensor], recipe: Recipe) -> FusedAdam:
    """The recipe's optimizer over ``params``: torch's fused AdamW or Adam kernel (``tms.core.optimizer``)."""
    return FusedAdam(params, recipe.optimizer, recipe.lr, recipe.weight_decay)


@torch.no_grad()
def evaluate(model, params, features: SparseFeatures, importance, recipe: Recipe, generator, chunk: int = 10_000):
    """Per-instance loss ``[inst]`` on ``recipe.eval_samples`` fresh samples, in chunks."""
    total = torch.zeros(importance.shape[0], dtype=torch.float64, device=importance.device)
    done = 0
    while done < recipe.eval_samples:
        size = min(chunk, recipe.eval_samples - done)
        x = features.sample(size, generator)
        loss, _ = model.loss_and_grads(params, x, importance, recipe.loss_reduction)
        total += loss.double() * size
        done += size
    return (total / recipe.eval_samples).float()


def _check_finite(loss: torch.Tensor, step: int) -> None:
    if not bool(torch.isfinite(loss).all()):
        bad = torch.nonzero(~torch.isfinite(loss)).flatten().tolist()
        raise TrainingDiverged(
            f"training diverged at step {step}: loss is NaN/inf for instances {bad[:10]}"
            f"{' ...' if len(bad) > 10 else ''}; lower recipe.lr or check the inputs"
        )


def make_step(model, params, opt, features, importance, recipe: Recipe, generator):
    """The training step ``step(i) -> loss [inst] | None``: sample a batch into a reused buffer,
    closed-form gradients, optimizer step. The loss is computed only on logged steps (every
    ``recipe.log_every``, the last and the checkpoints), the only ones that record it."""
    batch = features.batch(recipe.batch_size)
    weight = getattr(features, "weight", None)  # a padded training set's sample weights
    work: dict = {}
    checkpoints = set(recipe.checkpoint_steps())

    def step(i: int) -> torch.Tensor | None:
        if recipe.schedule != "constant" or recipe.warmup:
            opt.lr = recipe.lr_at(i)
        x = features.sample(recipe.batch_size, generator, out=batch)
        logged = i % recipe.log_every == 0 or i == recipe.steps - 1 or i in checkpoints
        with torch.no_grad():
            loss, grads = model.loss_and_grads(params, x, importance, recipe.loss_reduction, logged, work, weight)
        opt.step([grads[name] for name in params])
        return loss

    return step


def _restore(params, opt, generator, state) -> None:
    """Put a saved state (``tms.core.resume.load_state``) back into the loop's objects."""
    with torch.no_grad():
        for name, p in params.items():
            p.copy_(state["params"][name])
    opt.load_state(state["opt"])
    generator.set_state(state["generator"])


def train(
    model,
    features: SparseFeatures,
    importance: torch.Tensor,
    n_hidden: int,
    recipe: Recipe = Recipe(),
    seed: int = 0,
    device: str = "cpu",
    params: dict[str, torch.Tensor] | None = None,
    progress: bool = False,
    test_features=None,
    resume: str | Path | None = None,
    resume_key: str = "",
    save_every: float = RESUME_SECONDS,
) -> TrainResult:
    """Train ``inst`` independent instances of ``model`` jointly.

    Args:
        model: a model from ``tms.core.models`` (closed-form ``loss_and_grads``).
        features: data source with ``density`` ``[inst, n]``.
        importance: ``[inst, n]`` per-feature weights of the squared error (``[inst, outputs]``
            for a model whose target is narrower than its input, ``model.out_features(n)``).
        n_hidden: m, the hidden dimension.
        seed: seeds three independent streams: init, training data, evaluation sample.
        params: initial parameters (default: drawn from ``recipe.init``).
        test_features: the distribution of the evaluation sample (default: ``features``); a
            finite training set (``tms.core.data.FiniteFeatures``) is tested on fresh points.
        resume: a file for the resumable state (``tms.core.resume``): written every
            ``save_every`` seconds and at the end; a call that finds a state saved for the same
            inputs (``resume_key``, e.g. the resolved spec, plus the recipe, seed, model, width,
            initial parameters, features and importance) goes on from it and returns exactly
            what the uninterrupted run returns. The caller deletes the file once it has kept
            the result.

    Returns a ``TrainResult``; raises ``TrainingDiverged`` if any loss turns NaN/inf.
    """
    inst, n = features.shape
    if importance.shape != (inst, model.out_features(n)):
        raise ValueError(f"importance must have shape {(inst, model.out_features(n))}; got {tuple(importance.shape)}")
    if getattr(features, "signed", False) != getattr(model, "signed", False):
        want = "signed (U[-1, 1])" if getattr(model, "signed", False) else "unsigned (U[0, 1])"
        raise ValueError(f"model {model.name} trains on {want} features; got signed={features.signed}")
    if not (isinstance(n_hidden, int) and n_hidden >= 1):
        raise ValueError(f"n_hidden must be a positive integer; got {n_hidden!r}")
    dev = resolve_device(device)
    if params is None:
        params = model.init_params(inst, n, n_hidden, recipe.init, stream_generator(seed, "init"))
    params = {k: v.detach().to(dev, torch.float32).clone() for k, v in params.items()}
    data_gen = stream_generator(seed, "data", dev)
    features, importance = features.to(dev), importance.to(dev, torch.float32)
    opt = make_optimizer(list(params.values()), recipe)
    step = make_step(model, params, opt, features, importance, recipe, data_gen)

    first, earlier, loss_steps, curve, snapshots = 0, 0.0, [], [], []
    if resume is not None:
        inputs = [*params.values(), importance, *(v for v in vars(features).values() if torch.is_tensor(v))]
        state_id = fingerprint(
            resume_key,
            recipe=recipe.to_dict(),
            seed=seed,
            model=model.name,
            n_hidden=n_hidden,
            stream=TRAINING_STREAM,
            tensors=inputs,
        )
        state = load_state(resume, state_id)
        if state is not None:
            first, earlier = state["step"], state["seconds"]
            loss_steps, snapshots = state["loss_steps"], state["snapshots"]
            curve = [c.to(dev) for c in state["curve"]]
            _restore(params, opt, data_gen, state)

        def save(done: int) -> None:
            seconds = earlier + time.perf_counter() - started
            save_state(resume, state_id, done, seconds, params, opt, data_gen, loss_steps, curve, snapshots)

    checkpoint_at, started = set(recipe.checkpoint_steps()), time.perf_counter()
    saved = started
    steps = tqdm(
        range(first, recipe.steps),
        initial=first,
        total=recipe.steps,
        disable=not progress,
        mininterval=10,
        desc=model.name,
    )
    for i in steps:
        if i in checkpoint_at:
            snapshots.append({k: v.detach().cpu().clone() for k, v in params.items()})
        loss = step(i)
        if loss is not None:
            _check_finite(loss, i)
            loss_steps.append(i)
            curve.append(loss)
        if resume is not None and time.perf_counter() - saved >= save_every:
            save(i + 1)
            saved = time.perf_counter()
    if resume is not None and first < recipe.steps:
        save(recipe.steps)  # a call after this one only evaluates

    final = {k: v.detach() for k, v in params.items()}
    for name, v in final.items():
        if not bool(torch.isfinite(v).all()):
            raise TrainingDiverged(f"parameter {name} is NaN/inf after training")
    eval_gen = stream_generator(seed, "eval", dev)
    test_features = features if test_features is None else test_features.to(dev)
    if test_features.shape != features.shape:
        raise ValueError(f"test_features must have shape {features.shape}; got {test_features.shape}")
    eval_loss = evaluate(model, final, test_features, importance, recipe, eval_gen)
    _check_finite(eval_loss, recipe.steps)
    return TrainResult(
        params={k: v.cpu() for k, v in final.items()},
        loss_steps=loss_steps,
        loss_curve=torch.stack(curve, dim=1).cpu(),
        eval_loss=eval_loss.cpu(),
        checkpoints={k: torch.stack([s[k] for s in snapshots], dim=1) for k in params} if snapshots else {},
        resumed_at=first,
        earlier_seconds=earlier,
    )
