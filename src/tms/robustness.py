"""The robustness study: every claim re-checked under variants of the configuration.

A *variant* (``tms.variants``) is the default config with a few settings changed: another seed,
recipe keys, or more steps; it checks the claims of its ``figures`` (all by default). The default
build itself (seed 0, ``results/claims/``) is the variant ``default``; the study's ``seeds`` are
variants ``seed1``, ``seed2``, ... that change the seed only.

From the claims measured under every variant the study gives each claim a verdict:

* ``replicates``: held on at least 2 of the 3 seeds of the default config (a majority);
* ``recipe``: not so, but held under a named variant's recipe (and whether ``config/paper.yaml``
  trains its figure with that recipe);
* ``not replicated``: held under no variant tried; the measured values of every variant are listed.

The study's record (``results/robustness.json``, copied to ``docs/robustness.json`` when it is
re-run) is what the replication table reads for its seed counts and verdicts.
"""

from __future__ import annotations

import hashlib
import json

from tms.figures import FIGURES, experiments_for
from tms.variants import DEFAULT, variant_config, variant_settings

VERDICTS = ("replicates", "recipe", "not replicated")
SEED_MAJORITY = 2  # of the three seeds


def variants(config: dict) -> dict[str, dict]:
    """``tms.variants.variant_settings`` with each variant's figures resolved (None: every
    figure) and checked against the figure registry."""
    table = variant_settings(config)
    for name, v in table.items():
        figures = v["figures"]
        if figures is None:
            v["figures"] = list(FIGURES)
        elif not figures or any(f not in FIGURES for f in figures):
            raise ValueError(
                f"robustness.variants.{name}.figures must be a non-empty list of figures from {tuple(FIGURES)}; got "
                f"{figures!r}"
            )
    return table


def config_hash(config: dict) -> str:
    """A short hash of everything in ``config`` that decides a claim (the study section aside)."""
    body = {k: v for k, v in config.items() if k != "robustness"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()[:12]


def _changed_recipe(default_spec: dict, variant_spec: dict) -> dict:
    keys = {"seed"} if default_spec["seed"] != variant_spec["seed"] else set()
    keys |= {k for k in default_spec["recipe"] if default_spec["recipe"][k] != variant_spec["recipe"][k]}
    return {k: variant_spec[k] if k == "seed" else variant_spec["recipe"][k] for k in sorted(keys)}


def _trained_runs(config: dict, figure: str) -> list[str]:
    """The experiments trained for ``figure``: its runs, the SAEs replaced by their source run."""
    sae_source = (config.get("sae") or {}).get("source")
    return [e if e in config["experiments"] else sae_source for e in experiments_for(figure)]


def changes(config: dict, name: str, figure: str) -> dict:
    """What variant ``name`` changes in the runs of ``figure`` ({} when it trains exactly the
    default's runs, e.g. the xavier variant of an experiment whose default init is xavier)."""
    from tms.core.experiments import Experiment

    cfg, out = variant_config(config, name), {}
    for exp in _trained_runs(config, figure):
        if exp in config["experiments"]:
            base = Experiment.from_config(exp, config).to_dict()
            out.update(_changed_recipe(base, Experiment.from_config(exp, cfg).to_dict()))
    return out


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
    from tms.claims import format_value

    text = format_value(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def study(config: dict, paper_config: dict, claims: dict[str, list[dict]]) -> dict:
    """The study record from ``claims`` (variant name -> the claim rows it measured; ``default`` is
    the default build's replication table)."""
    table = variants(config)
    missing = [n for n in table if n not in claims]
    if missing:
        raise ValueError(f"claims of variant(s) {missing} are missing")
    seeds = [n for n, v in table.items() if v["kind"] == "seed"]
    rows = []
    for base in claims[DEFAULT]:
        cid, figure = base["id"], base["figure"]
        results = {}
        for n in table:
            row = next((r for r in claims[n] if r["id"] == cid), None)
            if row is not None:
                results[n] = {"status": row["status"], "measured": row["measured"]}
        ran = [n for n in seeds if results.get(n, {}).get("status") in ("held", "not held")]
        held = [n for n in ran if results[n]["status"] == "held"]
        for n in results:  # a variant that changes nothing in this figure's runs is the default again
            results[n]["same_as_default"] = n != DEFAULT and not changes(config, n, figure)
        under = [
            n
            for n in table
            if table[n]["kind"] == "recipe"
            and results.get(n, {}).get("status") == "held"
            and not results[n]["same_as_default"]
        ]
        if len(held) >= min(SEED_MAJORITY, len(ran)) and held:
            kind = "replicates"
            text = f"held on {len(held)} of {len(ran)} seeds of the default config"
        elif under:
            kind = "recipe"
            parts = []
            for n in under:
                uses = (
                    "config/paper.yaml uses it"
                    if paper_uses(config, paper_config, n, figure)
                    else "config/paper.yaml does not"
                )
                parts.append(f"{table[n]['label']} ({uses})")
            text = f"held on {len(held)} of {len(ran)} seeds of the default config; held under " + "; ".join(parts)
        else:
            kind = "not replicated"
            tried = [
                f"{table[n]['label']}: {_short(results[n]['measured'], 60)}"
                for n in results
                if n != DEFAULT and not results[n]["same_as_default"]
            ]
            text = f"held on {len(held)} of {len(ran)} seeds and under no variant tried (" + "; ".join(tried) + ")"
        rows.append(
            {
                "id": cid,
                "figure": figure,
                "required": base["required"],
                "statement": base["statement"],
                "results": results,
                "seeds": {"held": len(held), "of": len(ran)},
                "verdict": kind,
                "verdict_text": text,
            }
        )
    return {
        "config_hash": config_hash(config),
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
        f"{counts['replicates']} replicate on a majority of seeds, {counts['recipe']} hold only under a "
        f"stated recipe, {counts['not replicated']} under no variant tried.",
    ]
    if seconds is not None:
        lines.append(
            f"Training and checking the variants' runs took {seconds / 60:.1f} core-minutes (the sum of their jobs)."
        )
    lines += ["", "| variant | changes | figures |", "|---|---|---|"]
    for n, v in table.items():
        change = {
            **({"seed": v["seed"]}),
            **v["recipe"],
            **({"steps": f"×{v['steps_factor']}"} if v["steps_factor"] != 1 else {}),
        }
        figs = "all" if v["figures"] == list(FIGURES) else ", ".join(v["figures"])
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
