"""Reading the workflow's YAML config outside Snakemake (the ``tms`` command line).

Overlays merge like Snakemake's ``--configfile``: nested mappings are merged key by key, any
other value (lists included) is replaced. Values are validated where they are used
(``Experiment`` and ``Recipe`` name the bad key and its allowed values).
"""

from __future__ import annotations

from pathlib import Path

import yaml


def merge(base: dict, overlay: dict) -> dict:
    """``base`` updated recursively by ``overlay`` (a new dict; inputs are untouched)."""
    out = dict(base)
    for key, value in overlay.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


def load_config(*paths: str | Path) -> dict:
    """The merged config of ``paths`` (first is the base, later ones are overlays)."""
    config: dict = {}
    for path in paths:
        with open(path) as f:
            loaded = yaml.safe_load(f) or {}
        if not isinstance(loaded, dict):
            raise ValueError(f"{path}: a config file must be a YAML mapping")
        config = merge(config, loaded)
    return config
