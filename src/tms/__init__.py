"""tms: a tested, reproducible replication of "Toy Models of Superposition" (Elhage et al. 2022)."""

from tms.core.io import Run, load_run

__all__ = ["Run", "load_run"]
__version__ = "0.1.0"
