"""The robustness study: every claim re-checked under variants of the configuration.

A *variant* (``tms.variants``) is the default config with a few settings changed: another seed,
recipe keys, more steps, or the paper's own scale (``config/paper.yaml`` as an overlay); it checks
the claims of its ``figures`` (all by default). The default build itself (seed 0,
``results/claims/``) is the variant ``default``; the study's ``seeds`` are variants ``seed1``,
``seed2``, ... that change the seed only.

From the claims measured under every variant the study gives each claim a verdict:

* ``replicates``: held on at least 2 of the 3 seeds of the default config;
* ``replicates at paper scale``: not so, but held in the ``paper`` variant (config/paper.yaml);
* ``recipe``: neither, but held under a named recipe variant on at least 2 of its 3 seeds (the
  variant and its repeats on other seeds, ``of:``);
* ``not replicated``: under nothing tried, the paper's scale included; the measured values of
  every variant are listed;
* ``not replicated at default scale``: likewise, but the paper variant has not run the claim's
  figure (the record says why: a projected time, or not yet run).

The record keys each figure by a hash of the resolved specs of the runs its claims read, under
every variant (``figure_hashes``): a change to one experiment makes only its figures' rows stale,
and ``reusable`` lets a new study take a variant's checks of a figure from the committed record
when that variant's specs for the figure are unchanged, instead of training them again.
"""

from __future__ import annotations

import hashlib
import json

from tms.claims.registry import VERDICTS
from tms.claims.table import format_value, headline
from tms.core.running import FINITE_STREAM
from tms.core.train import TRAINING_STREAM
from tms.figures import BEYOND, FIGURES, experiments_for
from tms.variants import DEFAULT, variant_config, variant_settings

SEED_MAJORITY = 2  # of the three seeds
RECORD_FORMAT = 2


def variants(config: dict) -> dict[str, dict]:
    """``tms.variants.variant_settings`` with each variant's figures resolved (None: every figure
    but those it does not run) and checked against the figure registry."""
    table = variant_settings(config)
    for name, v in table.items():
        figures, not_run = v["figures"], v["not_run"]
        if any(f not in FIGURES for f in not_run):
            raise ValueError(
                f"robustness.variants.{name}.not_run must name figures from {tuple(FIGURES)}; got {sorted(not_run)}"
            )
        if figures is None:
            v["figures"] = [f for f in FIGURES if f not in not_run]
        elif not figures or any(f not in FIGURES for f in figures):
            raise ValueError(
                f"robustness.variants.{name}.figures must be a non-empty list of figures from {tuple(FIGURES)}; got "
                f"{figures!r}"
            )
    return table


def targets(config: dict) -> list[str]:
    """Every variant's claim-check file but the default build's: the study without ``snakemake``'s
    default target (``python -m tms.robustness`` prints them, for a study run in pieces)."""
    return [
        f"results/robustness/{name}/claims/{figure}.json"
        for name, v in variants(config).items()
        if name != DEFAULT
        for figure in v["figures"]
    ]


def config_hash(config: dict) -> str:
    """A short hash of everything in ``config`` that decides a claim (the study section aside)."""
    body = {k: v for k, v in config.items() if k != "robustness"}
    return _hash(body)


def _hash(obj) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True, default=str).encode()).hexdigest()[:12]


def run_specs(config: dict, figure: str) -> dict[str, dict]:
    """The resolved spec of every run that ``figure``'s claims read under ``config`` (the SAEs:
    their settings and their source run's spec; None for a run the config does not have)."""
    from tms.core.experiments import Experiment

    out = {}
    for exp in experiments_for(figure):
        if exp in config["experiments"]:
            out[exp] = Experiment.from_config(exp, config).to_dict()
        elif exp == "sae_benchmark" and "sae_benchmark" in config:  # its settings and its sources' specs
            from tms.core.sae_benchmark import sources

            specs = {name: Experiment.from_config(name, config).to_dict() for name in sources(config)}
            out[exp] = {"sae_benchmark": config["sae_benchmark"], "sources": specs}
        elif "sae" in config:  # the sparse autoencoders, trained on config["sae"]["source"]
            sae = config["sae"]
            out[exp] = {"sae": sae, "source": Experiment.from_config(sae["source"], config).to_dict()}
        else:
            out[exp] = None
    return out


def spec_hash(config: dict, name: str, figure: str) -> str:
    """The hash of the runs variant ``name`` trains for ``figure`` (and of the trainer's random
    stream, ``TRAINING_STREAM``, which a change of the sampler or the init bumps; for a figure of
    finite-data runs also ``FINITE_STREAM``, which a change of their grouping bumps)."""
    runs = run_specs(variant_config(config, name), figure)
    key = {"stream": TRAINING_STREAM, "runs": runs}
    if any(isinstance(spec, dict) and spec.get("train_set_sizes") for spec in runs.values()):
        key["finite_stream"] = FINITE_STREAM
    return _hash(key)


def figure_hashes(config: dict) -> dict[str, dict]:
    """Per figure: ``{"hash": ..., "variants": {variant: spec_hash}}`` over the variants that run it;
    ``hash`` changes when any of them would train other runs for the figure."""
    table = variants(config)
    out = {}
    for figure in FIGURES:
        per = {n: spec_hash(config, n, figure) for n, v in table.items() if figure in v["figures"]}
        out[figure] = {"hash": _hash(per), "variants": per}
    return out


def reusable(record: dict | None, config: dict, name: str, figure: str) -> list[dict] | None:
    """Variant ``name``'s checks of ``figure`` from a committed ``record`` when that variant would
    train exactly the runs the record's checks were made on (else None): claim rows with the
    record's status and measured value, marked ``from_record``."""
    if not record or record.get("format") != RECORD_FORMAT or name == DEFAULT:
        return None
    made = record["figures"].get(figure, {}).get("variants", {}).get(name)
    if made is None or made != spec_hash(config, name, figure):
        return None
    rows = []
    for r in record["claims"]:
        if r["figure"] == figure and name in r["results"]:
            res = r["results"][name]
            rows.append({"id": r["id"], "figure": figure, "status": res["status"], "measured": res["measured"]})
    return [{**r, "from_record": True} for r in rows]


def carry(record: dict, config: dict, claims: dict[str, list[dict]]) -> dict:
    """``record`` with the checks measured so far folded in, for a study run in pieces across
    sessions: ``claims`` maps a variant to the claim rows it has measured (any figures; rows taken
    from the record itself, ``from_record``, are skipped). Each measured figure gets its rows'
    status and value under the variant and the variant's current ``spec_hash``, so ``reusable``
    hands them to the next attempt; everything else of ``record`` is kept as it was. A figure's
    overall ``hash`` is left as it was (None for a record made in pieces): only ``study`` over
    every variant makes a row current."""
    table = variants(config)
    out = json.loads(json.dumps(record))  # a deep copy
    rows = {r["id"]: r for r in out["claims"]}
    for name, measured in claims.items():
        if name == DEFAULT or name not in table:
            raise ValueError(f"carry takes the study's variants {sorted(set(table) - {DEFAULT})}; got {name!r}")
        fresh = [r for r in measured if not r.get("from_record")]
        for figure in sorted({r["figure"] for r in fresh}):
            if figure not in table[name]["figures"]:
                raise ValueError(f"variant {name!r} does not run figure {figure!r}")
            out["figures"].setdefault(figure, {"hash": None, "variants": {}})["variants"][name] = spec_hash(
                config, name, figure
            )
        for r in fresh:
            row = rows.get(r["id"])
            if row is None:  # a claim the record has never checked
                row = rows[r["id"]] = {
                    "id": r["id"],
                    "figure": r["figure"],
                    "paper_claim": FIGURES[r["figure"]].paper != BEYOND,
                    "required": r["required"],
                    "statement": r["statement"],
                    "status": None,
                    "results": {},
                    "seeds": None,
                    "paper_scale": None,
                    "verdict": "not in the study",
                    "verdict_text": "",
                }
                out["claims"].append(row)
            row["results"][name] = {"status": r["status"], "measured": r["measured"]}
    return out


def _changed_recipe(default_spec: dict, variant_spec: dict) -> dict:
    keys = {"seed"} if default_spec["seed"] != variant_spec["seed"] else set()
    keys |= {k for k in default_spec["recipe"] if default_spec["recipe"][k] != variant_spec["recipe"][k]}
    return {k: variant_spec[k] if k == "seed" else variant_spec["recipe"][k] for k in sorted(keys)}


def same_runs(config: dict, name: str, figure: str) -> bool:
    """Whether variant ``name`` trains exactly the default's runs for ``figure`` (e.g. the xavier
    variant of an experiment whose default init is already xavier)."""
    return run_specs(variant_config(config, name), figure) == run_specs(config, figure)


def paper_uses(config: dict, paper_config: dict, name: str, figure: str) -> bool:
    """Whether ``paper_config`` trains every run of ``figure`` with the recipe that variant
    ``name`` changes (e.g. 30,000 steps for abs_sparsity under a 3x steps variant)."""
    from tms.core.experiments import Experiment

    cfg = variant_config(config, name)
    for exp in experiments_for(figure):
        if exp not in config["experiments"]:
            continue  # a run trained outside the experiments table (the SAEs)
        base = Experiment.from_config(exp, config).to_dict()
        want = _changed_recipe(base, Experiment.from_config(exp, cfg).to_dict())
        paper = Experiment.from_config(exp, paper_config).to_dict()
        if any(k != "seed" and paper["recipe"][k] != v for k, v in want.items()):
            return False
    return True


def _short(value, limit: int = 90) -> str:
    text = format_value(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _held(results: dict, names: list[str]) -> tuple[int, int]:
    """(held, measured) over the variants ``names`` (a variant that did not measure is not counted)."""
    ran = [n for n in names if results.get(n, {}).get("status") in ("held", "not held")]
    return sum(results[n]["status"] == "held" for n in ran), len(ran)


def _paper_status(config: dict, table: dict, results: dict, figure: str) -> dict:
    """The claim at the paper's scale: the ``paper`` variant's status and value; the default's where
    the paper's settings change none of the figure's runs; or why it is not run."""
    for name, v in table.items():
        if v["kind"] == "paper":
            if name in results:
                return {"variant": name, **{k: results[name][k] for k in ("status", "measured")}}
            if same_runs(config, name, figure):
                return {"variant": DEFAULT, **{k: results[DEFAULT][k] for k in ("status", "measured")}}
            return {"variant": name, "status": "not run", "reason": v["not_run"].get(figure, "not in its figures")}
    return {"variant": None, "status": "not run", "reason": "the study has no paper variant"}


def study(config: dict, paper_config: dict, claims: dict[str, list[dict]]) -> dict:
    """The study record from ``claims`` (variant name -> the claim rows it measured; ``default`` is
    the default build's replication table)."""
    table = variants(config)
    missing = [n for n in table if n not in claims]
    if missing:
        raise ValueError(f"claims of variant(s) {missing} are missing")
    seeds = [n for n, v in table.items() if v["kind"] == "seed"]
    groups = {n: [n] + [m for m, w in table.items() if w["of"] == n] for n, v in table.items() if v["kind"] == "recipe"}
    groups = {n: g for n, g in groups.items() if table[n]["of"] is None}
    rows = []
    for base in claims[DEFAULT]:
        cid, figure = base["id"], base["figure"]
        results = {}
        for n in table:
            row = next((r for r in claims[n] if r["id"] == cid), None)
            if row is not None:
                results[n] = {"status": row["status"], "measured": row["measured"]}
        for n in results:  # a variant that trains this figure's default runs is the default again
            results[n]["same_as_default"] = n != DEFAULT and same_runs(config, n, figure)
        held, ran = _held(results, seeds)
        paper = _paper_status(config, table, results, figure)
        under = {}
        for n, group in groups.items():
            if n in results and not results[n]["same_as_default"]:
                under[n] = _held(results, group)
        recipe = [n for n, (h, _) in under.items() if h >= SEED_MAJORITY]
        seed_text = f"held on {held} of {ran} seeds of the default config"
        if held >= SEED_MAJORITY:
            kind, text = "replicates", seed_text
        elif paper["status"] == "held":
            kind, text = "replicates at paper scale", f"{seed_text}; held at the paper's scale ({paper['variant']})"
        elif recipe:
            kind = "recipe"
            parts = []
            for n in recipe:
                uses = "config/paper.yaml uses it" if paper_uses(config, paper_config, n, figure) else "it does not"
                parts.append(f"{table[n]['label']} on {under[n][0]} of {under[n][1]} seeds ({uses})")
            text = f"{seed_text}; held under " + "; ".join(parts)
        else:
            kind = "not replicated" if paper["status"] != "not run" else "not replicated at default scale"
            tried = [
                f"{table[n]['label']}: {_short(results[n]['measured'], 60)}"
                for n in results
                if n != DEFAULT and not results[n]["same_as_default"]
            ]
            if paper["status"] == "not run":
                tried.append(f"paper scale not run: {paper['reason']}")
            text = f"held on {held} of {ran} seeds and under no variant tried (" + "; ".join(tried) + ")"
        rows.append(
            {
                "id": cid,
                "figure": figure,
                "paper_claim": FIGURES[figure].paper != BEYOND,
                "required": base["required"],
                "statement": base["statement"],
                "status": base["status"],
                "results": results,
                "seeds": {"held": held, "of": ran},
                "paper_scale": paper,
                "verdict": kind,
                "verdict_text": text,
            }
        )
    return {
        "format": RECORD_FORMAT,
        "config_hash": config_hash(config),
        "figures": figure_hashes(config),
        "variants": table,
        "claims": rows,
    }


def to_markdown(record: dict, seconds: float | None = None) -> str:
    """The study as Markdown: the variants, then one row per claim (held / not held per variant)."""
    table = record["variants"]
    names = list(table)
    counts = {k: sum(r["verdict"] == k for r in record["claims"]) for k in VERDICTS}
    lines = [
        "# Robustness study",
        "",
        f"{len(record['claims'])} claims under {len(names)} variants (config {record['config_hash']}): "
        f"{counts['replicates']} replicate on a majority of seeds, {counts['replicates at paper scale']} only at "
        f"the paper's scale, {counts['recipe']} only under a stated recipe (on a majority of its seeds), "
        f"{counts['not replicated']} under nothing tried (the paper's scale included), "
        f"{counts['not replicated at default scale']} under nothing tried at the default scale (the paper's not run).",
        "",
        headline(record["claims"]),
    ]
    if seconds is not None:
        lines.append(
            f"The variants' jobs run in this checkout (training and checks) took {seconds / 60:.1f} core-minutes; "
            "checks taken from the committed record are not counted."
        )
    lines += ["", "| variant | changes | figures |", "|---|---|---|"]
    for n, v in table.items():
        change = {
            **({"seed": v["seed"]}),
            **v["recipe"],
            **({"steps": f"×{v['steps_factor']}"} if v["steps_factor"] != 1 else {}),
            **({"overlay": v["overlay"]} if v["overlay"] else {}),
        }
        figs = "all" if v["figures"] == list(FIGURES) else ", ".join(v["figures"])
        if v["not_run"]:
            figs += "; not run: " + "; ".join(f"{f} ({why})" for f, why in v["not_run"].items())
        lines.append(f"| `{n}` | {', '.join(f'{k} {x}' for k, x in change.items())} | {figs} |")
    lines += [
        "",
        "(= default): the variant trains exactly the default's runs for that figure (e.g. xavier init where"
        " the default already departs to it); such a cell is not counted as another recipe.",
        "",
        "| claim | " + " | ".join(f"`{n}`" for n in names) + " | verdict |",
        "|---|" + "---|" * (len(names) + 1),
    ]
    mark = {"held": "held", "not held": "**not held**", "not measured": "not measured"}
    for r in record["claims"]:
        cells = [r["id"] + ("*" if r["required"] else "")]
        cells += [
            (mark[r["results"][n]["status"]] + (" (= default)" if r["results"][n]["same_as_default"] else ""))
            if n in r["results"]
            else "–"
            for n in names
        ]
        cells.append(f"{r['verdict']}: {r['verdict_text']}")
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    lines += ["", "## Measured values", ""]
    for r in record["claims"]:
        lines.append(f"**{r['id']}** {r['statement']}")
        lines.append("")
        for n, res in r["results"].items():
            lines.append(f"- `{n}` ({res['status']}): {_short(res['measured'], 400)}")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    from tms.core.config import load_config

    print("\n".join(targets(load_config("config/config.yaml"))))
