"""tms.robustness: verdicts from hand-made claim results, the record's per-figure hashes and reuse,
the headline, the table, and the replication rows."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import yaml

from tms.claims.table import add_study, headline
from tms.claims.table import to_markdown as replication_markdown
from tms.figures import FIGURES
from tms.robustness import carry, config_hash, figure_hashes, paper_uses, reusable, study, to_markdown, variants

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
            "long_s1": {"label": "3x steps, seed 1", "of": "long", "seed": 1, "steps_factor": 3, "figures": ["intro"]},
            "long_s2": {"label": "3x steps, seed 2", "of": "long", "seed": 2, "steps_factor": 3, "figures": ["intro"]},
        },
    },
}
# config/paper.yaml's stand-in: trains intro 3x as long, with the default init
PAPER = {**CONFIG, "experiments": {"intro": {**EXPERIMENT, "recipe": {"steps": 3000}}}}
SEEDS = {"default": "not held", "seed1": "not held", "seed2": "not held"}


@pytest.fixture
def with_paper(tmp_path):
    """CONFIG with a paper-scale variant: an overlay file of 10 replicas per density."""
    overlay = tmp_path / "paper.yaml"
    overlay.write_text(yaml.safe_dump({"experiments": {"intro": {"replicas": 10}}}))
    config = copy.deepcopy(CONFIG)
    config["robustness"]["variants"]["paper"] = {"label": "paper scale", "overlay": str(overlay), "figures": ["intro"]}
    return config


def row(cid, status, measured=0.5):
    return {
        "id": cid,
        "figure": "intro",
        "required": False,
        "statement": f"claim {cid}",
        "status": status,
        "measured": measured,
    }


def claims_by_variant(statuses: dict[str, str], config=CONFIG) -> dict[str, list[dict]]:
    """One claim "C" measured as ``statuses[variant]`` (a variant left out did not measure it)."""
    return {v: [row("C", s)] for v, s in statuses.items()} | {v: [] for v in variants(config) if v not in statuses}


@pytest.mark.parametrize(
    "statuses, verdict, seeds",
    [
        ({"default": "held", "seed1": "held", "seed2": "not held", "xavier": "not held"}, "replicates", (2, 3)),
        ({"default": "not held", "seed1": "held", "seed2": "held"}, "replicates", (2, 3)),
        # held under a recipe on 2 of its 3 seeds
        ({**SEEDS, "default": "held", "long": "held", "long_s1": "not held", "long_s2": "held"}, "recipe", (1, 3)),
        # held under a recipe on its first seed only: not a verdict of its own
        (
            {**SEEDS, "default": "held", "long": "held", "long_s1": "not held", "long_s2": "not held"},
            "not replicated at default scale",
            (1, 3),
        ),
        ({**SEEDS, "xavier": "not held", "long": "not held"}, "not replicated at default scale", (0, 3)),
        (
            {"default": "not held", "seed1": "not measured", "seed2": "not held"},
            "not replicated at default scale",
            (0, 2),
        ),
        # one seed of three is not a majority
        ({**SEEDS, "seed2": "held"}, "not replicated at default scale", (1, 3)),
    ],
)
def test_verdicts(statuses, verdict, seeds):
    [claim] = study(CONFIG, PAPER, claims_by_variant(statuses))["claims"]
    assert claim["verdict"] == verdict
    assert (claim["seeds"]["held"], claim["seeds"]["of"]) == seeds
    assert claim["paper_scale"]["status"] == "not run"


def test_paper_scale_verdict_and_status(with_paper):
    """Held at the paper's scale only: "replicates at paper scale"; a majority of seeds still wins;
    not held there and under nothing else: "not replicated", with the paper's value listed."""
    held = {**SEEDS, "paper": "held"}
    [claim] = study(with_paper, PAPER, claims_by_variant(held, with_paper))["claims"]
    assert claim["verdict"] == "replicates at paper scale" and claim["paper_scale"]["status"] == "held"
    both = {**held, "seed1": "held", "seed2": "held"}
    assert study(with_paper, PAPER, claims_by_variant(both, with_paper))["claims"][0]["verdict"] == "replicates"
    claims = claims_by_variant({**SEEDS, "paper": "not held"}, with_paper)
    claims["paper"][0]["measured"] = {"columns": 9}
    [claim] = study(with_paper, PAPER, claims)["claims"]
    assert claim["verdict"] == "not replicated" and "paper scale: columns 9" in claim["verdict_text"]
    assert claim["paper_scale"] == {"variant": "paper", "status": "not held", "measured": {"columns": 9}}


def test_a_figure_the_paper_variant_does_not_run_says_why(with_paper):
    with_paper["robustness"]["variants"]["paper"] = {
        "overlay": with_paper["robustness"]["variants"]["paper"]["overlay"],
        "not_run": {"intro": "projected 9 hours on 2 cores"},
    }
    table = variants(with_paper)
    assert "intro" not in table["paper"]["figures"] and table["paper"]["kind"] == "paper"
    [claim] = study(with_paper, PAPER, claims_by_variant(SEEDS, with_paper))["claims"]
    assert claim["paper_scale"] == {"variant": "paper", "status": "not run", "reason": "projected 9 hours on 2 cores"}
    assert "paper scale not run: projected 9 hours on 2 cores" in claim["verdict_text"]


def test_a_figure_the_paper_settings_leave_alone_takes_the_default_status(with_paper):
    """Where config/paper.yaml changes none of a figure's runs, the default build is the paper's
    scale: its status is the paper-scale status, with nothing trained again."""
    overlay = Path(with_paper["robustness"]["variants"]["paper"]["overlay"])
    overlay.write_text(yaml.safe_dump({"experiments": {"intro": {"densities": EXPERIMENT["densities"]}}}))
    del with_paper["robustness"]["variants"]["paper"]["figures"]
    with_paper["robustness"]["variants"]["paper"]["not_run"] = {"intro": "the default runs are the paper's"}
    [claim] = study(with_paper, PAPER, claims_by_variant({**SEEDS, "default": "held"}, with_paper))["claims"]
    assert claim["paper_scale"] == {"variant": "default", "status": "held", "measured": 0.5}


def test_recipe_verdict_says_whether_the_paper_config_uses_it():
    statuses = {**SEEDS, "xavier": "held", "long": "held", "long_s1": "held", "long_s2": "not held"}
    [claim] = study(CONFIG, PAPER, claims_by_variant(statuses))["claims"]
    assert "3x steps on 2 of 3 seeds (config/paper.yaml uses it)" in claim["verdict_text"]
    assert "xavier" not in claim["verdict_text"]  # held on its one seed only
    assert paper_uses(CONFIG, PAPER, "long", "intro") and not paper_uses(CONFIG, PAPER, "xavier", "intro")


def test_not_replicated_lists_every_value_tried():
    claims = claims_by_variant({**SEEDS, "xavier": "not held", "long": "not held"})
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
    bad = copy.deepcopy(CONFIG)
    bad["robustness"]["variants"]["xavier"]["not_run"] = {"fig_x": "why"}
    with pytest.raises(ValueError, match="robustness.variants.xavier.not_run"):
        variants(bad)


def test_config_hash_ignores_the_study_section_only():
    other = {**CONFIG, "robustness": {}}
    assert config_hash(other) == config_hash(CONFIG)
    assert config_hash({**CONFIG, "seed": 3}) != config_hash(CONFIG)


def test_figure_hashes_change_only_for_the_figures_whose_runs_change():
    """A change to one experiment makes only the figures that read it stale; a change to a variant
    changes the hash of the figures it runs."""
    config = copy.deepcopy(CONFIG)
    config["experiments"]["basic_linear"] = {**EXPERIMENT, "model": "linear"}
    before = figure_hashes(config)
    changed = copy.deepcopy(config)
    changed["experiments"]["basic_linear"]["densities"] = [1.0]
    after = figure_hashes(changed)
    assert after["intro"] == before["intro"] and after["basic_results"] != before["basic_results"]
    longer = copy.deepcopy(config)
    longer["robustness"]["variants"]["long"]["steps_factor"] = 4
    moved = figure_hashes(longer)["intro"]
    assert (
        moved["hash"] != before["intro"]["hash"] and moved["variants"]["seed1"] == before["intro"]["variants"]["seed1"]
    )


def test_a_record_is_reused_only_for_unchanged_runs():
    statuses = {**SEEDS, "seed1": "held", "xavier": "held", "long": "not held"}
    record = study(CONFIG, PAPER, claims_by_variant(statuses))
    rows = reusable(record, CONFIG, "xavier", "intro")
    assert rows == [{"id": "C", "figure": "intro", "status": "held", "measured": 0.5, "from_record": True}]
    assert reusable(record, CONFIG, "default", "intro") is None  # the default build is never taken from a record
    changed = copy.deepcopy(CONFIG)
    changed["robustness"]["variants"]["xavier"]["recipe"]["lr"] = 0.01
    assert reusable(record, changed, "xavier", "intro") is None
    assert reusable(record, changed, "seed1", "intro") is not None
    assert reusable({**record, "format": 1}, CONFIG, "xavier", "intro") is None


def test_carry_keeps_a_cut_off_study_s_checks_for_the_next_run():
    old = copy.deepcopy(CONFIG)
    old["robustness"]["variants"]["xavier"]["recipe"]["lr"] = 0.01  # the record was made on other runs
    record = study(old, PAPER, claims_by_variant({**SEEDS, "xavier": "not held"}, old))
    assert reusable(record, CONFIG, "xavier", "intro") is None
    taken = reusable(record, CONFIG, "seed1", "intro")  # unchanged, so taken from the record again
    measured = {"xavier": [row("C", "held", 0.9), row("D", "not held")], "seed1": taken}
    carried = carry(record, CONFIG, measured)
    assert reusable(carried, CONFIG, "xavier", "intro") == [
        {"id": "C", "figure": "intro", "status": "held", "measured": 0.9, "from_record": True},
        {"id": "D", "figure": "intro", "status": "not held", "measured": 0.5, "from_record": True},
    ]
    assert reusable(carried, CONFIG, "seed1", "intro") == taken
    new = next(r for r in carried["claims"] if r["id"] == "D")  # a claim the record never checked
    assert new["verdict"] == "not in the study"
    assert new["results"] == {"xavier": {"status": "not held", "measured": 0.5}}
    assert carried["figures"]["intro"]["hash"] == record["figures"]["intro"]["hash"]  # no row made current
    assert record["claims"][0]["results"]["xavier"]["status"] == "not held"  # the input is not changed
    with pytest.raises(ValueError, match="default"):
        carry(record, CONFIG, {"default": [row("C", "held")]})


def test_headline_counts_paper_claims_apart_from_ours():
    rows = [
        {"id": "C0.1", "figure": "intro", "status": "held", "verdict": "replicates", "study": "current"},
        {
            "id": "C0.2",
            "figure": "intro",
            "status": "not held",
            "verdict": "replicates at paper scale",
            "study": "current",
        },
        {"id": "C0.3", "figure": "intro", "status": "held", "verdict": "not replicated", "study": "stale"},
        {"id": "X2.1", "figure": "product_neurons", "status": "held", "verdict": "recipe", "study": "current"},
    ]
    text = headline(rows)
    paper, ours = text.split("This project's own claims")
    assert "Paper claims: 3; 1 replicate" in paper and "1 replicate at the paper's scale only" in paper
    assert "0 do not replicate (the paper's scale included)" in paper
    assert "1 without a current study verdict; 2 of 3 hold on seed 0." in paper
    assert ": 1; 0 replicate" in ours and "1 under a recipe variant only" in ours and "1 of 1 hold on seed 0" in ours


def test_markdown_and_replication_rows_carry_the_study():
    statuses = {"default": "held", "seed1": "held", "seed2": "not held", "xavier": "held", "long": "not held"}
    record = study(CONFIG, PAPER, claims_by_variant(statuses))
    md = to_markdown(record, seconds=120)
    assert "| C | held | held | **not held** | held | **not held** | – | – | replicates:" in md
    assert "2.0 core-minutes" in md
    base = [{**row("C", "held"), "anchor": "#x", "expected": "e", "tolerance": "t"}]
    rows = add_study(base, record, figure_hashes(CONFIG))
    assert rows[0]["seeds"] == {"held": 2, "of": 3} and rows[0]["study"] == "current"
    table = replication_markdown(rows)
    assert "| 2/3 | not run (the study has no paper variant) | replicates: held on 2 of 3 seeds" in table
    assert "Every row's study record matches this build." in table and "Paper claims: 1; 1 replicate" in table
    changed = copy.deepcopy(CONFIG)
    changed["experiments"]["intro"]["densities"] = [1.0]
    stale = add_study(base, record, figure_hashes(changed))
    assert stale[0]["study"] == "stale" and "**STALE** replicates" in replication_markdown(stale)
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
    statuses = {**SEEDS, "xavier": "not held", "long": "not held", "same": "held"}
    claims = claims_by_variant(statuses, config)
    [claim] = study(config, PAPER, claims)["claims"]
    assert claim["results"]["same"]["same_as_default"] and not claim["results"]["xavier"]["same_as_default"]
    assert claim["verdict"] == "not replicated at default scale" and "notebook init" not in claim["verdict_text"]
    assert "held (= default)" in to_markdown(study(config, PAPER, claims))


def test_the_docs_state_the_committed_record_s_headline():
    """README and docs/findings.md give the one headline of the committed study record, word for word."""
    repo = Path(__file__).parents[1]
    text = " ".join(headline(json.loads((repo / "docs" / "robustness.json").read_text())["claims"]).split())
    for doc in ("README.md", "docs/findings.md"):
        assert text in " ".join((repo / doc).read_text().split()), doc
