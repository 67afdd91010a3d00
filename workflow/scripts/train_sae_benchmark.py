"""Train and score the SAE benchmark (config["sae_benchmark"]) -> its run and results/sae_benchmark.json."""

import sys
from pathlib import Path

sys.stderr = sys.stdout = open(snakemake.log[0], "w", buffering=1)  # noqa: F821

import torch  # noqa: E402

from tms.analysis.sae_benchmark import score_run  # noqa: E402
from tms.core.io import Run, load_run, save_run, versions, write_json  # noqa: E402
from tms.core.sae_benchmark import sources, train_benchmark  # noqa: E402

sm = snakemake  # noqa: F821
torch.set_num_threads(sm.threads)
config = sm.params.config
runs = {name: load_run(Path(meta).parent) for name, meta in zip(sources(config), sm.input.meta)}
tensors, meta = train_benchmark(config, runs)
meta["scores"] = score_run(Run(tensors, meta))
save_run(Path(sm.output.meta).parent, tensors, meta)
write_json(sm.output.table, {"experiment": meta["experiment"], "versions": versions(), **meta["scores"]})
print(f"trained and scored {len(meta['saes'])} SAEs in {meta['train_seconds']} s -> {sm.output.meta}")
