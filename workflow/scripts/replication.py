"""Merge every figure's claim results into results/replication.json and .md."""

import json
import sys

sys.stderr = sys.stdout = open(snakemake.log[0], "w", buffering=1)  # noqa: F821

from tms.claims.check import required_failures  # noqa: E402
from tms.claims.table import add_study, headline, write_replication  # noqa: E402
from tms.robustness import figure_hashes  # noqa: E402

sm = snakemake  # noqa: F821

results = []
for path in sm.input.claims:
    with open(path) as f:
        results.extend(json.load(f))
for path in sm.input.get("record", []):  # the robustness study's seed counts and verdicts, if recorded
    with open(path) as f:
        results = add_study(results, json.load(f), figure_hashes(sm.config))
write_replication(results, sm.output.json, sm.output.md)
failed = required_failures(results)
print(f"{len(results)} claims checked; {len(failed)} required claims did not hold")
print(headline(results))
for r in failed:
    print(f"REQUIRED CLAIM NOT HELD: {r['id']} ({r['figure']}): {r['statement']}; measured {r['measured']!r}")
