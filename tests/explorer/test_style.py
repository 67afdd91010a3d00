"""The page's colours are the figures' colours (the matplotlib maps and palettes)."""

from __future__ import annotations

from matplotlib.colors import to_hex

from tms.explorer.style import GRAM, SUPERPOSITION, colorscale, css, importance_colours
from tms.plots.style import GRAM_CMAP, GRAM_NORM, IMPORTANCE_CMAP, SUPERPOSITION_CMAP


def test_the_gram_scale_is_the_figures_map_on_the_same_limits():
    assert (GRAM.vmin, GRAM.vmax) == (GRAM_NORM.vmin, GRAM_NORM.vmax) == (-1.0, 1.0)
    import matplotlib.pyplot as plt

    cmap = plt.get_cmap(GRAM_CMAP)
    assert GRAM.scale[0][1] == to_hex(cmap(0.0)) and GRAM.scale[-1][1] == to_hex(cmap(1.0))
    assert GRAM.scale[len(GRAM.scale) // 2][1] == to_hex(cmap(0.5))  # white at 0
    assert SUPERPOSITION.scale == colorscale(SUPERPOSITION_CMAP)


def test_importance_runs_from_the_maps_bottom_to_its_top():
    import matplotlib.pyplot as plt

    cmap = plt.get_cmap(IMPORTANCE_CMAP)
    colours = importance_colours([1.0, 0.7, 0.49])
    assert colours[0] == to_hex(cmap(1.0)) and colours[-1] == to_hex(cmap(0.0))
    assert importance_colours([1.0, 1.0]) == [colours[0]] * 2  # uniform importance: one colour


def test_css_names_a_matplotlib_grey():
    assert css("0.6") == "#999999"
