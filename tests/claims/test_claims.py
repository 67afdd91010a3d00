"""tms.claims as a whole: claim checks never plot (docs/architecture.md: data flows one way)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tms.claims.registry import claim


def test_claims_import_no_plotting():
    """Importing every claim module loads neither tms.plots nor matplotlib, so editing a plot
    re-draws figures without re-running claim checks."""
    code = (
        "import sys, tms.claims.catalogue; "
        "print(sorted(m for m in sys.modules if m.startswith(('tms.plots', 'matplotlib'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]", out


def test_report_blocks_show_each_claim_as_short_text():
    """The report's per-figure view: one block per claim with its status, seeds and measured value
    as text (a dict reads "key value; ..."), never a raw dict."""
    from tms.claims.table import to_blocks

    row = {
        "id": "C9.1",
        "required": True,
        "status": "held",
        "statement": "D* ≈ 1 when dense.",
        "expected": "1",
        "tolerance": "±0.05",
        "measured": {"D*": 1.0035, "1/(1−S)": 1.0},
        "note": "",
    }
    studied = {**row, "id": "C9.2", "seeds": {"held": 2, "of": 3}, "verdict": "replicates", "study": "current"}
    text = to_blocks([row, studied])
    assert "**C9.1** (required): **held**" in text and "measured: D* 1.004; 1/(1−S) 1" in text
    assert "on 2 of 3 seeds; paper scale: –; replicates" in text and "{" not in text
    assert "STALE" not in text
    paper = {"status": "held", "seeds": 1}
    stale = to_blocks([{**studied, "study": "stale", "paper_scale": paper}])
    assert "paper scale: held; replicates (STALE" in stale


def test_a_claim_takes_its_figure_from_its_module_or_says_which_is_missing():
    """``@claim`` reads ``FIGURE`` and ``ANCHOR`` from the measure's module (this test module has
    neither): without them and without ``figure=`` it names the claim; an unknown figure is named."""

    def measure(runs):
        return None

    with pytest.raises(ValueError, match=r"claim T0\.1: no figure; pass figure= or set FIGURE in"):
        claim("T0.1", "statement", "expected", "tolerance")(measure)
    with pytest.raises(ValueError, match=r"claim T0\.2: no anchor"):
        claim("T0.2", "statement", "expected", "tolerance", figure="intro")(measure)
    with pytest.raises(ValueError, match=r"claim T0\.3: figure must be one of .*got 'nope'"):
        claim("T0.3", "statement", "expected", "tolerance", figure="nope", anchor="#x")(measure)
