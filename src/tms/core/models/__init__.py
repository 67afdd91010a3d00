"""The models (paper §0 table "Models"), batched over independent instances: the toy models
(``tms.core.models.toy``), the x·y MLP (``tms.core.models.product``), and the pieces they share
(``tms.core.models.common``); the weight layout is in ``tms.core.weights``. ``make_model`` builds
one by name."""

from __future__ import annotations

from tms.core.models.common import (
    CHUNK_ELEMENTS,
    INITS,
    LOSS_REDUCTIONS,
    Chunked,
    init_weight,
    loss_scale,
    weighted_mse,
)
from tms.core.models.product import ProductMLP
from tms.core.models.toy import AbsValue, ReLUHidden, ReLUOutput

__all__ = [
    "CHUNK_ELEMENTS",
    "INITS",
    "LOSS_REDUCTIONS",
    "MODELS",
    "AbsValue",
    "Chunked",
    "ProductMLP",
    "ReLUHidden",
    "ReLUOutput",
    "init_weight",
    "loss_scale",
    "make_model",
    "weighted_mse",
]

MODELS = {
    "relu_output": lambda: ReLUOutput(relu=True),
    "linear": lambda: ReLUOutput(relu=False),
    "relu_hidden": ReLUHidden,
    "abs_value": AbsValue,
    "product": ProductMLP,
}


def make_model(name: str):
    """The model called ``name`` (one of ``MODELS``)."""
    if name not in MODELS:
        raise ValueError(f"model must be one of {tuple(MODELS)}; got {name!r}")
    return MODELS[name]()
