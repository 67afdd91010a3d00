"""The Snakemake workflow: dry runs, config validation, lint, and the quick DAG end to end.

The end-to-end run works on a copy (Snakefile, workflow/, config/, profiles/, environment.yml and
the package sources, imported from the copy through PYTHONPATH), so the tests can edit sources
and check what Snakemake re-runs without touching the repository.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import torch
import yaml

import tms
from tms.claims.registry import VERDICTS
from tms.figures import FIGURES

pytestmark = pytest.mark.workflow

REPO = Path(__file__).resolve().parents[1]
PACKAGE = Path(tms.__file__).resolve().parent
EXPERIMENTS = list(yaml.safe_load((REPO / "config" / "config.yaml").read_text())["experiments"])
CLAIM_KEYS = {"id", "figure", "anchor", "statement", "expected", "measured", "tolerance", "status", "required"}
STATUSES = {"held", "not held", "not measured"}


def snakemake(*args: str, cwd: Path = REPO, env: dict | None = None, timeout: int = 600):
    """Run this interpreter's Snakemake; return (exit code, stdout + stderr)."""
    environ = {**os.environ, **(env or {})}
    environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{environ.get('PATH', '')}"
    proc = subprocess.run(
        [sys.executable, "-m", "snakemake", *args],
        cwd=cwd,
        env=environ,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return proc.returncode, proc.stdout + proc.stderr


def planned(output: str, rule: str) -> list[str]:
    """The job descriptions of ``rule`` in a dry run's output."""
    blocks = output.split("\nrule ")[1:]
    return [b for b in blocks if b.startswith(f"{rule}:")]


def planned_runs(output: str) -> list[str]:
    """The run directories (``run`` wildcards, relative to results/) of the planned training jobs."""
    return [job.split("wildcards: run=")[1].split("\n")[0].strip() for job in planned(output, "train")]


def planned_experiments(output: str, prefix: str = "") -> set[str]:
    """The experiments of the planned training jobs (runs or shards) under ``prefix`` (a study
    variant's ``robustness/<variant>/``; the default build's by default)."""
    out = set()
    for run in planned_runs(output):
        kind, _, rest = run.removeprefix(prefix).partition("/")
        if run.startswith(prefix) and kind in ("runs", "shards"):
            out.add(rest.split("/")[0])
    return out


# --------------------------------------------------------------------------- dry runs, in the repo


def test_dry_run_plans_every_experiment_and_figure():
    rc, out = snakemake("-n", "--forceall", "--cores", "2")
    assert rc == 0, out
    assert planned_experiments(out) == set(EXPERIMENTS)
    for figure in FIGURES:
        assert len(planned(out, figure)) == 1, f"no job draws figures/{figure}.pdf"
        assert f"wildcards: figure={figure}" in out, f"no claim check for {figure}"
    assert len(planned(out, "replication")) == 1
    # Longest first: training jobs are prioritised by size, the SAEs (end of the longest chain) above all.
    priority = lambda block: int(block.split("priority: ")[1].split()[0]) if "priority: " in block else 0  # noqa: E731
    trains = {b.split("run=runs/")[1].split()[0]: priority(b) for b in planned(out, "train") if "run=runs/" in b}
    assert trains["uniform_superposition"] > trains["basic_large_relu"] > trains["intro"] > trains["abs_small"] > 0
    assert priority(planned(out, "train_sae")[0]) > max(trains.values())


def test_one_figure_plans_only_its_own_training():
    rc, out = snakemake("figures/intro.pdf", "-n", "--forceall", "--cores", "2")
    assert rc == 0, out
    assert planned_experiments(out) == {"intro"}
    assert [r for r in FIGURES if planned(out, r)] == ["intro"]
    assert not planned(out, "claims") and not planned(out, "replication")


@pytest.mark.parametrize("profile", ["default", "gpu", "slurm", "slurm-gpu"])
def test_paper_config_dry_runs_under_each_profile(profile):
    """Every profile plans the paper config; the GPU profiles give training a GPU (which device:
    auto then uses), the CPU ones none (a GPU request on a CPU-only partition never starts), and
    the SLURM ones name their account."""
    overlays = ["config/paper.yaml", *(["config/paper_gpu.yaml"] if profile.endswith("gpu") else [])]
    rc, out = snakemake("-n", "--forceall", "--profile", f"profiles/{profile}", "--configfile", *overlays)
    assert rc == 0, out[-3000:]
    assert planned_experiments(out) == set(EXPERIMENTS)
    train_jobs = planned(out, "train")
    if profile in ("default", "slurm"):
        assert train_jobs and not any("gpu=1" in job for job in train_jobs)
    else:
        assert train_jobs and all("gpu=1" in job for job in train_jobs)
    if profile.startswith("slurm"):
        assert "slurm_account=" in out


@pytest.mark.parametrize("cores, threads", [(2, 1), (4, 2)])
def test_large_runs_take_two_threads_only_from_four_cores(cores, threads):
    """The paper config's F9 sweep (above TWO_THREADS_FROM) trains on one thread on 2 cores, where a
    two-thread job would wait behind every one-thread job, and on two from 4 cores (a dry run
    names a job's threads only when there are more than one)."""
    rc, out = snakemake(
        "results/runs/uniform_superposition/meta.json",
        "-n",
        "--forceall",
        "--cores",
        str(cores),
        "--configfile",
        "config/paper.yaml",
    )
    assert rc == 0, out[-3000:]
    (job,) = [j for j in planned(out, "train") if "run=runs/uniform_superposition" in j]
    assert ("threads: 2\n" in job) == (threads == 2), job


@pytest.mark.parametrize(
    "overlay, words",
    [
        ({"recipe": {"lr": -1}}, ["['recipe']['lr']", "-1", "exclusiveMinimum", "0"]),
        ({"experiments": {"intro": {"densities": [2]}}}, ["['intro']['densities']", "maximum", "1"]),
        ({"recipe": {"optimizer": "sgd"}}, ["['recipe']['optimizer']", "adamw", "adam"]),
        ({"reicpe": {"lr": 0.1}}, ["reicpe", "not allowed"]),
    ],
    ids=["lr", "densities", "optimizer", "unknown-key"],
)
def test_bad_config_stops_before_any_job_and_names_the_key(tmp_path, overlay, words):
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(overlay))
    rc, out = snakemake("-n", "--cores", "1", "--configfile", str(bad))
    assert rc != 0
    assert "Error validating config file" in out, out
    assert "Building DAG" not in out, "validation must fail before the DAG is built"
    for word in words:
        assert word in out, f"{word!r} missing from the error:\n{out}"


def test_lint_and_format():
    rc, out = snakemake("--lint")
    assert rc == 0, out
    proc = subprocess.run(
        [sys.executable, "-m", "snakefmt", "--check", "Snakefile", "workflow/"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


# --------------------------------------------------------------------------- the quick DAG, in a copy


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    """A copy of the workflow and package after a full run of config/quick.yaml."""
    root = tmp_path_factory.mktemp("workflow")
    for name in ("Snakefile", "environment.yml"):
        shutil.copy2(REPO / name, root / name)
    for name in ("workflow", "config", "profiles", "docs"):  # docs: the study's record the table reads
        shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(PACKAGE, root / "src" / "tms", ignore=shutil.ignore_patterns("__pycache__"))
    env = {"PYTHONPATH": str(root / "src")}
    rc, out = snakemake("--cores", "2", "--configfile", "config/quick.yaml", cwd=root, env=env)
    assert rc == 0, out[-5000:]

    def run(*args, configfiles=("config/quick.yaml",)):
        return snakemake(*args, "--cores", "2", "--configfile", *configfiles, cwd=root, env=env)

    return root, run


def test_quick_dag_writes_the_html_report(quick):
    """The papermill-executed notebook shows every figure (as an inline image) with its claims,
    and the whole table; the HTML hides the code."""
    root, _ = quick
    html = (root / "results" / "replication_report.html").read_text()
    executed = json.loads((root / "results" / "replication_report.ipynb").read_text())
    assert executed["metadata"]["papermill"]["parameters"]["previews_dir"] == "results/previews"
    for figure in FIGURES:
        assert f"figures/{figure}.pdf" in html
        assert (root / "results" / "previews" / f"{figure}.png").read_bytes()[:4] == b"\x89PNG"
    assert html.count("data:image/png;base64") >= len(FIGURES)
    assert "The whole replication table" in html and "Traceback" not in html
    assert "IProgress" not in html and "Warning" not in html  # no warning text (nor the machine's paths in it)
    outputs = [o for c in executed["cells"] if c["cell_type"] == "code" for o in c["outputs"]]
    stderr = [o for o in outputs if o["output_type"] == "stream" and o["name"] == "stderr"]
    assert not stderr, stderr  # no cell wrote a warning (or anything else) to stderr
    assert not [o for o in outputs if o["output_type"] == "error"]
    assert "show_figure(" not in html  # inputs excluded


def test_quick_dag_writes_the_explorer(quick):
    """The default target includes the explorer: one page with every view, plotly embedded, 0644."""
    from tms.explorer import VIEW_FIGURES

    root, _ = quick
    page = root / "results" / "explorer.html"
    html = page.read_text()
    for figure in VIEW_FIGURES:
        assert f'id="plot-{figure}-0"' in html
    assert 3e6 < page.stat().st_size <= 15e6 and page.stat().st_mode & 0o777 == 0o644


def test_snakemake_report_holds_every_figure(quick):
    """`snakemake --report` builds a self-contained report with every figure and the HTML report."""
    root, run = quick
    rc, out = run("--report", "report.html")
    assert rc == 0, out[-3000:]
    text = (root / "report.html").read_text(errors="replace")
    for figure in FIGURES:
        assert f"{figure}.pdf" in text
    assert "replication_report.html" in text


def test_quick_dag_draws_every_figure(quick):
    root, _ = quick
    for figure in FIGURES:
        pdf = root / "figures" / f"{figure}.pdf"
        assert pdf.read_bytes()[:4] == b"%PDF", f"{pdf} is not a PDF"
        assert (root / "results" / "logs" / "figures" / f"{figure}.log").exists()


def test_quick_runs_record_the_overlaid_spec(quick):
    root, _ = quick
    overlay = yaml.safe_load((root / "config" / "quick.yaml").read_text())
    for name in EXPERIMENTS:
        run = tms.load_run(root / "results" / "runs" / name)
        assert run.spec["name"] == name
        assert run.spec["recipe"]["steps"] == overlay["recipe"]["steps"]
        assert run.spec["replicas"] == overlay["experiments"][name]["replicas"]
        grid = (
            run.spec.get("relative_importance")
            or run.spec.get("relative_density")
            or run.spec.get("train_set_sizes")
            or [None]
        )
        cells = len(run.spec["densities"]) * len(grid)
        assert run.eval_loss.shape[0] == cells * run.spec["replicas"]  # one loss per instance, any model
        jobs = [f"shards/{name}/{i}" for i in range(run.spec["shards"])] if "shards" in run.spec else [f"runs/{name}"]
        for job in jobs:
            assert (root / "results" / "benchmarks" / "train" / f"{job}.tsv").exists()
            assert (root / "results" / "logs" / "train" / f"{job}.log").read_text().strip()


def test_quick_sharded_run_is_the_merge_of_its_shard_jobs(quick):
    """config/quick.yaml trains privileged_basis in 2 shards: two jobs, merged in instance order."""
    root, _ = quick
    run = tms.load_run(root / "results" / "runs" / "privileged_basis")
    parts = [tms.load_run(root / "results" / "shards" / "privileged_basis" / str(i)) for i in range(2)]
    assert [s["index"] for s in run.meta["shards"]] == [0, 1]
    assert torch.equal(run.W, torch.cat([p.W for p in parts]))
    assert run.density == parts[0].density + parts[1].density


def test_quick_replication_report_is_well_formed(quick):
    root, _ = quick
    claims = json.loads((root / "results" / "replication.json").read_text())
    assert isinstance(claims, list) and claims
    for claim in claims:
        assert CLAIM_KEYS <= set(claim), f"claim lacks {CLAIM_KEYS - set(claim)}: {claim}"
        assert claim["status"] in STATUSES, claim
        assert isinstance(claim["required"], bool)
    ids = [c["id"] for c in claims]
    assert len(ids) == len(set(ids)), "claim ids must be unique"
    assert {c["figure"] for c in claims} == set(FIGURES), "every figure has claims"
    for figure in FIGURES:
        per_figure = json.loads((root / "results" / "claims" / f"{figure}.json").read_text())
        study = {"study", "seeds", "paper_scale", "verdict", "verdict_text"}  # added by the table from the record
        assert per_figure == [{k: v for k, v in c.items() if k not in study} for c in claims if c["figure"] == figure]
    md = (root / "results" / "replication.md").read_text()
    assert all(i in md for i in ids)
    # the committed study record was made on the default config, not the quick one: the table
    # carries its seed counts and verdicts and marks every row stale (a claim the record holds only
    # checks of, carried from an unfinished study, has no seed count yet)
    rows = json.loads((REPO / "docs" / "robustness.json").read_text())["claims"]
    record = {c["id"] for c in rows if c["seeds"] is not None}
    for claim in claims:
        assert claim["study"] == "stale", claim
        assert (claim["seeds"] is not None) == (claim["id"] in record)
    assert "| seeds | paper scale | verdict |" in md and "**STALE**" in md


def test_second_run_has_nothing_to_do(quick):
    _, run = quick
    rc, out = run("-n")
    assert rc == 0, out
    assert "Nothing to be done" in out, out


def edited(path: Path):
    """Context: append a comment to ``path`` (a copied source), restore it afterwards."""

    class Edit:
        def __enter__(self):
            self.text = path.read_text()
            path.write_text(self.text + "\n# edited by a test\n")

        def __exit__(self, *exc):
            path.write_text(self.text)  # same content again: Snakemake's checksums match

    return Edit()


def test_editing_the_trainer_retrains_everything(quick):
    root, run = quick
    with edited(root / "src" / "tms" / "core" / "train.py"):
        rc, out = run("-n")
    assert rc == 0, out
    assert planned_experiments(out) == set(EXPERIMENTS)
    assert "Updated input files: src/tms/core/train.py" in out


def test_editing_a_plot_redraws_without_retraining(quick):
    root, run = quick
    with edited(root / "src" / "tms" / "plots" / "__init__.py"):
        rc, out = run("-n")
    assert rc == 0, out
    assert not planned(out, "train") and not planned(out, "claims")
    assert all(planned(out, figure) for figure in FIGURES)


def test_changing_a_setting_retrains(quick, tmp_path):
    root, run = quick
    overlay = tmp_path / "steps.yaml"
    # batch_size: no experiment overrides it (the phase grids override steps)
    overlay.write_text(yaml.safe_dump({"recipe": {"batch_size": 257}}))
    rc, out = run("-n", configfiles=("config/quick.yaml", str(overlay)))
    assert rc == 0, out
    assert planned_experiments(out) == set(EXPERIMENTS)
    assert "Params have changed" in out


# --------------------------------------------------------------------------- the robustness study


def test_study_dry_run_plans_each_variants_runs(tmp_path):
    """Without a committed record to reuse, every seed variant trains every experiment; a recipe
    variant only its figures' runs."""
    overlay = tmp_path / "no_record.yaml"
    overlay.write_text("robustness:\n  record: null\n")
    configs = ("--configfile", "config/config.yaml", str(overlay))
    rc, out = snakemake("results/robustness.md", "-n", "--forceall", "--cores", "2", *configs)
    assert rc == 0, out[-3000:]
    by_variant = {v: planned_experiments(out, f"robustness/{v}/") for v in ("seed1", "seed2", "no_weight_decay")}
    assert by_variant["seed1"] == by_variant["seed2"] == set(EXPERIMENTS)
    assert by_variant["no_weight_decay"] == {"basic_linear", "basic_relu", "abs_sparsity"}
    assert len(planned(out, "robustness")) == 1


def test_quick_study_trains_and_checks_a_variant(quick):
    """A study of one variant (2x steps on intro) on the quick DAG: the variant's run has the
    doubled steps, its claims are checked, every other claim is the default build's only."""
    root, run = quick
    path = root / "config" / "config.yaml"
    text = path.read_text()
    config = yaml.safe_load(text)
    config["robustness"] = {
        "record": None,
        "seeds": [],
        "variants": {"long": {"steps_factor": 2, "figures": ["intro"]}},
    }
    try:
        path.write_text(yaml.safe_dump(config, sort_keys=False))
        rc, out = run("results/robustness.md")
        assert rc == 0, out[-5000:]
        # The study's record committed: its check of "long" is taken from it; then a carry that leaves
        # the record's rows as they were (a newer file, the same rows) checks nothing again.
        shutil.copy2(root / "results" / "robustness.json", root / "record.json")
        config["robustness"]["record"] = "record.json"
        path.write_text(yaml.safe_dump(config, sort_keys=False))
        rc, reused = run("results/robustness.md")
        os.utime(root / "record.json")
        rc_again, again = run("-n", "results/robustness.md")
    finally:
        path.write_text(text)
    assert rc == 0 and rc_again == 0, (reused + again)[-5000:]
    log = (root / "results" / "logs" / "robustness" / "long" / "claims" / "intro.log").read_text()
    assert "from record.json" in log
    assert not planned(again, "claims_variant"), again[-3000:]
    meta = json.loads((root / "results" / "robustness" / "long" / "runs" / "intro" / "meta.json").read_text())
    assert meta["experiment"]["recipe"]["steps"] == 2 * 200
    record = json.loads((root / "results" / "robustness.json").read_text())
    assert list(record["variants"]) == ["default", "long"]
    for claim in record["claims"]:
        assert set(claim["results"]) == ({"default", "long"} if claim["figure"] == "intro" else {"default"})
        assert claim["verdict"] in VERDICTS
    assert "| variant | changes | figures |" in (root / "results" / "robustness.md").read_text()
    assert (root / "figures" / "replication_robustness.pdf").stat().st_size > 1000
