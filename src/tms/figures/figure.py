"""What a figure of the registry is: the ``Figure`` type, one entry of ``tms.figures.FIGURES``.

A ``Figure`` names what draws ``figures/<name>.pdf``: the runs (experiments of the config) it is
drawn from, its plot function, its claims module, and its report entry (title, category,
caption). Plot functions and claims modules are named as strings (imported where they are used),
so that declaring a figure loads neither matplotlib nor the plot modules.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class Figure:
    """One paper figure (or a figure beyond the paper) and where its parts live."""

    name: str  # figures/<name>.pdf; also the name of its Snakemake rule
    paper: str  # the paper's figure label ("F4"), or "beyond the paper"
    anchor: str  # the paper's section anchor ("#demonstrating-basic-results"); "" beyond the paper
    title: str  # one line: the rule's docstring and the report's heading, after the label
    experiments: tuple[str, ...]  # the runs it is drawn from, in the order the plotter takes them
    plotter: str  # "module:function" under tms.plots, called with the runs of ``experiments``
    claims: str  # the module under tms.claims that registers the figure's claims
    category: str  # its section of the Snakemake report
    caption: str  # reStructuredText (Snakemake's report renders it): a literal | is written \|

    def __post_init__(self):
        module, _, function = self.plotter.partition(":")
        if not module.startswith("tms.plots.") or not function:
            raise ValueError(
                f"figure {self.name}: plotter must be 'tms.plots.<module>:<function>'; got {self.plotter!r}"
            )
        if not self.claims.startswith("tms.claims."):
            raise ValueError(f"figure {self.name}: claims must be a module under tms.claims; got {self.claims!r}")

    @property
    def label(self) -> str:
        """The paper label with its anchor, e.g. "F4 (#demonstrating-basic-results)"."""
        return f"{self.paper} ({self.anchor})" if self.anchor else self.paper

    @property
    def doc(self) -> str:
        """One line: the paper label, then the title (the figure rule's docstring)."""
        return f"{self.paper[:1].upper()}{self.paper[1:]}: {self.title}"
