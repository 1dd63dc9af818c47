"""Flat memory under long runs (issue 14): what a statement leaves behind once it has run is
bounded by the variables it bound. A REPL session of 10,000 inputs and a script of 100,000
statements end within a few MB of where they started; the graph view's labels do not keep
old graphs alive."""

from __future__ import annotations

import gc
import os
import sys
import weakref

import pytest

from gradcalc.interpreter import Session

INPUT = "w = randn(3, 3); x = randn(3); y = tanh(w @ x).sum(); y.backward()"


def resident_bytes() -> int:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


needs_proc = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="reads the resident size from /proc"
)


@needs_proc
@pytest.mark.slow
def test_a_repl_session_of_10000_inputs_stays_flat():
    session = Session()
    for _ in range(1_000):  # warm up: caches, the allocator's arenas
        assert session.run(INPUT).ok
    gc.collect()
    before = resident_bytes()
    for _ in range(10_000):
        session.run(INPUT)
    gc.collect()
    grown = resident_bytes() - before
    # the history of what was typed is the only thing that grows: 10,000 x 4 offsets
    assert grown < 4 * 2**20, f"grew {grown / 2**20:.1f} MB over 10,000 inputs"
    assert len(session.statements_source()) == 11_000 * 4


@needs_proc
@pytest.mark.slow
def test_a_script_of_100000_statements_keeps_its_source_and_offsets_only():
    source = "x = 1.0\n" + "".join(f"y{i % 50} = x * {i % 7} + 1\n" for i in range(100_000))
    session = Session(record_graph=False)
    assert session.run("x = 1.0").ok
    gc.collect()
    before = resident_bytes()
    result = session.run(source)
    assert result.ok
    del result  # the caller's copy of the per-statement results
    gc.collect()
    grown = resident_bytes() - before
    # the source itself (about 2 MB) and 1.6 MB of offsets, a few MB of allocator slack
    assert grown < 12 * 2**20, f"grew {grown / 2**20:.1f} MB"


def test_labels_do_not_keep_old_graphs_alive():
    session = Session()
    assert session.run("x = randn(3); y = tanh(x * 2).sum()").ok
    old_node = weakref.ref(session.variables["y"].grad_fn)
    old_leaf = weakref.ref(session.variables["x"])
    assert session.graph("y") is not None  # the labels were made and used
    assert session.run("x = randn(3); y = tanh(x * 2).sum()").ok  # rebinds both names
    gc.collect()
    assert old_node() is None and old_leaf() is None
    assert len(session.observer.leaf_labels) <= 2
    assert len(session.observer.labels) <= 4


def test_a_loop_that_makes_many_leaves_leaves_only_the_last():
    session = Session()
    assert session.run("for i in range(2000):\n    w = randn(2)\n    y = (w * 2).sum()").ok
    gc.collect()
    assert len(session.observer.leaf_labels) <= 2
    assert len(session.observer.labels) <= 4
