"""The replication table (``results/replication.json``: a list of claim rows) as an HTML table
with filters by status and by verdict, each claim's figure linking to its view on the page.

A row is drawn from the keys every row has (``id``, ``figure``, ``statement``, ``expected``,
``measured``, ``tolerance``, ``status``, ``required``) and the robustness study's, when the table
carries them (``seeds`` {held, of}, ``verdict``, ``verdict_text``); the filters offer the values
that occur. Filtering is done by the page's script (``tms.explorer.page``) on the rows'
``data-status`` and ``data-verdict`` attributes.
"""

from __future__ import annotations

from html import escape

from tms.claims.table import format_value  # the replication table's own text for a measured value

NO_VERDICT = "no verdict"  # rows without the study's columns


def verdict(row: dict) -> str:
    return row.get("verdict") or NO_VERDICT


def seeds(row: dict) -> str:
    s = row.get("seeds")
    return f"{s['held']} of {s['of']}" if isinstance(s, dict) and "held" in s else "–"


def _options(name: str, label: str, values: list[str]) -> str:
    items = "".join(f'<option value="{escape(v)}">{escape(v)}</option>' for v in values)
    select = f'<select id="filter-{name}" data-filter="{name}"><option value="">all</option>{items}</select>'
    return f"<label>{label} {select}</label>"


def replication_table(rows: list[dict], anchors: dict[str, str]) -> str:
    """The table's HTML: filters, then one ``<tr>`` per claim. ``anchors`` maps a figure name to
    the id of the element that shows it (every figure of the rows must have one)."""
    missing = sorted({r["figure"] for r in rows} - set(anchors))
    if missing:
        raise ValueError(f"claims name figures without an anchor on the page: {missing}")
    statuses = sorted({r["status"] for r in rows})
    verdicts = sorted({verdict(r) for r in rows})
    head = "".join(
        f"<th>{h}</th>"
        for h in ("claim", "figure", "statement", "expected", "measured", "tolerance", "status", "seeds", "verdict")
    )
    body = []
    for r in rows:
        v = verdict(r)
        note = f' title="{escape(r["verdict_text"])}"' if r.get("verdict_text") else ""
        claim = escape(r["id"]) + (
            "<sup title='required: CI fails when it does not hold'>*</sup>" if r["required"] else ""
        )
        body.append(
            f'<tr data-status="{escape(r["status"])}" data-verdict="{escape(v)}">'
            f"<td>{claim}</td>"
            f'<td><a href="#{anchors[r["figure"]]}">{escape(r["figure"])}</a></td>'
            f"<td>{escape(str(r['statement']))}</td>"
            f"<td>{escape(str(r['expected']))}</td>"
            f"<td>{escape(format_value(r['measured']))}</td>"
            f"<td>{escape(str(r['tolerance']))}</td>"
            f'<td class="status">{escape(r["status"])}</td>'
            f"<td>{seeds(r)}</td>"
            f"<td{note}>{escape(v)}</td>"
            "</tr>"
        )
    filters = _options("status", "status", statuses) + " " + _options("verdict", "verdict", verdicts)
    count = f'<span id="claim-count">{len(rows)} of {len(rows)} claims</span>'
    return (
        f'<div class="filters">{filters} {count}</div>'
        f'<table id="replication"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
    )
