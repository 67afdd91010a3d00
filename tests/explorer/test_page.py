"""The page's data against the run artefacts, read back from the written HTML: the WᵀW and b shown
for each density are the saved weights' (computed here from the safetensors file with numpy),
every view and claim has its anchor, and the file is self-contained and reproducible."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from safetensors.numpy import load_file

from tms.explorer import EXPERIMENTS, write_explorer
from tms.explorer.page import figure_json
from tms.explorer.views import VIEWS

from .conftest import CLAIMS
from .specs import decode, plot_specs

DIGITS = 5  # the page rounds to 5 decimals


def saved(runs_dir, name: str):
    """(W [inst, n, m], b [inst, n], eval_loss [inst], density [inst]) straight from the artefact."""
    tensors = load_file(runs_dir / name / "weights.safetensors")
    meta = json.loads((runs_dir / name / "meta.json").read_text())
    return tensors["W"], tensors["b"], tensors["eval_loss"], np.asarray(meta["instances"]["density"])


def best_at(density, eval_loss, d: float) -> int:
    """The lowest-evaluation-loss instance trained at density ``d``."""
    at = np.flatnonzero(np.isclose(density, d, rtol=1e-9))
    return int(at[np.argmin(eval_loss[at])])


@pytest.mark.parametrize("view", ["basic_results", "basic_results_large"])
def test_the_gram_shown_for_each_density_is_the_saved_weights_product(page, runs_dir, view):
    specs = plot_specs(page.read_text())
    heatmaps = [t for t in specs[f"plot-{view}-0"]["data"] if t.get("meta", {}).get("quantity") == "gram+b"]
    name = {"linear": "basic_linear", "ReLU output": "basic_relu"}
    if view == "basic_results_large":
        name = {"linear": "basic_large_linear", "ReLU output": "basic_large_relu"}
    densities = {t["meta"]["density"] for t in heatmaps}
    assert len(heatmaps) == 2 * len(densities)  # both sides at every slider density
    _, _, _, trained = saved(runs_dir, name["ReLU output"])
    assert densities == set(trained.tolist())  # every trained density has a slider step
    for trace in heatmaps:
        W, b, loss, density = saved(runs_dir, name[trace["meta"]["model"]])
        k = best_at(density, loss, trace["meta"]["shown"])
        n = W.shape[1]
        z = decode(trace["z"]).reshape(n, n + 2)
        np.testing.assert_allclose(z[:, :n], W[k] @ W[k].T, atol=10**-DIGITS)
        np.testing.assert_allclose(z[:, n + 1], b[k], atol=10**-DIGITS)
        assert np.isnan(z[:, n]).all()


def test_the_intro_vectors_are_the_saved_rows_of_w(page, runs_dir):
    """Each feature line runs from the origin to W_i of the best replica at its density."""
    specs = plot_specs(page.read_text())
    W, _, loss, density = saved(runs_dir, "intro")
    lines = [t for t in specs["plot-intro-0"]["data"] if t.get("meta", {}).get("quantity") == "vector"]
    assert lines
    for trace in lines:
        k = best_at(density, loss, trace["meta"]["density"])
        x, y = decode(trace["x"]), decode(trace["y"])
        np.testing.assert_allclose([x[0], y[0]], [0.0, 0.0])
        np.testing.assert_allclose([x[-1], y[-1]], W[k, trace["meta"]["feature"]], atol=10**-DIGITS)


def test_every_view_and_every_claims_figure_has_an_anchor(page):
    html = page.read_text()
    ids = set(re.findall(r'id="([^"]+)"', html))
    for view in VIEWS:
        assert view.figure in ids and f"plot-{view.figure}-0" in ids
    links = set(re.findall(r'<td><a href="#([^"]+)">', html))
    assert links == {c["figure"] for c in CLAIMS} and links <= ids


def test_the_table_rows_carry_their_status_and_verdict_for_the_filters(page):
    html = page.read_text()
    rows = re.findall(r'<tr data-status="([^"]+)" data-verdict="([^"]+)">', html)
    assert rows == [("held", "no verdict"), ("not held", "not replicated")]
    assert '<option value="not held">' in html and '<option value="not replicated">' in html


def test_the_page_is_one_self_contained_file(page):
    html = page.read_text()
    assert html.count("<script>") == 2  # plotly's JavaScript once, the page's own script once
    assert re.search(r"<(script|link|img|iframe)[^>]+(src|href)=", html) is None  # nothing loaded from elsewhere
    assert page.stat().st_size <= 15e6
    assert page.stat().st_mode & 0o777 == 0o644


def test_the_same_runs_give_the_same_bytes(page, runs, tmp_path):
    again = tmp_path / "again.html"
    write_explorer(again, runs, CLAIMS)
    assert again.read_bytes() == page.read_bytes()


def test_a_missing_run_is_named(runs, tmp_path):
    partial = {k: v for k, v in runs.items() if k != "phase_3_2"}
    with pytest.raises(ValueError, match="phase_3_2"):
        write_explorer(tmp_path / "x.html", partial, CLAIMS)
    assert not (tmp_path / "x.html").exists()


def test_json_in_the_page_cannot_close_its_script_element():
    import plotly.graph_objects as go

    text = figure_json(go.Figure(layout={"title": {"text": "</script><!-- <b>"}}))
    assert "<" not in text and json.loads(text)["layout"]["title"]["text"] == "</script><!-- <b>"


def test_the_views_read_only_the_declared_runs():
    from tms.figures import experiments_for

    assert set(EXPERIMENTS) == {e for v in VIEWS for e in experiments_for(v.figure)}
