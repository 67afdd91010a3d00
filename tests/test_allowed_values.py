"""Every list of allowed values has one source: each ``enum`` of workflow/schemas/config.schema.yaml
equals the Python tuple that the code checks against (same values, same order), and no schema enum
is left without one. A new enum in the schema fails ``test_every_schema_enum_is_tied`` until it is
added to ``TIED`` below."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
import yaml

from tms.core.data.hierarchy import MAGNITUDES
from tms.core.experiments import AGGREGATES, FEATURE_SETS
from tms.core.models import INITS, LOSS_REDUCTIONS, MODELS
from tms.core.sae import K_KINDS, KINDS
from tms.core.train import DEVICES, OPTIMIZERS, SCHEDULES

SCHEMA = Path(__file__).resolve().parents[1] / "workflow" / "schemas" / "config.schema.yaml"

# schema path of the enum (keys joined by "/") -> the Python tuple that checks the same setting
TIED = {
    "$defs/recipe/properties/optimizer": OPTIMIZERS,  # tms.core.train
    "$defs/recipe/properties/schedule": SCHEDULES,  # tms.core.train
    "$defs/recipe/properties/init": INITS,  # tms.core.models.common
    "$defs/recipe/properties/loss_reduction": LOSS_REDUCTIONS,  # tms.core.models.common
    "$defs/sae_kind": KINDS,  # tms.core.sae (also tests/core/test_sae.py)
    "$defs/experiment/properties/model": tuple(MODELS),  # tms.core.models registry
    "$defs/experiment/properties/aggregate": AGGREGATES,  # tms.core.experiments
    "$defs/experiment/properties/feature_sets": FEATURE_SETS,  # tms.core.experiments
    "properties/device": DEVICES,  # tms.core.train
    "properties/sae_benchmark/properties/hierarchy/properties/magnitude": MAGNITUDES,  # tms.core.data.hierarchy
    "properties/sae_benchmark/properties/sizes/properties/kind": K_KINDS,  # tms.core.sae
}


@pytest.fixture(scope="module")
def enums() -> dict[str, tuple]:
    """Every ``enum`` of the schema, by its path."""
    with open(SCHEMA) as f:
        schema = yaml.safe_load(f)
    found: dict[str, tuple] = {}

    def walk(node, path):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "enum":
                    found["/".join(path)] = tuple(value)
                else:
                    walk(value, [*path, str(key)])
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, [*path, str(i)])

    walk(schema, [])
    return found


def test_every_schema_enum_is_tied(enums):
    assert sorted(enums) == sorted(TIED)


@pytest.mark.parametrize("path", sorted(TIED))
def test_schema_enum_equals_python_tuple(enums, path):
    assert enums[path] == TIED[path]


def test_cli_device_choices():
    """``tms train --device`` offers the config's devices."""
    from tms.cli import parser

    sub = next(a for a in parser()._actions if isinstance(a, argparse._SubParsersAction))
    train = sub.choices["train"]
    device = next(a for a in train._actions if "--device" in a.option_strings)
    assert tuple(device.choices) == DEVICES
