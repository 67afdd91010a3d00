"""tms.bench.account: the parts of a step, their bounds, and the matmul FLOPs of the closed form."""

from __future__ import annotations

import pytest

from tms.bench.account import account, copy_bandwidth, format_account, matmul_rate, rand_rate

PARTS = ["sampler", "model matmuls", "model elementwise and other ops", "optimizer (fused AdamW)"]


def test_machine_rates_are_positive():
    assert matmul_rate(size=128, repeats=2) > 0
    assert copy_bandwidth(mib=4, repeats=2) > 0
    assert rand_rate(numel=2**16, repeats=2) > 0


def test_a_step_is_accounted_part_by_part():
    n, m, inst, batch = 12, 3, 4, 64
    report = account(n, m, inst, batch=batch, steps=3)
    assert list(report["parts"])[: len(PARTS)] == PARTS
    for name in PARTS:
        assert report["parts"][name]["ms"] >= 0 and report["parts"][name]["limit_ms"] > 0, name
    # The ReLU-output model's closed form: h = Wᵀx, x' = Wh, the hidden gradient Wᵀg, and
    # ∂W = x (∂h)ᵀ + g hᵀ: five products of 2·n·m·batch FLOPs per instance.
    assert report["matmul_mflop"] == pytest.approx(5 * 2 * n * m * batch * inst / 1e6)
    assert "sampler" in format_account(report)


def test_steps_must_stay_below_the_logging_interval():
    with pytest.raises(ValueError, match="steps"):
        account(4, 2, 2, batch=16, steps=100)
