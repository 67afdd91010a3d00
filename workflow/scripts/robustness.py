"""The robustness study's record, table and figure from every variant's claim checks."""

import json
import sys
from pathlib import Path

sys.stderr = sys.stdout = open(snakemake.log[0], "w", buffering=1)  # noqa: F821

from tms.bench.benchmark import benchmark_times  # noqa: E402
from tms.core.config import load_config  # noqa: E402
from tms.core.io import atomic_write, write_json  # noqa: E402
from tms.plots.robustness import plot_robustness  # noqa: E402
from tms.robustness import DEFAULT, study, to_markdown  # noqa: E402

sm = snakemake  # noqa: F821

claims = {DEFAULT: [row for path in sm.input.default for row in json.loads(Path(path).read_text())]}
for path in sm.input.claims:  # results/robustness/<variant>/claims/<figure>.json
    claims.setdefault(Path(path).parts[-3], []).extend(json.loads(Path(path).read_text()))
record = study(sm.config, load_config(*sm.input.configs), claims)

# The study's cost in this checkout: its variants' job times (Snakemake benchmark files of the
# training, SAE and check jobs: results/benchmarks/<rule>/robustness/<variant>/..., and
# results/benchmarks/robustness/<variant>/claims/...). Checks taken from the record cost nothing here.
seconds = 0.0
for tsv in Path("results/benchmarks").rglob("*.tsv"):
    parts = tsv.relative_to("results/benchmarks").parts
    if "robustness" in parts[:2] and parts[parts.index("robustness") + 1] in record["variants"]:
        seconds += benchmark_times(tsv)[0]
record["job_seconds"] = round(seconds, 1)

write_json(sm.output.json, record)
text = to_markdown(record, seconds)
atomic_write(sm.output.md, lambda tmp: Path(tmp).write_text(text))
plot_robustness(record, sm.output.figure)
print(f"{len(record['claims'])} claims, {len(record['variants'])} variants, {seconds:.0f} s of jobs")
