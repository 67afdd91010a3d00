"""Join the shards of one sharded experiment -> results/runs/<name>/ (or a study variant's
results/robustness/<variant>/runs/<name>/)."""

import sys
from pathlib import Path

sys.stderr = sys.stdout = open(snakemake.log[0], "w", buffering=1)  # noqa: F821

from tms.core.experiments import Experiment, merge_shards  # noqa: E402
from tms.core.io import load_run, save_run  # noqa: E402
from tms.variants import variant_config  # noqa: E402

sm = snakemake  # noqa: F821
variant = sm.wildcards.get("variant")
exp = Experiment.from_config(sm.wildcards.experiment, variant_config(sm.config, variant) if variant else sm.config)
assert exp.to_dict() == sm.params.spec, "the rule's params must be the spec that was trained"
runs = [load_run(Path(path).parent) for path in sm.input.meta]
tensors, meta = merge_shards(exp, [(run.tensors, run.meta) for run in runs])
save_run(Path(sm.output.meta).parent, tensors, meta)
print(f"merged {exp.shards} shards of {exp.name}: {exp.n_instances} instances, {meta['train_seconds']} s of training")
