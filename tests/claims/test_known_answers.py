"""Every registered claim has known-answer cases: one input on which its check holds and one on
which it does not (``tests/claims/known.py``). The ids are read from the test files' source, so
a claim added to the registry without both cases fails here."""

from __future__ import annotations

import ast
from pathlib import Path

from tms.claims.catalogue import REGISTRY

HERE = Path(__file__).resolve().parent


def known_answer_ids(folder: Path = HERE) -> dict[str, set[str]]:
    """``{"holds": ids, "fails": ids}``: claim ids passed as a string literal to ``holds(...)`` or
    ``fails(...)`` in the test files of ``folder``."""
    found = {"holds": set(), "fails": set()}
    for path in sorted(folder.glob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in found
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found[node.func.id].add(node.args[0].value)
    return found


def test_every_claim_has_a_holding_and_a_failing_case():
    found = known_answer_ids()
    unknown = sorted((found["holds"] | found["fails"]) - set(REGISTRY))
    assert not unknown, f"known-answer cases name claims that are not registered: {unknown}"
    for kind in ("holds", "fails"):
        missing = sorted(set(REGISTRY) - found[kind])
        assert not missing, f"claims with no known-answer case where the check {kind}: {missing}"


def test_listing_reads_literal_ids(tmp_path):
    """The reader finds ids in calls only (so the listing cannot pass on a mention in a comment or a
    string elsewhere), and only in test files."""
    (tmp_path / "test_a.py").write_text(
        'holds("C0.1", runs)\nfails("C0.2", r)\nprint("C0.3")\nholds(name, runs)\n# holds("C0.4")\n'
    )
    (tmp_path / "helper.py").write_text('fails("C0.5", runs)\n')
    assert known_answer_ids(tmp_path) == {"holds": {"C0.1"}, "fails": {"C0.2"}}
