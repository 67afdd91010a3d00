# Shared helpers: package sources (rule inputs, so library edits trigger reruns), run paths.
import ast
import functools
import json
import re
from pathlib import Path

import tms
from tms.core.experiments import Experiment
from tms.core.sae_benchmark import sources as sae_benchmark_sources
from tms.figures import FIGURES, experiments_for
from tms.robustness import reusable, variants
from tms.variants import DEFAULT, variant_config

EXPERIMENTS = list(config["experiments"])
SHARDS = {name: Experiment.from_config(name, config).shards for name in EXPERIMENTS}
SHARDED = [name for name in EXPERIMENTS if SHARDS[name] > 1]
UNSHARDED = [name for name in EXPERIMENTS if SHARDS[name] == 1]


def name_regex(names):
    """A wildcard constraint matching exactly ``names`` (none: a pattern that matches nothing)."""
    return "|".join(re.escape(name) for name in names) or "(?!)"


# The software every job needs (path relative to this directory), one for all rules. Jobs run
# in the current environment unless --sdm conda is given; for that, note that environment.yml
# installs this repository with `-e .`, which resolves against the copy in .snakemake/conda/.
CONDA_ENV = "../../environment.yml"


wildcard_constraints:
    experiment=name_regex(EXPERIMENTS),
    figure="|".join(re.escape(name) for name in FIGURES),


# Snakemake does not see edits to imported modules, so each rule takes as input the source files
# of the tms modules its script imports, followed through the package's own imports (read from
# the code). Editing the trainer re-runs training; editing a figure's plot module re-draws the
# figures drawn by it. The modules imported by name from the figure registry (importlib) are not
# in the code: tms.claims.registry imports every figure's claims module (LAZY_IMPORTS), and
# tms.plots only the plot module of the figure it draws (figure_inputs names it).
PACKAGE_DIR = Path(tms.__file__).resolve().parent
LAZY_IMPORTS = {"tms.claims.registry": [entry.claims for entry in FIGURES.values()]}


def _module_file(name):
    parts = name.split(".")
    if parts[0] != "tms":
        return None
    path = PACKAGE_DIR.joinpath(*parts[1:])
    for candidate in (path / "__init__.py", path.with_suffix(".py")):
        if candidate.is_file():
            return candidate
    return None  # not a module (e.g. a name imported from one)


def _imports(path, module):
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0]
                base = f"{anchor}.{base}".rstrip(".")
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)


def package_sources(script, *modules):
    """The tms source files that workflow/scripts/``script`` runs, importing ``modules`` too
    (paths relative if possible)."""
    return list(_package_sources(script, modules))


@functools.cache  # input functions ask once per job; parsing the package each time cost seconds
def _package_sources(script, modules=()):
    script = Path(workflow.basedir, "workflow", "scripts", script)
    todo, files = [*_imports(script, "__main__"), *modules], set()
    while todo:
        name = todo.pop()
        path = _module_file(name)
        if path is None or path in files:
            continue
        files.add(path)
        parts = name.split(".")
        todo += [".".join(parts[:i]) for i in range(1, len(parts))]  # parents run first
        todo += _imports(path, name)
        todo += LAZY_IMPORTS.get(name, [])
    cwd = Path.cwd().resolve()
    return tuple(
        sorted(str(f.relative_to(cwd) if f.is_relative_to(cwd) else f) for f in files)
    )


def experiment_spec(wildcards):
    """The resolved spec (recipe merged in) as a plain dict: a change re-runs training."""
    return Experiment.from_config(wildcards.experiment, config).to_dict()


# A second thread speeds a step up by only 10-20% on 2 cores (n=5..20: 10-15%; the n=200, m=20
# sweep: 17%, measured), so on a laptop two one-thread runs side by side finish sooner; only
# runs larger than any of the default config's take two.
TWO_THREADS_FROM = 100_000  # n_features x n_hidden x instances per shard


def run_size(exp):
    """n_features x n_hidden x instances of one training job (a shard's, if sharded)."""
    return exp.n_features * exp.n_hidden * exp.n_instances // exp.shards


def train_threads(wildcards):
    exp = Experiment.from_config(wildcards.experiment, config)
    return 2 if run_size(exp) >= TWO_THREADS_FROM else 1


def train_priority(wildcards):
    """Longest first: a training job's priority is its size times its steps, so the long runs
    start at once and the short ones fill the cores around them."""
    exp = Experiment.from_config(wildcards.experiment, config)
    return run_size(exp) * exp.recipe.steps


# The sparse autoencoders train on a finished run and are the tail of the longest chain (the
# F9 sweep, then the SAEs): they go before any training job still waiting.
SAE_PRIORITY = 2**62


def sae_benchmark_runs(base, kind):
    """``kind`` of every run the SAE benchmark reads, under ``base`` (the default build's or a
    study variant's runs)."""
    return [f"{base}/{name}/{kind}" for name in sae_benchmark_sources(config)]


def shard_inputs(wildcards):
    """Every shard's artefact of a sharded experiment, and the merge script's sources."""
    shards = range(SHARDS[wildcards.experiment])
    base = f"results/shards/{wildcards.experiment}"
    return {
        "weights": [f"{base}/{i}/weights.safetensors" for i in shards],
        "meta": [f"{base}/{i}/meta.json" for i in shards],
        "sources": package_sources("merge_shards.py"),
    }


def run_files(figure, kind):
    """``kind`` (weights.safetensors | meta.json) of every run that ``figure`` needs."""
    return [f"results/runs/{e}/{kind}" for e in experiments_for(figure)]


def figure_inputs(figure):
    """The runs of ``figure`` and the sources that draw it, its own plot module among them."""
    plot_module = FIGURES[figure].plotter.partition(":")[0]
    return {
        "weights": run_files(figure, "weights.safetensors"),
        "meta": run_files(figure, "meta.json"),
        "sources": package_sources("figure.py", plot_module),
    }


def claim_inputs(wildcards):
    return {
        "weights": run_files(wildcards.figure, "weights.safetensors"),
        "meta": run_files(wildcards.figure, "meta.json"),
        "sources": package_sources("claims.py"),
    }


def study_record():
    """The robustness study's committed record (seed counts and verdicts for the replication
    table), or nothing when config["robustness"]["record"] is unset or not written yet.
    """
    record = (config.get("robustness") or {}).get("record")
    return [record] if record and Path(record).is_file() else []


# The robustness study (workflow/rules/robustness.smk): its variants and their inputs. Here,
# not there, for Snakemake's lint: rules and functions in separate files.
VARIANTS = variants(config)
STUDY = [name for name in VARIANTS if name != DEFAULT]
VARIANT_CONFIGS = {name: variant_config(config, name) for name in STUDY}
# The experiments a variant splits into shards (config/paper.yaml's phase grids): each shard is a
# job of its own, then merged, as in the default build.
VARIANT_SHARDS = {
    (name, exp): Experiment.from_config(exp, cfg).shards
    for name, cfg in VARIANT_CONFIGS.items()
    for exp in cfg["experiments"]
}
SHARDED_VARIANTS = sorted({name for (name, _), n in VARIANT_SHARDS.items() if n > 1})
VARIANT_SHARDED = sorted({exp for (_, exp), n in VARIANT_SHARDS.items() if n > 1})


def _committed_record():
    path = (config.get("robustness") or {}).get("record")
    return json.loads(Path(path).read_text()) if path and Path(path).is_file() else None


COMMITTED_RECORD = _committed_record()


def variant_experiment(wildcards):
    return Experiment.from_config(
        wildcards.experiment, VARIANT_CONFIGS[wildcards.variant]
    )


def variant_spec(wildcards):
    """The resolved spec of an experiment as the variant trains it."""
    return variant_experiment(wildcards).to_dict()


def variant_train_threads(wildcards):
    return 2 if run_size(variant_experiment(wildcards)) >= TWO_THREADS_FROM else 1


def variant_train_priority(wildcards):
    exp = variant_experiment(wildcards)
    return run_size(exp) * exp.recipe.steps


def variant_shard_inputs(wildcards):
    """Every shard's artefact of an experiment the variant shards, and the merge script's sources."""
    shards = range(VARIANT_SHARDS[(wildcards.variant, wildcards.experiment)])
    base = f"results/robustness/{wildcards.variant}/shards/{wildcards.experiment}"
    return {
        "weights": [f"{base}/{i}/weights.safetensors" for i in shards],
        "meta": [f"{base}/{i}/meta.json" for i in shards],
        "sources": package_sources("merge_shards.py"),
    }


def variant_claim_inputs(wildcards):
    """The variant's runs of the figure; or, when the committed record checked this figure on
    exactly the runs the variant would train now, the record alone (nothing is trained again).
    """
    record = reusable(COMMITTED_RECORD, config, wildcards.variant, wildcards.figure)
    if record is not None:
        return {"record": config["robustness"]["record"]}
    runs = [
        f"results/robustness/{wildcards.variant}/runs/{e}"
        for e in experiments_for(wildcards.figure)
    ]
    return {
        "weights": [f"{r}/weights.safetensors" for r in runs],
        "meta": [f"{r}/meta.json" for r in runs],
        "sources": package_sources("claims.py"),
    }


def study_inputs(wildcards):
    """The default build's claim checks, then every variant's."""
    return {
        "default": expand("results/claims/{figure}.json", figure=FIGURES),
        "claims": [
            f"results/robustness/{name}/claims/{figure}.json"
            for name in STUDY
            for figure in VARIANTS[name]["figures"]
        ],
        "configs": ["config/config.yaml", "config/paper.yaml"],
        "sources": package_sources("robustness.py"),
    }
