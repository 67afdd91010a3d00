"""Variants of a configuration for the robustness study (``tms.robustness``).

A variant is the config with a few settings changed: another ``seed``, recipe keys set in every
experiment over the experiment's own (``recipe: {init: xavier_normal}``), every experiment's
steps multiplied by ``steps_factor``, or a whole overlay merged on (``overlay: config/paper.yaml``,
the paper's own scale: a variant of kind ``paper``). The default build is the variant ``default``;
each of ``robustness.seeds`` is a variant ``seed<k>`` that changes the seed only. A recipe variant
with ``of: <name>`` repeats variant ``<name>``'s recipe on its own seed, so that a claim held under a
recipe is counted over seeds like the default's (``tms.robustness``).

This module imports nothing else of the package but ``tms.core.validation``, so that training a
variant's run depends on the trainer's code only, not on the claims or figures that read it.
"""

from __future__ import annotations

import copy

from tms.core.config import load_config, merge
from tms.core.validation import check_positive_int, is_int

DEFAULT = "default"
KINDS = ("seed", "recipe", "paper")


def variant_settings(config: dict) -> dict[str, dict]:
    """The study's variants, in order: ``default``, one per seed, then the configured variants; each
    ``{"label", "kind" (one of KINDS), "seed", "recipe", "steps_factor", "overlay", "of", "figures",
    "not_run"}`` (``figures`` as configured: None means every figure; ``not_run``: figure -> why the
    variant does not run it)."""
    study = config.get("robustness") or {}
    base_seed = int(config.get("seed", 0))

    def seed_variant(seed):
        return {
            "label": f"default, seed {seed}",
            "kind": "seed",
            "seed": seed,
            "recipe": {},
            "steps_factor": 1,
            "overlay": None,
            "of": None,
            "figures": None,
            "not_run": {},
        }

    out = {DEFAULT: seed_variant(base_seed)}
    for seed in study.get("seeds") or []:
        if not is_int(seed) or seed < 0 or seed == base_seed:
            raise ValueError(
                f"robustness.seeds must hold integers >= 0 other than the config's seed {base_seed}; got {seed!r}"
            )
        out[f"seed{seed}"] = seed_variant(seed)
    for name, spec in (study.get("variants") or {}).items():
        if name in out or not name.replace("_", "").isalnum():
            raise ValueError(
                f"robustness.variants: {name!r} must be a new name of letters, digits and _ (not {tuple(out)})"
            )
        factor = spec.get("steps_factor", 1)
        check_positive_int(f"robustness.variants.{name}.steps_factor", factor)
        of = spec.get("of")
        if of is not None and (of not in out or out[of]["kind"] != "recipe" or out[of]["of"] is not None):
            recipes = [n for n, v in out.items() if v["kind"] == "recipe" and v["of"] is None]
            raise ValueError(f"robustness.variants.{name}.of must name a recipe variant before it, one of {recipes}")
        seed = spec.get("seed", base_seed)
        if of is not None and seed in [out[of]["seed"]] + [v["seed"] for v in out.values() if v["of"] == of]:
            raise ValueError(f"robustness.variants.{name}.seed must differ from the seeds of {of!r} so far; got {seed}")
        out[name] = {
            "label": spec.get("label", name),
            "kind": "paper" if spec.get("overlay") else "recipe",
            "seed": seed,
            "recipe": dict(spec.get("recipe") or {}),
            "steps_factor": factor,
            "overlay": spec.get("overlay"),
            "of": of,
            "figures": spec.get("figures"),
            "not_run": dict(spec.get("not_run") or {}),
        }
    return out


def variant_config(config: dict, name: str) -> dict:
    """``config`` as variant ``name`` trains it: its overlay merged on (paths relative to the
    working directory, as Snakemake's), its seed, its recipe keys set in every experiment (over the
    experiment's own), every experiment's steps times ``steps_factor``."""
    table = variant_settings(config)
    if name not in table:
        raise ValueError(f"robustness variant must be one of {tuple(table)}; got {name!r}")
    v = table[name]
    out = copy.deepcopy(config)
    if v["overlay"]:
        out = merge(out, load_config(v["overlay"]))
    out["seed"] = v["seed"]
    out["recipe"] = {**out["recipe"], **v["recipe"]}
    for entry in out["experiments"].values():
        recipe = {**(entry.get("recipe") or {}), **v["recipe"]}
        if v["steps_factor"] != 1:
            recipe["steps"] = recipe.get("steps", out["recipe"]["steps"]) * v["steps_factor"]
        entry["recipe"] = recipe
    return out
