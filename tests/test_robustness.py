"""tms.robustness: verdicts from hand-made claim results, the table, and the replication rows."""

from __future__ import annotations

import copy

import pytest

from tms.claims import add_study
from tms.claims import to_markdown as replication_markdown
from tms.figures import FIGURES
from tms.robustness import config_hash, paper_uses, study, to_markdown, variants

EXPERIMENT = {
    "model": "relu_output",
    "n_features": 5,
    "n_hidden": 2,
    "importance_decay": 0.9,
    "densities": [1.0, 0.2, 0.1],
}
CONFIG = {
    "seed": 0,
    "recipe": {"steps": 1000, "init": "notebook"},
    "experiments": {"intro": EXPERIMENT},
    "robustness": {
        "seeds": [1, 2],
        "variants": {
            "xavier": {"label": "xavier init", "recipe": {"init": "xavier_normal"}, "figures": ["intro"]},
            "long": {"label": "3x steps", "steps_factor": 3, "figures": ["intro"]},
        },
    },
}
# config/paper.yaml's stand-in: trains intro 3x as long, with the default init
PAPER = {**CONFIG, "experiments": {"intro": {**EXPERIMENT, "recipe": {"steps": 3000}}}}


def row(cid, status, measured=0.5):
    return {
        "id": cid,
        "figure": "intro",
        "required": False,
        "statement": f"claim {cid}",
        "status": status,
        "measured": measured,
    }


def claims_by_variant(statuses: dict[str, str]) -> dict[str, list[dict]]:
    """One claim "C" measured as ``statuses[variant]`` (a variant left out did not measure it)."""
    return {v: [row("C", s)] for v, s in statuses.items()} | {v: [] for v in variants(CONFIG) if v not in statuses}


@pytest.mark.parametrize(
    "statuses, verdict, seeds",
    [
        ({"default": "held", "seed1": "held", "seed2": "not held", "xavier": "not held"}, "replicates", (2, 3)),
        ({"default": "not held", "seed1": "held", "seed2": "held"}, "replicates", (2, 3)),
        ({"default": "held", "seed1": "not held", "seed2": "not held", "long": "held"}, "recipe", (1, 3)),
        (
            {"default": "not held", "seed1": "not held", "seed2": "not held", "xavier": "not held", "long": "not held"},
            "not replicated",
            (0, 3),
        ),
        ({"default": "not held", "seed1": "not measured", "seed2": "not held"}, "not replicated", (0, 2)),
    ],
)
def test_verdicts(statuses, verdict, seeds):
    [claim] = study(CONFIG, PAPER, claims_by_variant(statuses))["claims"]
    assert claim["verdict"] == verdict
    assert (claim["seeds"]["held"], claim["seeds"]["of"]) == seeds


def test_recipe_verdict_says_whether_the_paper_config_uses_it():
    statuses = {"default": "not held", "seed1": "not held", "seed2": "not held", "xavier": "held", "long": "held"}
    [claim] = study(CONFIG, PAPER, claims_by_variant(statuses))["claims"]
    assert "3x steps (config/paper.yaml uses it)" in claim["verdict_text"]
    assert "xavier init (config/paper.yaml does not)" in claim["verdict_text"]
    assert paper_uses(CONFIG, PAPER, "long", "intro") and not paper_uses(CONFIG, PAPER, "xavier", "intro")


def test_not_replicated_lists_every_value_tried():
    statuses = {
        "default": "not held",
        "seed1": "not held",
        "seed2": "not held",
        "xavier": "not held",
        "long": "not held",
    }
    claims = claims_by_variant(statuses)
    claims["long"][0]["measured"] = {"ratio": 2.5}
    [claim] = study(CONFIG, PAPER, claims)["claims"]
    assert "3x steps: ratio 2.5" in claim["verdict_text"] and "xavier init: 0.5" in claim["verdict_text"]


def test_missing_variant_is_an_error():
    with pytest.raises(ValueError, match="seed2"):
        study(CONFIG, PAPER, {"default": [row("C", "held")], "seed1": [], "xavier": [], "long": []})


def test_variants_default_to_every_figure_and_check_names():
    table = variants(CONFIG)
    assert table["seed1"]["figures"] == list(FIGURES) and table["long"]["figures"] == ["intro"]
    bad = copy.deepcopy(CONFIG)
    bad["robustness"]["variants"]["long"]["figures"] = ["fig_x"]
    with pytest.raises(ValueError, match="robustness.variants.long.figures"):
        variants(bad)


def test_config_hash_ignores_the_study_section_only():
    other = {**CONFIG, "robustness": {}}
    assert config_hash(other) == config_hash(CONFIG)
    assert config_hash({**CONFIG, "seed": 3}) != config_hash(CONFIG)


def test_markdown_and_replication_rows_carry_the_study():
    statuses = {"default": "held", "seed1": "held", "seed2": "not held", "xavier": "held", "long": "not held"}
    record = study(CONFIG, PAPER, claims_by_variant(statuses))
    md = to_markdown(record, seconds=120)
    assert "| C | held | held | **not held** | held | **not held** | replicates:" in md
    assert "2.0 core-minutes" in md
    base = [{**row("C", "held"), "anchor": "#x", "expected": "e", "tolerance": "t"}]
    rows = add_study(base, record, config_hash(CONFIG))
    assert rows[0]["seeds"] == {"held": 2, "of": 3} and rows[0]["study"] == "this config"
    assert "| 2/3 | replicates: held on 2 of 3 seeds" in replication_markdown(rows)
    stale = add_study(base, record, "another")
    assert "not this build's" in stale[0]["study"]
    assert add_study(base, None) == base and "seeds" not in replication_markdown(base)


def test_figure_is_written(tmp_path):
    from tms.plots.robustness import plot_robustness

    statuses = {"default": "held", "seed1": "not measured", "seed2": "not held", "xavier": "held"}
    plot_robustness(study(CONFIG, PAPER, claims_by_variant(statuses)), tmp_path / "r.pdf", tmp_path / "r.png")
    assert (tmp_path / "r.pdf").stat().st_size > 1000 and (tmp_path / "r.png").stat().st_size > 1000


def test_a_variant_that_trains_the_default_runs_is_not_another_recipe():
    """A recipe variant that changes nothing in a figure's runs (here init: notebook, already the
    default) is marked as the default again and never makes a "recipe" verdict."""
    config = copy.deepcopy(CONFIG)
    config["robustness"]["variants"]["same"] = {
        "label": "notebook init",
        "recipe": {"init": "notebook"},
        "figures": ["intro"],
    }
    statuses = {
        "default": "not held",
        "seed1": "not held",
        "seed2": "not held",
        "xavier": "not held",
        "long": "not held",
        "same": "held",
    }
    claims = {v: [row("C", s)] for v, s in statuses.items()}
    [claim] = study(config, PAPER, claims)["claims"]
    assert claim["results"]["same"]["same_as_default"] and not claim["results"]["xavier"]["same_as_default"]
    assert claim["verdict"] == "not replicated" and "notebook init" not in claim["verdict_text"]
    assert "held (= default)" in to_markdown(study(config, PAPER, claims))
