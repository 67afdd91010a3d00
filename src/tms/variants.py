"""Variants of a configuration for the robustness study (``tms.robustness``).

A variant is the config with a few settings changed: another ``seed``, recipe keys set in every
experiment over the experiment's own (``recipe: {init: xavier_normal}``), or every experiment's
steps multiplied by ``steps_factor``. The default build is the variant ``default``; each of
``robustness.seeds`` is a variant ``seed<k>`` that changes the seed only.

This module imports nothing else of the package but ``tms.core.validation``, so that training a
variant's run depends on the trainer's code only, not on the claims or figures that read it.
"""

from __future__ import annotations

import copy

from tms.core.validation import check_positive_int, is_int

DEFAULT = "default"


def variant_settings(config: dict) -> dict[str, dict]:
    """The study's variants, in order: ``default``, one per seed, then the recipe variants; each
    ``{"label", "kind" ("seed" | "recipe"), "seed", "recipe", "steps_factor", "figures"}``
    (``figures`` as configured: None means every figure)."""
    study = config.get("robustness") or {}
    base_seed = int(config.get("seed", 0))

    def seed_variant(seed):
        return {
            "label": f"default, seed {seed}",
            "kind": "seed",
            "seed": seed,
            "recipe": {},
            "steps_factor": 1,
            "figures": None,
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
        out[name] = {
            "label": spec.get("label", name),
            "kind": "recipe",
            "seed": spec.get("seed", base_seed),
            "recipe": dict(spec.get("recipe") or {}),
            "steps_factor": factor,
            "figures": spec.get("figures"),
        }
    return out


def variant_config(config: dict, name: str) -> dict:
    """``config`` as variant ``name`` trains it: its seed, its recipe keys set in every experiment
    (over the experiment's own), every experiment's steps times ``steps_factor``."""
    table = variant_settings(config)
    if name not in table:
        raise ValueError(f"robustness variant must be one of {tuple(table)}; got {name!r}")
    v = table[name]
    out = copy.deepcopy(config)
    out["seed"] = v["seed"]
    out["recipe"] = {**out["recipe"], **v["recipe"]}
    for entry in out["experiments"].values():
        recipe = {**(entry.get("recipe") or {}), **v["recipe"]}
        if v["steps_factor"] != 1:
            recipe["steps"] = recipe.get("steps", out["recipe"]["steps"]) * v["steps_factor"]
        entry["recipe"] = recipe
    return out
