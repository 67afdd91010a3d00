"""``tms bench``: ms per training step of our trainer against the reference loop, side by side.

Both run in the same process on the same machine, interleaved repeat by repeat, so a noisy
machine slows both alike; we report medians and the ratio (reference / ours). Sizes are
n × m × instances at batch 1024 (docs/speed.md).
"""

from __future__ import annotations

import json
import platform
import statistics
import subprocess
import sys
import time

import torch

from tms.bench.reference import ReferenceAbsModel, ReferenceModel, reference_step
from tms.core.data import SparseFeatures
from tms.core.models import make_model
from tms.core.train import Recipe, make_optimizer, make_step

DEFAULT_CONFIGS = ("200x20x20", "10x5x1000", "5x2x10", "100x20x20", "abs:100x40x7")
DENSITY = 0.1  # mid-sparse: neither path gets an easy all-zero or all-dense batch
# A config's optional prefix names the model: the ReLU-output model, or the abs-value model of
# #computation (h = ReLU(W₁x), y' = ReLU(W₂h + b), signed inputs, target |x|).
MODELS = {"": "relu_output", "abs": "abs_value"}
PREFIXES = {model: f"{prefix}:" if prefix else "" for prefix, model in MODELS.items()}


def parse_config(text: str) -> tuple[int, int, int, str]:
    """``[abs:]NxMxINSTANCES`` -> (n, m, instances, model name)."""
    prefix, _, sizes = text.lower().rpartition(":")
    try:
        n, m, inst = (int(v) for v in sizes.split("x"))
        model = MODELS[prefix]
    except (ValueError, KeyError):
        raise ValueError(
            f"benchmark config must look like NxMxINSTANCES, optionally prefixed by a model "
            f"({', '.join(repr(p + ':') for p in MODELS if p)}), e.g. 200x20x20 or abs:100x40x7; got {text!r}"
        ) from None
    return n, m, inst, model


def _time(step, steps: int) -> float:
    start = time.perf_counter()
    for i in range(steps):
        step(i)
    return (time.perf_counter() - start) / steps * 1e3


def reference_stepper(n: int, m: int, inst: int, batch: int, model: str = "relu_output"):
    model = ReferenceAbsModel(inst, n, m) if model == "abs_value" else ReferenceModel(inst, n, m)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    density, importance = torch.full((inst, n), DENSITY), torch.ones(inst, n)
    gen = torch.Generator().manual_seed(0)
    return lambda i: reference_step(model, opt, density, importance, batch, gen)


def tms_stepper(n: int, m: int, inst: int, batch: int, model: str = "relu_output"):
    recipe = Recipe(batch_size=batch)
    model = make_model(model)
    params = model.init_params(inst, n, m, recipe.init)
    opt = make_optimizer(list(params.values()), recipe)
    features = SparseFeatures(torch.full((inst, n), DENSITY), signed=model.signed)
    return make_step(model, params, opt, features, torch.ones(inst, n), recipe, torch.Generator().manual_seed(0))


STEPPERS = {"reference": reference_stepper, "tms": tms_stepper}


def peak_memory_mib(kind: str, n: int, m: int, inst: int, batch: int = 1024, model: str = "relu_output") -> float:
    """Peak resident memory (MiB) that building ``kind``'s stepper and taking 3 steps adds to a
    fresh Python process that has imported torch: the rise of Linux's ``VmHWM`` (the process's
    own high-water mark; ``ru_maxrss`` would inherit the parent's size across fork and exec)."""
    code = (
        "import re, tms.bench.benchmark as b\n"
        "hwm = lambda: int(re.search(r'VmHWM:\\s*(\\d+)', open('/proc/self/status').read()).group(1))\n"
        "base = hwm()\n"
        f"step = b.STEPPERS[{kind!r}]({n}, {m}, {inst}, {batch}, {model!r})\n"
        "for i in range(3): step(i)\n"
        "print((hwm() - base) / 1024)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return round(float(done.stdout.split()[-1]), 1)


def bench_config(
    n: int, m: int, inst: int, model: str = "relu_output", repeats: int = 5, steps: int = 20, batch: int = 1024
) -> dict:
    """Median ms/step of both implementations (after a warm-up), their ratio, and the peak
    memory each adds (measured in fresh processes)."""
    steppers = {name: make(n, m, inst, batch, model) for name, make in STEPPERS.items()}
    for step in steppers.values():
        _time(step, 3)
    times = {k: [] for k in steppers}
    for _ in range(repeats):
        for name, step in steppers.items():
            times[name].append(_time(step, steps))
    med = {k: statistics.median(v) for k, v in times.items()}
    return {
        "config": f"{PREFIXES[model]}{n}x{m}x{inst}",
        "model": model,
        "batch": batch,
        "reference_ms": round(med["reference"], 3),
        "tms_ms": round(med["tms"], 3),
        "ratio": round(med["reference"] / med["tms"], 2),
        "reference_peak_mib": peak_memory_mib("reference", n, m, inst, batch, model),
        "tms_peak_mib": peak_memory_mib("tms", n, m, inst, batch, model),
        "repeats": repeats,
        "steps_per_repeat": steps,
    }


def benchmark_times(path) -> tuple[float, float]:
    """Wall and CPU seconds of one job from its Snakemake ``benchmark:`` file (NaN where the file,
    or its ``cpu_time`` column, is missing: a missing job is not a free one)."""
    from pathlib import Path

    path = Path(path)
    if not path.exists():
        return float("nan"), float("nan")
    header, row = path.read_text().splitlines()[:2]
    cells = dict(zip(header.split("\t"), row.split("\t"), strict=True))
    return float(cells["s"]), float(cells.get("cpu_time", "nan"))


def figure_times(bench_dir) -> dict:
    """Seconds per figure from Snakemake's ``benchmark:`` files under ``bench_dir``
    (``results/benchmarks``): its experiments' training (a sharded one's shards summed), its plot
    and its claims, as wall time (``seconds``) and CPU time (``cpu_seconds``, which jobs sharing
    the cores inflate far less). An experiment shared by two figures counts in both; the totals
    count every job once."""
    from pathlib import Path

    from tms.figures import FIGURES, experiments_for

    def training(name: str) -> tuple[float, float]:
        """One training job, or the sum of a sharded experiment's shard jobs (tms.jobs' run directories)."""
        shards = sorted((bench_dir / "train" / "shards" / name).glob("*.tsv"))
        if not shards:
            return benchmark_times(bench_dir / "train" / "runs" / f"{name}.tsv")
        return tuple(map(sum, zip(*(benchmark_times(p) for p in shards), strict=True)))

    bench_dir = Path(bench_dir)
    rows = {}
    for figure in FIGURES:
        parts = {f"train {e}": training(e) for e in experiments_for(figure)}
        parts["plot"] = benchmark_times(bench_dir / "figures" / f"{figure}.tsv")
        parts["claims"] = benchmark_times(bench_dir / "claims" / f"{figure}.tsv")
        rows[figure] = {
            "seconds": round(sum(s for s, _ in parts.values()), 1),
            "cpu_seconds": round(sum(c for _, c in parts.values()), 1),
            "parts": {k: s for k, (s, _) in parts.items()},
        }
    jobs = [benchmark_times(p) for p in sorted(bench_dir.glob("**/*.tsv"))]
    return {
        "figures": rows,
        "total_seconds_all_jobs": round(sum(s for s, _ in jobs), 1),
        "total_cpu_seconds_all_jobs": round(sum(c for _, c in jobs), 1),
        "jobs": len(jobs),
    }


def cpu_model() -> str:
    """The CPU's model name (Linux's /proc/cpuinfo, else ``platform.processor()``): the ratios
    depend on it (README "Speed" compares two CPUs)."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main(args) -> int:
    if args.figures:
        report = figure_times(args.figures)
        for figure, row in report["figures"].items():
            print(f"{figure:>30}  {row['seconds']:8.1f} s  {row['cpu_seconds']:8.1f} s of CPU")
        print(
            f"{'all jobs, serial sum':>30}  {report['total_seconds_all_jobs']:8.1f} s  "
            f"{report['total_cpu_seconds_all_jobs']:8.1f} s of CPU ({report['jobs']} jobs)"
        )
        return 0
    configs = args.configs or DEFAULT_CONFIGS
    if args.account:
        from tms.bench.account import account, format_account

        reports = [account(*parse_config(text), steps=args.steps) for text in configs]
        print(json.dumps(reports, indent=1) if args.json else "\n".join(map(format_account, reports)))
        if args.out:
            from tms.core.io import write_json

            write_json(args.out, reports)
        return 0
    rows = []
    for text in configs:
        row = bench_config(*parse_config(text), repeats=args.repeats, steps=args.steps)
        rows.append(row)
        if not args.json:
            print(
                f"{row['config']:>12}  reference {row['reference_ms']:8.2f} ms  tms {row['tms_ms']:8.2f} ms  "
                f"×{row['ratio']:.2f}  peak MiB {row['reference_peak_mib']:.0f} / {row['tms_peak_mib']:.0f}",
                flush=True,
            )
    report = {
        "machine": {
            "platform": platform.platform(),
            "cpu": cpu_model(),
            "threads": torch.get_num_threads(),
            "torch": torch.__version__,
        },
        "results": rows,
    }
    if args.json:
        print(json.dumps(report, indent=1))
    if args.out:
        from tms.core.io import write_json

        write_json(args.out, report)
    return 0
