"""tms.bench.benchmark: config parsing and per-figure times from Snakemake benchmark files (no timing asserted)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from tms.bench.benchmark import cpu_model, figure_times, parse_config


def test_parse_config():
    assert parse_config("200x20x20") == (200, 20, 20, "relu_output")
    assert parse_config("abs:100x40x7") == (100, 40, 7, "abs_value")
    for bad in ("200x20", "relu:10x5x2"):
        with pytest.raises(ValueError, match="NxMxINSTANCES.*'abs:'"):
            parse_config(bad)


def _tsv(path, seconds):
    """A Snakemake benchmark file: ``seconds`` of wall time, half of it CPU time."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"s\th:m:s\tmax_rss\tcpu_time\n{seconds}\t0:00:01\t100\t{seconds / 2}\n")


def test_figure_times_sum_a_figures_jobs(tmp_path):
    _tsv(tmp_path / "train" / "runs" / "intro.tsv", 30.0)
    _tsv(tmp_path / "figures" / "intro.tsv", 4.0)
    _tsv(tmp_path / "claims" / "intro.tsv", 2.0)
    _tsv(tmp_path / "train" / "runs" / "basic_linear.tsv", 10.0)
    report = figure_times(tmp_path)
    assert report["figures"]["intro"]["seconds"] == 36.0 and report["figures"]["intro"]["cpu_seconds"] == 18.0
    assert math.isnan(report["figures"]["basic_results"]["seconds"])  # missing jobs are not zero
    assert report["total_seconds_all_jobs"] == 46.0 and report["jobs"] == 4
    assert report["total_cpu_seconds_all_jobs"] == 23.0


def test_figure_times_sum_a_sharded_experiments_shards(tmp_path):
    for i, seconds in enumerate((20.0, 22.0)):
        _tsv(tmp_path / "train" / "shards" / "privileged_basis" / f"{i}.tsv", seconds)
    _tsv(tmp_path / "train" / "shards" / "privileged_basis_relu_output" / "0.tsv", 5.0)  # a longer name
    _tsv(tmp_path / "figures" / "privileged_basis.tsv", 3.0)
    _tsv(tmp_path / "claims" / "privileged_basis.tsv", 1.0)
    row = figure_times(tmp_path)["figures"]["privileged_basis"]
    assert row["seconds"] == 51.0 and row["cpu_seconds"] == 25.5


def test_peak_memory_is_measured_in_a_fresh_process():
    """A 1000-instance stepper adds tens of MiB; a tiny one next to nothing (no timing asserted)."""
    from tms.bench.benchmark import peak_memory_mib

    big, tiny = peak_memory_mib("tms", 10, 5, 1000, 256), peak_memory_mib("tms", 5, 2, 1, 8)
    assert big > 5 and 0 <= tiny < big


def test_cpu_model_names_this_machines_cpu():
    name = cpu_model()
    assert isinstance(name, str) and name and name == name.strip()
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return
    if "model name" in text:
        assert name in text
