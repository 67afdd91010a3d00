"""Train one experiment (all densities x replicas in one batched run) -> results/runs/<name>/,
one shard of a sharded experiment -> results/shards/<name>/<shard>/, or an experiment as a
robustness-study variant trains it -> results/robustness/<variant>/runs/<name>/."""

import sys
from pathlib import Path

sys.stderr = sys.stdout = open(snakemake.log[0], "w", buffering=1)  # noqa: F821

import torch  # noqa: E402

from tms.core.experiments import Experiment, run_experiment  # noqa: E402
from tms.core.io import save_run  # noqa: E402
from tms.core.train import job_device  # noqa: E402
from tms.variants import variant_config  # noqa: E402

sm = snakemake  # noqa: F821
torch.set_num_threads(sm.threads)

# "auto" uses the GPU only when the scheduler gave this job one (profiles/gpu, profiles/slurm).
device = job_device(sm.params.device, sm.resources.get("gpu", 0))

variant = sm.wildcards.get("variant")
config = variant_config(sm.config, variant) if variant else sm.config
exp = Experiment.from_config(sm.wildcards.experiment, config)
assert exp.to_dict() == sm.params.spec, "the rule's params must be the spec that is trained"
shard = int(sm.wildcards.shard) if "shard" in sm.wildcards.keys() else None
part = f" shard {shard} of {exp.shards}: {len(exp.shard(shard))} of" if shard is not None else ""
print(f"training {exp.name}:{part} {exp.n_instances} instances on {device}: {exp.to_dict()}")
tensors, meta = run_experiment(exp, device=str(device), progress=True, shard=shard)
save_run(Path(sm.output.meta).parent, tensors, meta)
print(f"wrote {sm.output.weights} and {sm.output.meta} ({meta['train_seconds']} s)")
