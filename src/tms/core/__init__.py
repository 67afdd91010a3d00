"""The core a run needs: data sources (``tms.core.data``), models (``tms.core.models``), the
trainer (``tms.core.train``), experiments from the config (``tms.core.experiments``,
``tms.core.config``), the SAE trainer (``tms.core.sae``), run artefacts (``tms.core.io``), the
weight layout (``tms.core.weights``) and shared argument checks (``tms.core.validation``).

Nothing here imports ``tms.analysis``, ``tms.claims`` or ``tms.plots``: the workflow follows these
imports to decide what re-runs, so an edit to an analysis, a claim or a plot never retrains."""
