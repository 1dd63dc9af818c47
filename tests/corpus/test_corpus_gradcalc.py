"""The corpora run by gradcalc: each snippet's transcript against PyTorch 2.13's.

Every snippet must match exactly, except those in ``known_differences.txt`` (different on
purpose, each with its reason; docs/language.md lists them) and those in ``CORE_GAPS`` (waiting
for a fix in the autograd core, the ops or the grammar; ``core_gaps.md`` has a reproduction of
each). Both lists are strict: a listed snippet that starts to match fails, so that it is taken
off its list. The share of identical transcripts must be at least 95%.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from gradcalc_transcript import gradcalc_transcript
from transcript import difference, read_expected, snippet_paths

KNOWN = {
    line.split()[0]: line.split(maxsplit=1)[1]
    for line in (Path(__file__).with_name("known_differences.txt")).read_text().splitlines()
    if line.strip() and not line.startswith("#")
}

# snippet -> the gap in core_gaps.md it waits for
CORE_GAPS = {
    "real/012_examples_polynomial_tensor.py": "numerics: PyTorch's vectorised float32 sin differs from numpy's in the last bit",
    "real/014_examples_legendre_custom_function.py": "numerics: PyTorch's vectorised float32 sin differs from numpy's in the last bit",
}
SNIPPETS = snippet_paths()


def _name(snippet: Path) -> str:
    return f"{snippet.parent.name}/{snippet.name}"


@pytest.mark.parametrize("snippet", SNIPPETS, ids=[f"{p.parent.name}/{p.stem}" for p in SNIPPETS])
def test_snippet_matches_pytorch(snippet):
    name = _name(snippet)
    diff = difference(read_expected(snippet), gradcalc_transcript(snippet), name)
    listed = KNOWN.get(name) or CORE_GAPS.get(name)
    if listed is not None:
        assert diff is not None, f"{name} matches PyTorch now: take it off its list ({listed})"
        pytest.xfail(listed)
    assert diff is None, diff


def test_the_lists_name_existing_snippets():
    names = {_name(p) for p in SNIPPETS}
    assert set(KNOWN) <= names and set(CORE_GAPS) <= names
    assert not set(KNOWN) & set(CORE_GAPS)


def test_at_least_95_percent_identical():
    identical = sum(difference(read_expected(p), gradcalc_transcript(p)) is None for p in SNIPPETS)
    assert identical / len(SNIPPETS) >= 0.95, f"{identical} of {len(SNIPPETS)} identical"
