"""The ``tms`` command: exit codes of the CI gate and a train → plot → check round trip."""

from __future__ import annotations

import json

import pytest

from tms.cli import main


def _row(id: str, status: str, required: bool) -> dict:
    return {
        "id": id,
        "figure": "intro",
        "anchor": "§1",
        "statement": "",
        "expected": "",
        "tolerance": "",
        "required": required,
        "measured": None,
        "status": status,
        "note": "",
    }


@pytest.mark.parametrize(
    "rows, code",
    [
        ([_row("a", "held", True), _row("b", "not held", False)], 0),
        ([_row("a", "not held", True)], 1),
        ([_row("a", "not measured", True)], 1),
    ],
)
def test_check_required_gates_on_required_claims(tmp_path, rows, code):
    path = tmp_path / "replication.json"
    path.write_text(json.dumps(rows))
    assert main(["check", "--required", str(path)]) == code


def test_check_unknown_figure_is_a_clear_error(tmp_path, capsys):
    assert main(["check", "no_such_figure", "--runs-dir", str(tmp_path)]) == 2
    assert "allowed" in capsys.readouterr().err


def test_train_plot_check_round_trip(tmp_path, repo, monkeypatch):
    monkeypatch.chdir(repo)
    runs, figs, out = tmp_path / "runs", tmp_path / "figs", tmp_path / "replication.json"
    overlay = str(repo / "config/quick.yaml")
    assert main(["train", "intro", "--overlay", overlay, "--runs-dir", str(runs), "--threads", "1"]) == 0
    assert not (tmp_path / "resume/runs/intro").exists()  # the resumable state goes once the run is saved
    assert main(["plot", "intro", "--runs-dir", str(runs), "--figures-dir", str(figs)]) == 0
    assert (figs / "intro.pdf").stat().st_size > 0
    main(["check", "intro", "--runs-dir", str(runs), "--out", str(out)])  # verdicts of a quick run mean nothing
    rows = json.loads(out.read_text())
    assert {r["id"] for r in rows} == {"C0.1", "C0.2", "C0.3"}
    assert all(r["status"] in ("held", "not held") for r in rows)
    assert out.with_suffix(".md").read_text().startswith("# Replication table")


def test_carry_folds_finished_checks_into_the_record(tmp_path, capsys):
    """What `tms carry` writes, the workflow reuses: the hashes are those of the config as Snakemake
    sees it, schema defaults filled in (the SAE benchmark's spec reads one: hierarchy.magnitude)."""
    from snakemake.utils import validate

    from tms.core.config import load_config
    from tms.robustness import reusable

    record = tmp_path / "record.json"
    record.write_text(json.dumps({"format": 2, "figures": {}, "claims": []}))
    checks = tmp_path / "study" / "seed1" / "claims"
    checks.mkdir(parents=True)
    (checks / "intro.json").write_text(json.dumps([_row("C1.1", "held", True)]))
    (checks / "sae_benchmark.json").write_text(json.dumps([{**_row("X5.4", "held", False), "figure": "sae_benchmark"}]))
    assert main(["carry", "--record", str(record), "--study-dir", str(tmp_path / "study")]) == 0
    assert "seed1: intro" in capsys.readouterr().out
    workflow = load_config("config/config.yaml")
    validate(workflow, "workflow/schemas/config.schema.yaml")
    carried = json.loads(record.read_text())
    rows = reusable(carried, workflow, "seed1", "intro")
    assert [(r["id"], r["status"]) for r in rows] == [("C1.1", "held")]
    assert [r["id"] for r in reusable(carried, workflow, "seed1", "sae_benchmark")] == ["X5.4"]
    assert oct(record.stat().st_mode & 0o777) == "0o644"
