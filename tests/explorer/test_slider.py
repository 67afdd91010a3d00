"""A slider shows exactly one step's traces (and the static ones) at each position."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest

from tms.explorer.slider import Step, with_slider


def trace(name):
    return (go.Scatter(x=[0], y=[0], name=name), None, None)


def test_each_position_shows_its_own_traces_and_the_static_ones():
    steps = [Step("a", [trace("a1"), trace("a2")], {"title.text": "A"}), Step("b", [trace("b1")], {"title.text": "B"})]
    fig = with_slider(go.Figure(), steps, static=[trace("s")], active=1)
    names = [t.name for t in fig.data]
    assert names == ["s", "a1", "a2", "b1"]
    assert [t.visible for t in fig.data] == [None, False, False, True]  # static traces keep plotly's default
    assert fig.layout.title.text == "B"
    positions = fig.layout.sliders[0].steps
    assert [p.args[0]["visible"] for p in positions] == [[True, True, True, False], [True, False, False, True]]
    assert [p.args[1] for p in positions] == [{"title.text": "A"}, {"title.text": "B"}]


@pytest.mark.parametrize("steps, active", [([], 0), ([Step("a", [])], 1)])
def test_bad_steps_are_refused(steps, active):
    with pytest.raises(ValueError):
        with_slider(go.Figure(), steps, active=active)
