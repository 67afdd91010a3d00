"""The training jobs of a build: every run directory under ``results/`` and the job that makes it.

Each experiment spec is resolved here once, when the workflow loads, and handed to its job as a
parameter (the job's script rebuilds the experiment from it, resolving nothing again). A toy-model
run ``runs/<experiment>`` is trained by one job or, with ``shards: N``, by N shard jobs
``shards/<experiment>/<i>`` and a merge; the sparse autoencoders ``runs/sae_recovery`` and
``runs/sae_benchmark`` train on finished runs. A robustness-study variant's runs are the same under
``robustness/<variant>/`` (``tms.variants``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from tms.core.experiments import Experiment
from tms.core.sae_benchmark import RUN as SAE_BENCHMARK_RUN
from tms.core.sae_benchmark import sources as sae_benchmark_sources
from tms.core.sae_training import SAE_RUN
from tms.variants import variant_config

# A second thread speeds a step up by only 10-20% on 2 cores (n=5..20: 10-15%; the n=200, m=20
# sweep: 17%, measured), so on a laptop two one-thread runs side by side finish sooner; only
# runs larger than any of the default config's take two.
TWO_THREADS_FROM = 100_000  # n_features x n_hidden x instances per shard


def job_threads(threads: int, cores: int | None) -> int:
    """The threads a training job takes on a machine of ``cores`` (``None``: not known, as under a
    cluster executor): at most half the cores. On 2 cores a two-thread job waits for both to be
    free while Snakemake hands every freed core to a waiting one-thread job, so in the paper
    config's build the two-thread jobs, the largest and first by priority, started only after all
    the others (docs/speed.md, "The paper config"). One thread and two train the same numbers for
    these runs, bit for bit (measured on F9 at n = 400, F25 and F5's ReLU model)."""
    return threads if cores is None else max(1, min(threads, cores // 2))


# The sparse autoencoders train on finished runs and are the tail of the longest chain (the F9
# sweep, then the SAEs): they go before any training job still waiting. Priorities stay small
# numbers: Snakemake's ILP scheduler found 2**62 "infeasible" and fell back to its greedy one.
SAE_PRIORITY = 1000

# The SAE runs: run name -> (its config section, the experiments whose runs it trains on).
SAE_TASKS = {
    SAE_RUN: ("sae", lambda config: [config["sae"]["source"]]),
    SAE_BENCHMARK_RUN: ("sae_benchmark", sae_benchmark_sources),
}


@dataclass(frozen=True)
class Training:
    """A toy-model training job: the resolved ``spec``, the ``shard`` it trains (None: all)."""

    spec: dict
    shard: int | None
    threads: int
    priority: int  # longest first: 10 log10(size × steps), so the long runs start at once


@dataclass(frozen=True)
class SaeTraining:
    """A sparse-autoencoder job: ``run`` (a key of ``SAE_TASKS``), its ``config`` section and seed,
    and the run directories (``sources``) it reads."""

    run: str
    config: dict
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Jobs:
    """Run directory (relative to ``results/``) -> job: trained toy runs and shards, merged runs
    (-> their shards' directories), SAE runs."""

    train: dict[str, Training]
    merge: dict[str, list[str]]
    sae: dict[str, SaeTraining]


def jobs(config: dict, variants: list[str] = ()) -> Jobs:
    """The jobs of the build of ``config`` and of each study variant in ``variants``."""
    out = Jobs({}, {}, {})
    for prefix, cfg in [("", config), *((f"robustness/{v}/", variant_config(config, v)) for v in variants)]:
        for name in cfg["experiments"]:
            _add_experiment(out, prefix, Experiment.from_config(name, cfg))
        for run, (section, sources) in SAE_TASKS.items():
            if section in cfg:
                job_config = {section: cfg[section], "seed": cfg.get("seed", 0)}
                paths = tuple(f"{prefix}runs/{name}" for name in sources(cfg))
                out.sae[f"{prefix}runs/{run}"] = SaeTraining(run, job_config, paths)
    return out


def _add_experiment(out: Jobs, prefix: str, exp: Experiment) -> None:
    spec = exp.to_dict()
    size = exp.n_features * exp.n_hidden * exp.n_instances // exp.shards
    threads = 2 if size >= TWO_THREADS_FROM else 1
    priority = round(10 * math.log10(size * exp.recipe.steps))
    if exp.shards == 1:
        out.train[f"{prefix}runs/{exp.name}"] = Training(spec, None, threads, priority)
        return
    shards = [f"{prefix}shards/{exp.name}/{i}" for i in range(exp.shards)]
    for i, path in enumerate(shards):
        out.train[path] = Training(spec, i, threads, priority)
    out.merge[f"{prefix}runs/{exp.name}"] = shards
