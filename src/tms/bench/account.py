"""``tms bench --account CONFIG``: where the milliseconds of one training step go, part by part,
each against a lower bound set by the machine (docs/speed.md, "Where a step's time goes").

A step of the trainer (``tms.core.train.make_step``) is: draw the batch (the sampler), the model's
closed-form loss and gradients (its matmuls and its elementwise passes), the fused AdamW update,
and the Python that joins them. Each part is timed on its own over the same steps; the model's
time is split by ``torch.profiler`` into matmuls and the rest. The bounds, from two measurements
on this machine in this process:

* matmul: the profiler's count of the step's matmul FLOPs over the machine's dense matmul rate
  (a 1024³ float32 matmul);
* the sampler: one uniform per candidate entry (density × the batch's entries, the gap sampler's
  draw) at the machine's ``torch.rand`` rate, plus writing the batch once at the copy bandwidth;
* the elementwise passes: reading the batch once at the copy bandwidth (a 256 MiB copy). The
  passes themselves run over cache-sized chunks (``tms.core.models.common.CHUNK_ELEMENTS``), so
  after that one read their traffic is to cache, which this bound does not price;
* AdamW: reading parameter, gradient and both moments and writing three of them.
"""

from __future__ import annotations

import statistics
import time

import torch

from tms.bench.benchmark import DENSITY
from tms.core.data import SparseFeatures
from tms.core.models import make_model
from tms.core.train import Recipe, make_optimizer, make_step

MATMULS = {"aten::mm", "aten::bmm", "aten::baddbmm", "aten::addmm", "aten::addbmm", "aten::matmul"}
FLOAT = 4  # bytes


def matmul_rate(size: int = 1024, repeats: int = 5) -> float:
    """The machine's dense float32 matmul rate (FLOP/s) on torch's current threads."""
    a, b = torch.randn(size, size), torch.randn(size, size)
    a @ b
    best = min(_seconds(lambda: a @ b) for _ in range(repeats))
    return 2 * size**3 / best


def copy_bandwidth(mib: int = 256, repeats: int = 5) -> float:
    """Bytes per second that a large copy moves (each byte read once and written once)."""
    src = torch.ones(mib * 2**20 // FLOAT)
    dst = torch.empty_like(src)
    dst.copy_(src)
    best = min(_seconds(lambda: dst.copy_(src)) for _ in range(repeats))
    return 2 * src.numel() * FLOAT / best


def rand_rate(numel: int = 2**24, repeats: int = 5) -> float:
    """Uniforms per second that ``torch.rand`` draws into a preallocated tensor."""
    out, gen = torch.empty(numel), torch.Generator().manual_seed(0)
    out.uniform_(generator=gen)
    best = min(_seconds(lambda: out.uniform_(generator=gen)) for _ in range(repeats))
    return numel / best


def _seconds(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def account(n: int, m: int, inst: int, model: str = "relu_output", batch: int = 1024, steps: int = 30) -> dict:
    """Median ms per step of each part of a training step of ``inst`` models n × m (the benchmark's
    density), and each part's lower bound in ms."""
    recipe = Recipe(batch_size=batch)
    if not 1 <= steps < recipe.log_every:
        raise ValueError(f"steps must be in [1, {recipe.log_every}); got {steps}")
    net = make_model(model)
    params = net.init_params(inst, n, m, recipe.init)
    opt = make_optimizer(list(params.values()), recipe)
    features = SparseFeatures(torch.full((inst, n), DENSITY), signed=net.signed)
    importance, gen = torch.ones(inst, net.out_features(n)), torch.Generator().manual_seed(0)
    buffer, work = features.batch(batch), {}

    def sample():
        return features.sample(batch, gen, out=buffer)

    def model_part(x):
        with torch.no_grad():
            return net.loss_and_grads(params, x, importance, recipe.loss_reduction, False, work)[1]

    def optimizer(grads):
        opt.step([grads[name] for name in params])

    whole = make_step(net, params, opt, features, importance, recipe, torch.Generator().manual_seed(1))
    for i in range(3):
        optimizer(model_part(sample()))
        whole(i + 1)  # not step 0: a logged step also computes the loss
    times = {"sampler": [], "model": [], "optimizer": [], "step": []}
    for i in range(steps):
        t0 = time.perf_counter()
        x = sample()
        t1 = time.perf_counter()
        grads = model_part(x)
        t2 = time.perf_counter()
        optimizer(grads)
        t3 = time.perf_counter()
        whole(i + 1)  # steps 1..steps: none is logged (log_every 100), so none computes the loss
        t4 = time.perf_counter()
        for name, (a, b) in zip(times, ((t0, t1), (t1, t2), (t2, t3), (t3, t4)), strict=True):
            times[name].append((b - a) * 1e3)
    ms = {k: statistics.median(v) for k, v in times.items()}

    x = sample()
    with torch.profiler.profile(with_flops=True) as prof:
        for _ in range(steps):
            model_part(x)
    mm_us, other_us, flops = 0.0, 0.0, 0
    for event in prof.key_averages():
        if event.key in MATMULS:
            mm_us += event.self_cpu_time_total
            flops += event.flops
        else:
            other_us += event.self_cpu_time_total
    profiled = mm_us + other_us
    rate, bandwidth, uniforms = matmul_rate(), copy_bandwidth(), rand_rate()
    param_bytes = sum(p.numel() for p in params.values()) * FLOAT
    x_bytes, candidates = x.numel() * FLOAT, DENSITY * x.numel()
    parts = {
        "sampler": (
            ms["sampler"],
            (candidates / uniforms + x_bytes / bandwidth) * 1e3,
            f"{candidates / 1e6:.2f} M uniforms, {x_bytes / 2**20:.0f} MiB written",
        ),
        "model matmuls": (
            ms["model"] * mm_us / profiled,
            flops / steps / rate * 1e3,
            f"{flops / steps / 1e6:.1f} MFLOP at the 1024³ matmul rate",
        ),
        "model elementwise and other ops": (
            ms["model"] * other_us / profiled,
            x_bytes / bandwidth * 1e3,
            f"read the {x_bytes / 2**20:.0f} MiB batch once (then cache-sized chunks)",
        ),
        "optimizer (fused AdamW)": (ms["optimizer"], 7 * param_bytes / bandwidth * 1e3, "read 4, write 3 × the params"),
        "Python between the parts": (max(0.0, ms["step"] - ms["sampler"] - ms["model"] - ms["optimizer"]), 0.0, ""),
    }
    return {
        "config": f"{n}x{m}x{inst}",
        "model": model,
        "batch": batch,
        "threads": torch.get_num_threads(),
        "step_ms": round(ms["step"], 3),
        "matmul_mflop": flops / steps / 1e6,
        "matmul_gflops": round(rate / 1e9, 1),
        "copy_gb_per_s": round(bandwidth / 1e9, 1),
        "rand_per_ns": round(uniforms / 1e9, 2),
        "parts": {k: {"ms": round(a, 4), "limit_ms": round(b, 6), "limit": why} for k, (a, b, why) in parts.items()},
    }


def format_account(report: dict) -> str:
    lines = [
        f"{report['config']} ({report['model']}, batch {report['batch']}, {report['threads']} threads): "
        f"{report['step_ms']:.2f} ms a step; matmul {report['matmul_gflops']} GFLOP/s, copy "
        f"{report['copy_gb_per_s']} GB/s, rand {report['rand_per_ns']} per ns",
    ]
    for name, part in report["parts"].items():
        lines.append(f"  {name:<34} {part['ms']:7.2f} ms   limit {part['limit_ms']:6.2f} ms  {part['limit']}")
    return "\n".join(lines)
