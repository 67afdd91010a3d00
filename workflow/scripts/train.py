"""Train one toy-model run (tms.jobs): an experiment's batched run, or one shard of it, from the
spec the workflow resolved -> results/<run>/ (runs/<name>, shards/<name>/<i>, or a study variant's
robustness/<variant>/...)."""

import shutil
import sys
from pathlib import Path

sys.stderr = sys.stdout = open(snakemake.log[0], "w", buffering=1)  # noqa: F821

import torch

from tms.core.experiments import Experiment
from tms.core.io import save_run
from tms.core.running import run_experiment
from tms.core.train import job_device

sm = snakemake  # noqa: F821
torch.set_num_threads(sm.threads)

# "auto" uses the GPU only when the scheduler gave this job a gpu resource (profiles/gpu).
device = job_device(sm.params.device, sm.resources.get("gpu", 0))

exp = Experiment.from_spec(sm.params.spec)
shard = sm.params.shard
part = f" shard {shard} of {exp.shards}: {len(exp.shard(shard))} of" if shard is not None else ""
print(f"training {exp.name}:{part} {exp.n_instances} instances on {device}: {exp.to_dict()}")
# A killed job's training goes on from its last save (tms.core.resume) when the job runs again.
resume = Path("results", "resume", sm.wildcards.run)
tensors, meta = run_experiment(exp, device=str(device), progress=True, shard=shard, resume=resume)
save_run(Path(sm.output.meta).parent, tensors, meta)
shutil.rmtree(resume, ignore_errors=True)
print(f"wrote {sm.output.weights} and {sm.output.meta} ({meta['train_seconds']} s)")
