"""The explorer's colours: the figures' own conventions (``tms.plots.style`` and the plot modules),
converted for plotly, so that the same quantity has the same colour on the page and in the PDFs.

Nothing here defines a colour of its own except ``VARIED_FEATURE`` (see below): colour maps are
sampled from the matplotlib objects the figures use, palettes are imported from the modules that
draw them.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import Colormap, Normalize, to_hex

from tms.plots.correlated import SET_COLOURS, STYLES
from tms.plots.geometry import FRACTION_LABELS, SHAPE_COLOURS
from tms.plots.geometry import OTHER as OTHER_SHAPE
from tms.plots.learning_dynamics import FRACTIONS
from tms.plots.non_uniform import GEOMETRY_COLOURS
from tms.plots.non_uniform import OTHER as OTHER_GEOMETRY
from tms.plots.phase_change import candidate_colour, extra_colour
from tms.plots.style import GRAM_CMAP, GRAM_NORM, IMPORTANCE_CMAP, SUPERPOSITION_CMAP, SUPERPOSITION_NORM

__all__ = [
    "FRACTIONS",
    "FRACTION_LABELS",
    "GEOMETRY_COLOURS",
    "GRAM",
    "SET_COLOURS",
    "SHAPE_COLOURS",
    "SUPERPOSITION",
    "candidate_colour",
    "css",
    "dash",
    "extra_colour",
    "geometry_colour",
    "importance_colours",
    "shape_colour",
]

SAMPLES = 33  # points per sampled colour map: linear RGB between them, as matplotlib interpolates


def css(colour) -> str:
    """Any matplotlib colour (``"0.6"``, ``"#1f77b4"``, an RGB(A) tuple) as a CSS ``#rrggbb``."""
    return to_hex(colour)


def colorscale(cmap: str | Colormap, samples: int = SAMPLES) -> list[list]:
    """A plotly colour scale ``[[t, "#rrggbb"], ...]`` sampled from a matplotlib colour map."""
    cmap = plt.get_cmap(cmap)
    return [[float(t), to_hex(cmap(t))] for t in np.linspace(0.0, 1.0, samples)]


class Scale:
    """A colour map with its fixed limits: ``trace(**Scale.GRAM.heatmap())``."""

    def __init__(self, cmap, norm: Normalize):
        self.scale = colorscale(cmap)
        self.vmin, self.vmax = float(norm.vmin), float(norm.vmax)

    def heatmap(self) -> dict:
        """Keyword arguments of a heatmap trace coloured by this scale."""
        return {"colorscale": self.scale, "zmin": self.vmin, "zmax": self.vmax}

    def marker(self) -> dict:
        """Keyword arguments of a ``marker`` coloured by this scale (values in ``marker.color``)."""
        return {"colorscale": self.scale, "cmin": self.vmin, "cmax": self.vmax}


GRAM = Scale(GRAM_CMAP, GRAM_NORM)  # WᵀW and b: −1 blue, 0 white, +1 red
SUPERPOSITION = Scale(SUPERPOSITION_CMAP, SUPERPOSITION_NORM)  # dark at 0 → yellow at ≥ 1

# F13's varied feature. tms.plots.non_uniform draws it in this colour inline (not as a named
# constant), so it is named here; the set colour it equals is the nearest named one.
VARIED_FEATURE = SET_COLOURS[0]
# F18's share along the principal components, drawn inline by tms.plots.learning_geometry in
# the colour of F10's tetrahedra (the same hex value); named here once.
PCA_SHARE = css(SHAPE_COLOURS["tetrahedron"])
OTHER_FEATURE = css("0.25")  # F13's other features, as tms.plots.non_uniform draws them
GUIDE = css("0.6")  # dashed unit circles, the ‖W_i‖ = 1 line (tms.plots.intro, basic_results)
REFERENCE = css("0.85")  # the sticky-fraction lines of F10 and F17 (tms.plots.geometry)
NOT_LEARNED = css("0.8")  # F10's unlearned features


def importance_colours(importance) -> list[str]:
    """Per feature of ``importance [n]``: its colour on F1's importance scale (min → max)."""
    importance = np.asarray(importance, dtype=float)
    lo, hi = importance.min(), importance.max()
    norm = Normalize(vmin=lo - 1 if lo == hi else lo, vmax=hi)  # uniform importance: one colour
    cmap = plt.get_cmap(IMPORTANCE_CMAP)
    return [to_hex(cmap(norm(v))) for v in importance]


def importance_scale() -> list[list]:
    """F1's importance colour map as a plotly colour scale."""
    return colorscale(IMPORTANCE_CMAP)


def ramp(k: int) -> list[str]:
    """``k`` colours along F17's feature ramp (viridis from 0 to 0.9, as tms.plots.learning_dynamics)."""
    cmap = plt.get_cmap(IMPORTANCE_CMAP)  # the same viridis map
    return [to_hex(cmap(t)) for t in np.linspace(0, 0.9, k)]


def shape_colour(name: str) -> str:
    """F10's colour of a tegum factor's polytope (``tms.analysis.geometry`` names)."""
    if name == "not learned":
        return NOT_LEARNED
    return css(SHAPE_COLOURS.get(name, OTHER_SHAPE))


def geometry_colour(label: str) -> str:
    """F13's colour of a model's configuration (``describe``: pentagon, 2 digons, other)."""
    return css(GEOMETRY_COLOURS.get(label, OTHER_GEOMETRY))


def rgb_bytes(rgb) -> np.ndarray:
    """RGB floats in [0, 1] ``[..., 3]`` as the uint8 values a plotly image takes."""
    return np.clip(np.round(np.asarray(rgb, dtype=float) * 255), 0, 255).astype(np.uint8)


def dash(style: str) -> str:
    """A matplotlib line style of ``STYLES`` as plotly's ``line.dash``."""
    return {"-": "solid", "--": "dash", ":": "dot"}[style]


MEMBER_DASHES = tuple(dash(s) for s in STYLES)  # F14/F18: a set's members solid, dashed, dotted
