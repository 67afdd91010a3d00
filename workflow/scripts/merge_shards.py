"""Join the shards of one sharded experiment (tms.jobs) -> results/<run>/ (runs/<name>, or a study
variant's robustness/<variant>/runs/<name>)."""

import sys
from pathlib import Path

sys.stderr = sys.stdout = open(snakemake.log[0], "w", buffering=1)  # noqa: F821

from tms.core.experiments import Experiment
from tms.core.io import load_run, save_run
from tms.core.running import merge_shards

sm = snakemake  # noqa: F821
exp = Experiment.from_spec(sm.params.spec)
runs = [load_run(Path(path).parent) for path in sm.input.meta]
tensors, meta = merge_shards(exp, [(run.tensors, run.meta) for run in runs])
save_run(Path(sm.output.meta).parent, tensors, meta)
print(f"merged {exp.shards} shards of {exp.name}: {exp.n_instances} instances, {meta['train_seconds']} s of training")
