"""A plotly figure whose traces come in groups, one group shown at a time, chosen by a slider.

Every view with a slider (density, relative density, training step) is built this way: the
figure holds the traces of every step, the slider's step k makes group k visible (and any
``static`` traces, shown always) and applies that step's layout changes (titles). Everything is
in the figure's JSON, so the page needs no code of its own to move a slider.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import plotly.graph_objects as go

Placed = tuple  # (trace, row, col) in a make_subplots figure; (trace, None, None) otherwise


@dataclass
class Step:
    """One slider position: its label, its traces and the layout properties it sets.

    ``layout`` keys are plotly's attribute strings, e.g. ``{"annotations[0].text": "…"}``.
    """

    label: str
    traces: list[Placed]
    layout: dict = field(default_factory=dict)


def add(fig: go.Figure, placed: Placed) -> None:
    trace, row, col = placed
    if row is None:
        fig.add_trace(trace)
    else:
        fig.add_trace(trace, row=row, col=col)


def with_slider(
    fig: go.Figure, steps: list[Step], static: list[Placed] = (), prefix: str = "", active: int = 0
) -> go.Figure:
    """Add ``static`` traces, then every step's traces to ``fig``, and a slider over ``steps``.

    Step ``active`` is shown first. Returns ``fig``.
    """
    if not steps:
        raise ValueError("a slider needs at least one step")
    if not 0 <= active < len(steps):
        raise ValueError(f"active step {active} out of range for {len(steps)} steps")
    for placed in static:
        add(fig, placed)
    first = len(fig.data)
    owner = []  # step index of every step trace, in trace order
    for k, step in enumerate(steps):
        for placed in step.traces:
            add(fig, placed)
            owner.append(k)
    for trace, k in zip(fig.data[first:], owner, strict=True):
        trace.visible = k == active
    n_static = first
    sliders_steps = []
    for k, step in enumerate(steps):
        visible = [True] * n_static + [o == k for o in owner]
        sliders_steps.append({"label": step.label, "method": "update", "args": [{"visible": visible}, step.layout]})
    fig.update_layout(steps[active].layout)
    fig.update_layout(
        sliders=[
            {
                "active": active,
                "steps": sliders_steps,
                "currentvalue": {"prefix": prefix, "font": {"size": 13}},
                "pad": {"t": 40, "b": 10},
                "len": 0.95,
                "x": 0.025,
            }
        ]
    )
    return fig
