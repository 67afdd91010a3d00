"""tms.claims as a whole: claim checks never plot (docs/architecture.md: data flows one way)."""

from __future__ import annotations

import subprocess
import sys


def test_claims_import_no_plotting():
    """Importing every claim module loads neither tms.plots nor matplotlib, so editing a plot
    re-draws figures without re-running claim checks."""
    code = "import sys, tms.claims; print(sorted(m for m in sys.modules if m.startswith(('tms.plots', 'matplotlib'))))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]", out
