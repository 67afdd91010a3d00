"""The core a run needs: data sources (``tms.core.data``), models (``tms.core.models``), the
trainer (``tms.core.train``), experiments from the config (``tms.core.experiments``, their sweep
``tms.core.sweep``, ``tms.core.config``) and running them (``tms.core.running``), sparse
autoencoders (kinds ``tms.core.sae``, training ``tms.core.sae_training``, the benchmark
``tms.core.sae_benchmark``), run artefacts (``tms.core.io``), the weight layout
(``tms.core.weights``) and shared argument checks (``tms.core.validation``).

Nothing here imports ``tms.analysis``, ``tms.claims`` or ``tms.plots``: the workflow follows these
imports to decide what re-runs, so an edit to an analysis, a claim or a plot never retrains."""
