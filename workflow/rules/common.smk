# Shared helpers: package sources (rule inputs, so library edits trigger reruns), run paths.
import ast
import functools
import json
import re
from pathlib import Path

import tms
from tms.figures import FIGURES, experiments_for
from tms.jobs import SAE_PRIORITY, job_threads, jobs
from tms.robustness import reusable, targets, variants
from tms.variants import DEFAULT


def name_regex(names):
    """A wildcard constraint matching exactly ``names`` (none: a pattern that matches nothing)."""
    return "|".join(re.escape(name) for name in names) or "(?!)"


# The software every job needs (path relative to this directory), one for all rules. Jobs run
# in the current environment unless --sdm conda is given; for that, note that environment.yml
# installs this repository with `-e .`, which resolves against the copy in .snakemake/conda/.
CONDA_ENV = "../../environment.yml"


wildcard_constraints:
    figure=name_regex(FIGURES),


# Snakemake does not see edits to imported modules, so each rule takes as input the source files
# of the tms modules its script imports, followed through the package's own imports (read from
# the code). Editing the trainer re-runs training; editing a figure's plot module re-draws the
# figures drawn by it. One module is imported by name (importlib), so not seen in the code:
# tms.plots imports the plot module of the figure it draws, which figure_inputs names.
PACKAGE_DIR = Path(tms.__file__).resolve().parent


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
    cwd = Path.cwd().resolve()
    return tuple(
        sorted(str(f.relative_to(cwd) if f.is_relative_to(cwd) else f) for f in files)
    )


def run_inputs(runs):
    """``weights`` and ``meta`` of the run directories ``runs`` (relative to results/)."""
    return {
        "weights": [f"results/{r}/weights.safetensors" for r in runs],
        "meta": [f"results/{r}/meta.json" for r in runs],
    }


def merge_inputs(wildcards):
    """A sharded run's shards, and the merge script's sources."""
    return {
        **run_inputs(JOBS.merge[wildcards.run]),
        "sources": package_sources("merge_shards.py"),
    }


def sae_inputs(wildcards):
    """The runs an SAE job trains on, and its script's sources."""
    return {
        **run_inputs(JOBS.sae[wildcards.run].sources),
        "sources": package_sources("train_sae.py"),
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


# The robustness study (workflow/rules/robustness.smk): its variants. Here, not there, for
# Snakemake's lint: rules and functions in separate files.
VARIANTS = variants(config)
STUDY = [name for name in VARIANTS if name != DEFAULT]

# Every training job of the build and of the study's variants, each spec resolved once (tms.jobs).
JOBS = jobs(config, STUDY)


def _committed_record():
    path = (config.get("robustness") or {}).get("record")
    return json.loads(Path(path).read_text()) if path and Path(path).is_file() else None


COMMITTED_RECORD = _committed_record()


def reused_checks(wildcards):
    """The committed record's checks of the figure when they were made on exactly the runs the
    variant would train now (``tms.robustness.reusable``), else None. A parameter, not the record
    file as an input: a carry that leaves these rows as they were re-runs nothing."""
    return reusable(COMMITTED_RECORD, config, wildcards.variant, wildcards.figure)


def variant_claim_inputs(wildcards):
    """The variant's runs of the figure; none when the record's checks are reused."""
    if reused_checks(wildcards) is not None:
        return {}
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
        "claims": targets(config),
        "configs": ["config/config.yaml", "config/paper.yaml"],
        "sources": package_sources("robustness.py"),
    }
