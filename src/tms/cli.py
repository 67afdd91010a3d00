"""The ``tms`` command: every experiment, figure and check also runs without Snakemake.

    tms train intro                      # -> results/runs/intro/
    tms plot intro                       # -> figures/intro.pdf
    tms check intro basic_results        # -> results/replication.{json,md}
    tms check --required results/replication.json   # exit 1 if a required claim failed
    tms bench --json                     # trainer vs the reference loop
    tms bench --account --configs 200x20x20   # where a step's milliseconds go
    tms project --overlay config/paper.yaml   # each experiment's training time, projected
    tms carry                            # keep a study's finished checks in its record (docs/robustness.md)
    tms saebench my_sae:train            # score your own SAE on the SAE benchmark (docs/sae.md)

Each command's options: ``tms <command> --help``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

import torch

DEFAULT_CONFIG = "config/config.yaml"
SCHEMA = "workflow/schemas/config.schema.yaml"
BUNDLED_SCORES = "results/runs/sae_benchmark/meta.json"  # the bundled SAE kinds' score cards, under "scores"


def _config(args) -> dict:
    """The config as the workflow sees it: ``--config`` with its ``--overlay``s merged, then
    validated against the schema with its defaults filled in, as the Snakefile does, so the specs
    trained and the run hashes written here are Snakemake's."""
    from snakemake.utils import validate

    from tms.core.config import load_config

    config = load_config(DEFAULT_CONFIG if args.config is None else args.config, *getattr(args, "overlay", []))
    validate(config, SCHEMA)
    return config


def _runs(figure: str, runs_dir: Path) -> dict:
    from tms.core.io import load_run
    from tms.figures import experiments_for

    return {e: load_run(runs_dir / e) for e in experiments_for(figure)}


def cmd_train(args) -> int:
    from tms.core.experiments import Experiment
    from tms.core.io import load_run, save_run
    from tms.core.running import run_experiment
    from tms.core.sae_training import SAE_RUN, run_sae

    config = _config(args)
    if args.threads:
        torch.set_num_threads(args.threads)
    for name in args.experiments:
        if name == SAE_RUN:  # the SAEs decode a trained run rather than train toy models
            tensors, meta = run_sae(config, load_run(Path(args.runs_dir) / config["sae"]["source"]))
            save_run(Path(args.runs_dir) / name, tensors, meta)
            print(
                f"{name}: {len(meta['instances']['kind'])} SAEs in {meta['train_seconds']} s -> {args.runs_dir}/{name}"
            )
            continue
        exp = Experiment.from_config(name, config)
        runs = Path(args.runs_dir)
        resume = runs.parent / "resume" / runs.name / name  # as the workflow's: a killed run goes on from here
        device = args.device or config.get("device", "auto")
        tensors, meta = run_experiment(exp, device=device, progress=True, resume=resume)
        save_run(runs / name, tensors, meta)
        shutil.rmtree(resume, ignore_errors=True)
        print(f"{name}: {exp.n_instances} instances in {meta['train_seconds']} s -> {args.runs_dir}/{name}")
    return 0


def cmd_plot(args) -> int:
    from tms.plots import plot_figure

    for figure in args.figures:
        out = Path(args.figures_dir) / f"{figure}.pdf"
        plot_figure(figure, _runs(figure, Path(args.runs_dir)), out)
        print(f"wrote {out}")
    return 0


def cmd_check(args) -> int:
    from tms.claims.check import required_failures
    from tms.claims.table import headline, write_replication

    if args.required:
        results = json.loads(Path(args.required).read_text())
    else:
        from tms.claims.check import check_figure
        from tms.figures import FIGURES

        figures = args.figures or list(FIGURES)
        unknown = sorted(set(figures) - set(FIGURES))
        if unknown:
            raise ValueError(f"unknown figure(s) {unknown}; allowed: {sorted(FIGURES)}")
        results = [row for f in figures for row in check_figure(f, _runs(f, Path(args.runs_dir)))]
        write_replication(results, Path(args.out).with_suffix(".json"), Path(args.out).with_suffix(".md"))
    for r in results:
        print(f"{r['id']:<14} {r['status']:<13} {'required' if r['required'] else ''}")
    print(headline(results))
    failed = required_failures(results)
    if failed:
        print(f"required claims not held: {[r['id'] for r in failed]}", file=sys.stderr)
    return 1 if failed else 0


def cmd_project(args) -> int:
    from tms.bench.projection import project
    from tms.core.experiments import Experiment
    from tms.core.io import write_json

    config = _config(args)
    names = args.experiments or list(config["experiments"])
    unknown = sorted(set(names) - set(config["experiments"]))
    if unknown:
        raise ValueError(f"unknown experiment(s) {unknown}; allowed: {sorted(config['experiments'])}")
    rows = []
    for name in names:
        rows.append(project(Experiment.from_config(name, config)))
        r = rows[-1]
        print(
            f"{name:<30} {r['instances']:>6} instances × {r['steps']:>6} steps in {r['jobs']:>2} job(s): "
            f"{r['per_step_ms']:>8.2f} ms/step, {r['projected_s'] / 60:8.1f} min (one thread)",
            flush=True,
        )
    print(f"total {sum(r['projected_s'] for r in rows) / 60:.1f} one-thread CPU minutes")
    if args.out:
        write_json(args.out, rows)
    return 0


def cmd_carry(args) -> int:
    from tms.core.io import write_json
    from tms.robustness import carry

    config = _config(args)
    path = Path(args.record or config["robustness"]["record"])
    claims = {}
    for f in sorted(Path(args.study_dir).glob("*/claims/*.json")):  # <variant>/claims/<figure>.json
        claims.setdefault(f.parts[-3], []).extend(json.loads(f.read_text()))
    record = carry(json.loads(path.read_text()), config, claims)
    write_json(path, record)
    done = sorted({(n, r["figure"]) for n, rows in claims.items() for r in rows if not r.get("from_record")})
    print(f"{len(done)} new (variant, figure) checks carried into {path}")
    for name, figure in done:
        print(f"  {name}: {figure}")
    return 0


def cmd_bench(args) -> int:
    from tms.bench.benchmark import main as bench_main

    return bench_main(args)


def cmd_saebench(args) -> int:
    import re

    from tms.analysis.own_sae import format_cards, score_own, select_best
    from tms.core.io import load_run, write_json

    if args.spec is None:  # the bundled kinds: each one's best card (highest mcc) per dataset
        path = Path(BUNDLED_SCORES)
        if not path.exists():
            raise FileNotFoundError(f"{path} not found; run `snakemake {BUNDLED_SCORES}` first")
        rows = select_best(json.loads(path.read_text())["scores"]["saes"], args.datasets)
        print(format_cards(rows))
        return 0
    rows = score_own(args.spec, load_run(args.run), args.datasets, args.samples)
    print(format_cards(rows))
    out = args.out or f"results/saebench/{re.sub(r'[^A-Za-z0-9_.-]', '_', args.spec.replace(':', '_'))}.json"
    write_json(out, rows)
    print(f"wrote {out}")
    return 0


def parser() -> argparse.ArgumentParser:
    from tms.figures import FIGURES

    p = argparse.ArgumentParser(prog="tms", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)

    t = sub.add_parser("train", help="train experiments of the config")
    t.add_argument("experiments", nargs="+")
    t.add_argument("--config", help=f"base config (default {DEFAULT_CONFIG})")
    t.add_argument("--overlay", action="append", default=[], help="config overlay, e.g. config/quick.yaml")
    t.add_argument("--runs-dir", default="results/runs")
    t.add_argument("--device", choices=["auto", "cpu", "cuda"])
    t.add_argument("--threads", type=int, default=0)
    t.set_defaults(func=cmd_train)

    pl = sub.add_parser("plot", help="render figures from trained runs")
    pl.add_argument("figures", nargs="+", choices=sorted(FIGURES))
    pl.add_argument("--runs-dir", default="results/runs")
    pl.add_argument("--figures-dir", default="figures")
    pl.set_defaults(func=cmd_plot)

    c = sub.add_parser("check", help="measure the paper's claims; write the replication table")
    # No argparse `choices` here: with nargs="*" it rejects the empty default on Python 3.11.
    c.add_argument("figures", nargs="*", help=f"default: every figure ({', '.join(sorted(FIGURES))})")
    c.add_argument("--runs-dir", default="results/runs")
    c.add_argument("--out", default="results/replication.json")
    c.add_argument("--required", metavar="JSON", help="only gate on an existing replication.json")
    c.set_defaults(func=cmd_check)

    pr = sub.add_parser("project", help="each experiment's training time, projected from timed steps")
    pr.add_argument("experiments", nargs="*", help="default: every experiment of the config")
    pr.add_argument("--config", help=f"base config (default {DEFAULT_CONFIG})")
    pr.add_argument("--overlay", action="append", default=[], help="config overlay, e.g. config/paper.yaml")
    pr.add_argument("--out", help="also write the JSON here")
    pr.set_defaults(func=cmd_project)

    ca = sub.add_parser(
        "carry",
        help="fold the robustness study's claim checks finished so far into its record, so a later run reuses them",
    )
    ca.add_argument("--config", help=f"base config (default {DEFAULT_CONFIG})")
    ca.add_argument("--study-dir", default="results/robustness", help="the variants' checks: <variant>/claims/")
    ca.add_argument("--record", help="the record to update (default: the config's robustness.record)")
    ca.set_defaults(func=cmd_carry)

    b = sub.add_parser("bench", help="ms/step of the trainer vs the reference loop")
    b.add_argument("--json", action="store_true", help="print JSON")
    b.add_argument("--repeats", type=int, default=5)
    b.add_argument("--steps", type=int, default=20, help="timed steps per repeat")
    b.add_argument(
        "--configs", nargs="*", help="[abs:]n×m×instances, e.g. 200x20x20 or abs:100x40x7 (the abs-value model)"
    )
    b.add_argument("--out", help="also write the JSON here")
    b.add_argument(
        "--figures",
        metavar="BENCH_DIR",
        nargs="?",
        const="results/benchmarks",
        help="instead: seconds per figure from Snakemake's benchmark files (default results/benchmarks)",
    )
    b.add_argument(
        "--account",
        action="store_true",
        help="instead: where each config's step time goes (sampler, matmuls, elementwise, optimizer, Python), "
        "each part against the machine's limit",
    )
    b.set_defaults(func=cmd_bench)

    s = sub.add_parser(
        "saebench",
        help="score your own SAE (MODULE:CALLABLE) on the SAE benchmark, or show the bundled kinds' cards",
        description="SPEC is MODULE:CALLABLE; CALLABLE(sample, m) trains on sample(batch) -> h [batch, m] and "
        "returns an object with encode(h) -> codes [batch, d] and decode(codes) -> h_hat [batch, m] (docs/sae.md). "
        f"Without SPEC: the bundled kinds' best score cards from {BUNDLED_SCORES}.",
    )
    s.add_argument("spec", nargs="?", metavar="SPEC", help="MODULE:CALLABLE, e.g. my_sae:train")
    s.add_argument("--run", default="results/runs/sae_benchmark", help="the benchmark artefact")
    s.add_argument("--datasets", nargs="+", metavar="NAME", help="only these datasets (default: all)")
    s.add_argument("--samples", type=int, help="evaluation samples (default: the artefact's eval_samples)")
    s.add_argument("--out", help="JSON of the score cards (default results/saebench/<module>_<callable>.json)")
    s.set_defaults(func=cmd_saebench)
    return p


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except (ValueError, FileNotFoundError) as err:
        print(f"tms {args.command}: error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
