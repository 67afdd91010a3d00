"""Train one SAE run (tms.jobs) on its finished source runs -> results/<run>/: the sparse
autoencoders of config["sae"] (runs/sae_recovery), or the SAE benchmark of config["sae_benchmark"]
(runs/sae_benchmark; every SAE scored against the known features, the scores in its meta.json)."""

import sys
from pathlib import Path

sys.stderr = sys.stdout = open(snakemake.log[0], "w", buffering=1)  # noqa: F821

import torch

from tms.analysis.sae_benchmark import score_run
from tms.core.io import Run, load_run, save_run
from tms.core.sae_benchmark import train_benchmark
from tms.core.sae_training import SAE_RUN, run_sae

sm = snakemake  # noqa: F821
torch.set_num_threads(sm.threads)
config = sm.params.config
runs = [load_run(Path(meta).parent) for meta in sm.input.meta]
if sm.params.run == SAE_RUN:
    tensors, meta = run_sae(config, runs[0])
else:
    tensors, meta = train_benchmark(config, {run.spec["name"]: run for run in runs})
    meta["scores"] = score_run(Run(tensors, meta))
save_run(Path(sm.output.meta).parent, tensors, meta)
print(f"trained {sm.params.run} in {meta['train_seconds']} s -> {sm.output.meta}")
