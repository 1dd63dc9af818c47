"""Edge cases written here (not outside material) for the autograd features the corpus
snippets use once: saved-tensor hooks, multi-grad hooks, in-place changes inside torch.func
transforms, untyped_storage and PyTorch's warn-once messages. Same transcript rules and
stored PyTorch 2.13 transcripts as the corpus (``tests/corpus/expected/edges/``); regenerate
with ``python tests/corpus/make_expected.py tests/corpus/edges/*.py`` where torch is installed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from gradcalc_transcript import gradcalc_transcript
from transcript import difference, read_expected

EDGES = sorted((Path(__file__).parent / "edges").glob("[0-9][0-9][0-9]_*.py"))


@pytest.mark.parametrize("snippet", EDGES, ids=[p.stem for p in EDGES])
def test_edge_matches_pytorch(snippet):
    assert difference(read_expected(snippet), gradcalc_transcript(snippet), snippet.name) is None


@pytest.mark.torch
@pytest.mark.parametrize("snippet", EDGES, ids=[p.stem for p in EDGES])
def test_stored_transcript_is_pytorchs(snippet):
    from make_expected import transcript_in_fresh_process

    assert transcript_in_fresh_process(snippet) == read_expected(snippet)
