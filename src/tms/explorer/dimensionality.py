"""F10 view (#geometry-dimensionality): every feature's dimensionality D_i against 1/(1−S), and
3-D views of a tetrahedron and of a triangle beside a digon taken from the trained W.

Scatter: the best model per density of the uniform sweep (``tms.analysis.geometry.uniform_sweep``,
x = 1/(1−S)); each feature's D_i (``tms.analysis.metrics.feature_dimensionality``), coloured by the
polytope of its tegum factor as in the figure; hovering shows the feature, its D_i, its polytope
and the factor's members. D* = m/‖W‖_F² is the black line (F9's quantity), the sticky fractions
grey lines. 3-D: ``tms.explorer.polytopes`` (how the features are found and projected).
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from tms.analysis.geometry import NOT_LEARNED, POLYTOPES, tegum_factors, uniform_sweep
from tms.analysis.metrics import dimensions_per_feature, feature_dimensionality
from tms.core.io import Run
from tms.explorer import polytopes
from tms.explorer.panels import rounded
from tms.explorer.style import FRACTION_LABELS, REFERENCE, SHAPE_COLOURS, shape_colour

OTHER = "other"  # one legend entry for the unnamed factors (their hover names them), as in the figure
JITTER = 0.03  # ± log-x spread of one density's points, deterministic, so that they do not overlap


def feature_table(W) -> list[dict]:
    """Per feature of one model ``W [n, m]``: D_i, its polytope name and its factor's members."""
    D = feature_dimensionality(W.double()).numpy()
    rows = [{"feature": i, "D": float(D[i]), "polytope": NOT_LEARNED, "factor": ()} for i in range(W.shape[0])]
    for f in tegum_factors(W):
        for i in f.features:
            rows[i].update(polytope=f.name, factor=f.features)
    return rows


def _members(factor: tuple[int, ...], limit: int = 12) -> str:
    shown = ", ".join(map(str, factor[:limit]))
    return shown + (f", … ({len(factor)} in all)" if len(factor) > limit else "")


def dimensionality_figure(run: Run) -> go.Figure:
    """D_i of every feature at every density. Each point trace carries ``meta = {"quantity":
    "D_i", "polytope"}`` and per point ``customdata = [density index, feature, D_i]``."""
    x, W = uniform_sweep(run)
    points: dict[str, list] = {}
    for k in range(len(x)):
        jitter = x[k] * np.exp(np.random.default_rng(k).uniform(-JITTER, JITTER, W.shape[1]))
        for row in feature_table(W[k]):
            factor = row["factor"]
            hover = (
                f"feature {row['feature']}<br>D<sub>i</sub> = {row['D']:.3f}<br>{row['polytope']}"
                + (f" (features {_members(factor)})" if factor else "")
                + f"<br>1/(1−S) = {x[k]:.3g} (density {1 / x[k]:.3g})"
            )
            group = row["polytope"] if row["polytope"] in SHAPE_COLOURS or row["polytope"] == NOT_LEARNED else OTHER
            points.setdefault(group, []).append((jitter[row["feature"]], row["D"], k, row["feature"], hover))
    fig = go.Figure()
    for f, label in FRACTION_LABELS.items():
        fig.add_hline(y=f, line={"color": REFERENCE, "width": 1}, annotation_text=label, annotation_position="right")
    for name in sorted(points, key=lambda s: (s == NOT_LEARNED, s == OTHER, s)):
        xs, ds, ks, fs, hovers = zip(*points[name], strict=True)
        fig.add_trace(
            go.Scatter(
                x=np.round(xs, 4),
                y=rounded(ds),
                mode="markers",
                marker={"color": shape_colour(name), "size": 5 if name != NOT_LEARNED else 4},
                name=name,
                text=hovers,
                customdata=np.stack([ks, fs, rounded(ds)], axis=1),
                hovertemplate="%{text}<extra></extra>",
                meta={"quantity": "D_i", "polytope": name},
            )
        )
    fig.add_trace(
        go.Scatter(
            x=np.round(x, 4),
            y=rounded(dimensions_per_feature(W)),
            mode="lines+markers",
            line={"color": "black", "width": 2},
            marker={"size": 4},
            name="D* = m/‖W‖<sub>F</sub>²",
            hovertemplate="1/(1−S) = %{x:.3g}<br>D* = %{y:.3f}<extra></extra>",
            meta={"quantity": "D*"},
        )
    )
    fig.update_xaxes(type="log", title_text="1/(1−S)  (inverse feature density)")
    fig.update_yaxes(range=[-0.03, 1.08], title_text="feature dimensionality D<sub>i</sub>")
    fig.update_layout(
        height=560,
        margin={"l": 60, "r": 40, "t": 40, "b": 50},
        plot_bgcolor="white",
        legend={"title": {"text": "tegum factor"}},
        title="D<sub>i</sub> of every feature at every density (hover for its polytope)",
    )
    return fig


def _edges(coords: np.ndarray, groups: list[tuple[int, ...]]) -> tuple[list, list, list]:
    """Line segments between the tips within each group (a polytope's edges; a digon's passes
    through the origin), as x, y, z lists with None between segments."""
    xs, ys, zs = [], [], []
    for group in groups:
        for a in range(len(group)):
            for b in range(a + 1, len(group)):
                for axis, out in zip(range(3), (xs, ys, zs), strict=True):
                    out += [float(coords[group[a], axis]), float(coords[group[b], axis]), None]
    return xs, ys, zs


def configurations_figure(run: Run) -> go.Figure:
    """3-D views of the configurations of ``polytopes.TARGETS`` found in the sweep, one at a time
    (buttons). Traces carry ``meta = {"configuration", "quantity": vector | edges, "feature"}``."""
    x, W = uniform_sweep(run)
    fig = go.Figure()
    shown, buttons, owner = [], [], []
    for name in polytopes.TARGETS:
        c = polytopes.find(W, name)
        if c is None:
            shown.append((name, f"{name}: none in this run"))
            continue
        start = len(fig.data)
        D = feature_dimensionality(W[c.index].double()).numpy()
        at = 0
        for part in c.parts:
            k = len(part.features)
            shape = POLYTOPES[(k, part.dims)]
            colour = shape_colour(shape)
            group = tuple(range(at, at + k))
            at += k
            ex, ey, ez = _edges(c.coords, [group])
            fig.add_trace(
                go.Scatter3d(
                    x=ex,
                    y=ey,
                    z=ez,
                    mode="lines",
                    line={"color": colour, "width": 2, "dash": "dash"},
                    hoverinfo="skip",
                    showlegend=False,
                    meta={"configuration": name, "quantity": "edges"},
                )
            )
            for j, i in zip(group, part.features, strict=True):
                p = np.round(c.coords[j], 4)
                hover = (
                    f"feature {i}: {shape} (features {', '.join(map(str, part.features))})<br>"
                    f"D<sub>i</sub> = {D[i]:.3f} (a regular {shape}: {part.dims}/{k})<br>"
                    f"closure {part.closure:.2f}<extra></extra>"
                )
                fig.add_trace(
                    go.Scatter3d(
                        x=[0.0, p[0]],
                        y=[0.0, p[1]],
                        z=[0.0, p[2]],
                        mode="lines+markers",
                        line={"color": colour, "width": 6},
                        marker={"size": [0, 4], "color": colour},
                        name=f"feature {i}",
                        showlegend=False,
                        hovertemplate=hover,
                        meta={"configuration": name, "quantity": "vector", "feature": i},
                    )
                )
        owner += [len(shown)] * (len(fig.data) - start)
        found = "" if c.matches else " — closest group, not a match"
        title = (
            f"{name} at 1/(1−S) = {x[c.index]:.3g}{found}: features {', '.join(map(str, c.features))}; "
            f"max |D<sub>i</sub> − d/k| = {c.deviation:.3f}; projection keeps {100 * c.kept:.1f}% of ‖W<sub>f</sub>‖²"
        )
        shown.append((name, title))
    for j, (name, title) in enumerate(shown):
        visible = [o == j for o in owner]
        buttons.append({"label": name, "method": "update", "args": [{"visible": visible}, {"title.text": title}]})
    for trace, o in zip(fig.data, owner, strict=True):
        trace.visible = o == 0
    lim = 1.1
    axis = {"range": [-lim, lim], "showbackground": False, "zerolinecolor": REFERENCE, "title": {"text": ""}}
    fig.update_layout(
        title={"text": shown[0][1], "font": {"size": 12}},
        scene={"xaxis": axis, "yaxis": axis, "zaxis": axis, "aspectmode": "cube"},
        height=560,
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        updatemenus=[
            {"type": "buttons", "direction": "right", "buttons": buttons, "x": 0.0, "y": 1.0, "xanchor": "left"}
        ],
    )
    return fig
