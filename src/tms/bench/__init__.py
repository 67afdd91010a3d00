"""The trainer's benchmark (``tms.bench.benchmark``, ``tms bench``) against a plain-autograd
reference loop (``tms.bench.reference``)."""
