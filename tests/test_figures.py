"""tms.figures, the figure registry: each entry's plot function, claims, config runs, caption and
Snakemake rule exist, and importing the registry stays cheap."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import docutils.core
import jinja2
import pytest
import yaml

from tms.figures import FIGURES, Figure, experiments_for

REPO = Path(__file__).resolve().parents[1]
CONFIG = yaml.safe_load((REPO / "config" / "config.yaml").read_text())


def _python(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()


def test_registry_imports_no_plotting():
    """The rules, the CLI and tms.claims read the registry: it names plot functions and claims
    modules as strings, so importing it loads neither."""
    code = (
        "import sys, tms.figures; "
        "print(sorted(m for m in sys.modules if m.startswith(('tms.plots', 'tms.claims', 'matplotlib'))))"
    )
    assert _python(code) == "[]"


def test_names_and_experiments():
    assert list(FIGURES) == [f.name for f in FIGURES.values()]
    assert experiments_for("adversarial") == ("uniform_superposition",)
    with pytest.raises(ValueError, match="intro"):
        experiments_for("no_such_figure")


def test_every_run_is_an_experiment_of_the_config():
    from tms.core.sae_benchmark import RUN  # trained by rule train_sae from the config's sae_benchmark: section
    from tms.core.sae_training import SAE_RUN  # trained by rule train_sae from the config's sae: section

    runs = set(CONFIG["experiments"]) | {SAE_RUN, RUN}
    for entry in FIGURES.values():
        assert entry.experiments and set(entry.experiments) <= runs, entry.name


def test_bad_entries_are_refused():
    fields = dict(
        name="x",
        paper="F0",
        anchor="",
        title="t",
        experiments=("intro",),
        plotter="tms.plots.intro:plot_intro",
        claims="tms.claims.intro",
        category="c",
        caption="c",
    )
    Figure(**fields)
    with pytest.raises(ValueError, match="plotter"):
        Figure(**{**fields, "plotter": "tms.plots.intro.plot_intro"})
    with pytest.raises(ValueError, match="claims"):
        Figure(**{**fields, "claims": "tms.analysis.metrics"})


@pytest.mark.parametrize("figure", list(FIGURES))
def test_every_plotter_imports(figure):
    from tms.plots import plotter

    module, _, function = FIGURES[figure].plotter.partition(":")
    assert plotter(figure) is getattr(importlib.import_module(module), function)
    assert callable(plotter(figure))


def test_shared_plotters_are_one_function():
    from tms.plots import plotter

    assert plotter("basic_results") is plotter("basic_results_large")
    assert plotter("phase_diagram") is plotter("phase_diagram_3_2")


@pytest.mark.parametrize("figure", list(FIGURES))
def test_every_claims_module_registers_claims_for_its_figure(figure):
    from tms.claims.catalogue import REGISTRY, claims_for

    module = importlib.import_module(FIGURES[figure].claims)
    mine = claims_for(figure)
    assert mine, f"{module.__name__} registers no claim for {figure}"
    # every claim of the figure is defined in its entry's claims module, and only there
    assert {c.measure.__module__ for c in REGISTRY.values() if c.figure == figure} == {module.__name__}


@pytest.mark.parametrize("figure", list(FIGURES))
def test_caption_renders_as_clean_rst(figure):
    """As `snakemake --report` renders it: the caption template (Jinja2) filled from the rule's
    params, then reStructuredText, which must raise no warning (e.g. |W₁| read as a substitution)."""
    entry = FIGURES[figure]
    template = (REPO / "workflow" / "report" / "figure.rst").read_text()
    env = jinja2.Environment(trim_blocks=True, lstrip_blocks=True)
    text = env.from_string(template).render(snakemake=SimpleNamespace(params=SimpleNamespace(caption=entry.caption)))
    assert text.strip() == entry.caption
    html = docutils.core.publish_parts(text, writer="html", settings_overrides={"halt_level": 2, "report_level": 2})[
        "body"
    ]
    assert "system-message" not in html
    assert entry.title and "\n" not in entry.title and entry.category


@pytest.mark.workflow
def test_every_figure_has_its_rule():
    """workflow/rules/figures.smk generates one rule per entry, named after it, with its docstring."""
    proc = subprocess.run(
        [sys.executable, "-m", "snakemake", "--list-rules"],
        cwd=REPO,
        env={**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    rules = proc.stdout.splitlines()
    for entry in FIGURES.values():
        assert f"{entry.name} ({entry.doc})" in rules
