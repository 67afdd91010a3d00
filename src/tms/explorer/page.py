"""The explorer's HTML: one self-contained file, plotly's JavaScript embedded once, every figure
as JSON beside the element it is drawn into, the replication table, a little CSS and script.

The page loads nothing: no request leaves the file (the browser test checks it). Each figure's
spec sits in ``<script type="application/json" data-plot="<div id>">``; on load the page's script
draws each with ``Plotly.newPlot``, and wires the table's filters. The bytes depend only on the
inputs (no timestamps), so rebuilding from the same runs gives the same file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from html import escape

import plotly.graph_objects as go
import plotly.io as pio
from plotly.offline import get_plotlyjs

PLOT_CONFIG = {"responsive": True, "displaylogo": False, "scrollZoom": False}


@dataclass
class Section:
    """One anchored part of the page: ``anchor`` (its id), a heading, an HTML paragraph, its
    figures (each drawn into its own div) and extra ``aliases`` (ids of empty anchors inside it,
    for figures this section also shows)."""

    anchor: str
    heading: str
    text: str
    figures: list[go.Figure] = field(default_factory=list)
    aliases: tuple[str, ...] = ()
    html: str = ""  # extra HTML after the figures (the table)


def figure_json(fig: go.Figure) -> str:
    """A figure's ``{"data", "layout"}`` as compact JSON, safe inside a ``<script>`` element: plotly's
    encoder writes every ``<`` and ``/`` as a ``\\u`` escape, so no string can close the element."""
    return pio.to_json(fig, validate=False)


STYLE = """
body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; margin: 0 auto; max-width: 1300px; padding: 0 18px;
       color: #222; }
nav { position: sticky; top: 0; background: #fff; border-bottom: 1px solid #ddd; padding: 6px 0; z-index: 10;
      font-size: 13px; }
nav a { margin-right: 12px; color: #2166ac; text-decoration: none; }
section { border-bottom: 1px solid #eee; padding: 10px 0 24px; }
h1 { font-size: 22px; } h2 { font-size: 18px; margin-bottom: 4px; }
p { font-size: 14px; line-height: 1.45; max-width: 1100px; }
.plot { width: 100%; }
.filters { margin: 8px 0; font-size: 14px; } .filters select { margin-right: 14px; }
table { border-collapse: collapse; font-size: 12px; width: 100%; }
th, td { border-bottom: 1px solid #e4e4e4; padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #f4f4f4; position: sticky; top: 30px; }
tr[data-status="held"] td.status { color: #1a7f37; } tr[data-status="not held"] td.status { color: #b42318; }
dl.others dt { font-weight: bold; margin-top: 8px; } dl.others dd { margin-left: 16px; font-size: 13px; }
"""

SCRIPT = """
(function () {
  var config = %s;
  document.querySelectorAll('script[type="application/json"][data-plot]').forEach(function (el) {
    var id = el.getAttribute('data-plot');
    try {  // one view that fails must not keep the others from drawing
      var spec = JSON.parse(el.textContent);
      Plotly.newPlot(id, spec.data, spec.layout, config);
    } catch (e) { console.error('view ' + id + ' failed: ' + e); }
  });
  var selects = document.querySelectorAll('select[data-filter]');
  function filter() {
    var want = {}, shown = 0, rows = document.querySelectorAll('#replication tbody tr');
    selects.forEach(function (s) { want[s.getAttribute('data-filter')] = s.value; });
    rows.forEach(function (row) {
      var ok = Object.keys(want).every(function (k) { return !want[k] || row.getAttribute('data-' + k) === want[k]; });
      row.style.display = ok ? '' : 'none';
      if (ok) { shown += 1; }
    });
    var count = document.getElementById('claim-count');
    if (count) { count.textContent = shown + ' of ' + rows.length + ' claims'; }
  }
  selects.forEach(function (s) { s.addEventListener('change', filter); });
})();
"""


def build_page(title: str, intro: str, sections: list[Section]) -> str:
    """The whole page as one HTML string."""
    nav = "".join(f'<a href="#{s.anchor}">{escape(s.heading.split(":")[0])}</a>' for s in sections)
    parts = []
    for s in sections:
        aliases = "".join(f'<span id="{a}"></span>' for a in s.aliases)
        plots = []
        for j, fig in enumerate(s.figures):
            div = f"plot-{s.anchor}-{j}"
            plots.append(
                f'<div class="plot" id="{div}"></div>'
                f'<script type="application/json" data-plot="{div}">{figure_json(fig)}</script>'
            )
        parts.append(
            f'<section id="{s.anchor}">{aliases}<h2>{escape(s.heading)}</h2><p>{s.text}</p>'
            f"{''.join(plots)}{s.html}</section>"
        )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>{STYLE}</style>"
        f"<script>{get_plotlyjs()}</script>"
        "</head><body>"
        f"<nav>{nav}</nav><h1>{escape(title)}</h1><p>{intro}</p>"
        + "".join(parts)
        + f"<script>{SCRIPT % json.dumps(PLOT_CONFIG)}</script>"
        "</body></html>\n"
    )
