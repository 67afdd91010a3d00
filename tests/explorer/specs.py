"""Read the explorer page back: each view's plotly spec, with plotly's typed arrays decoded."""

from __future__ import annotations

import base64
import json
import re

import numpy as np

PLOT = re.compile(r'<script type="application/json" data-plot="([^"]+)">(.*?)</script>', re.S)


def decode(value):
    """A plotly value as numpy where it is an array (``{"dtype", "bdata", "shape"?}`` or a list)."""
    if isinstance(value, dict) and "bdata" in value:
        array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        shape = value.get("shape")
        if shape is not None:
            array = array.reshape([int(s) for s in str(shape).split(",")])
        return array
    return np.asarray(value, dtype=float)


def plot_specs(html: str) -> dict[str, dict]:
    """Every view's ``{"data", "layout"}`` by the id of the element it is drawn into."""
    return {div: json.loads(text) for div, text in PLOT.findall(html)}
