"""The sorting and selection algorithms behind PyTorch's CPU ``sort``, ``mode``, ``topk`` and
``kthvalue``, step for step.

Which of several equal values ``topk`` returns, and in which order ``topk(sorted=False)``
lists its picks, are not defined by any rule: they are whatever the algorithm leaves in
place. To show exactly what PyTorch shows, these are the same algorithms:

- ``sort`` (``stable=False``, aten/src/ATen/native/cpu/SortingKernel.cpp) and ``mode``
  run ``std::sort``: stable up to 16 elements (insertion sort), not beyond;
- ``topk`` (aten/src/ATen/native/TopKImpl.h) runs libstdc++'s ``std::partial_sort`` when
  ``k * 64 <= n``, else ``std::nth_element`` and then ``std::sort`` of the first ``k - 1``
  (GCC's bits/stl_algo.h and bits/stl_heap.h: introselect, introsort with a threshold of
  16, median-of-three pivots, heap select);
- ``kthvalue`` (aten/src/ATen/native/Sorting.cpp) runs ``quick_select_template``, the
  Sedgewick quickselect PyTorch carries itself.

Both work on a list of ``(value, index)`` pairs and compare values only, NaN above all.
Read at https://github.com/pytorch/pytorch and https://github.com/gcc-mirror/gcc.
"""

from __future__ import annotations

import math


def _greater(a, b) -> bool:
    """``a`` before ``b`` when largest first: NaN is above every number."""
    return (a != a and b == b) or a > b


def _less(a, b) -> bool:
    """``a`` before ``b`` when smallest first: NaN is above every number."""
    return (a == a and b != b) or a < b


# ---- libstdc++ ------------------------------------------------------------------------


class _Stl:
    """libstdc++'s sorting algorithms on ``items`` (a list of (value, index) pairs)."""

    def __init__(self, items: list, before) -> None:
        self.items = items
        self.before = before

    def _comp(self, i: int, j: int) -> bool:
        return self.before(self.items[i][0], self.items[j][0])

    def _swap(self, i: int, j: int) -> None:
        a = self.items
        a[i], a[j] = a[j], a[i]

    def _move_median_to_first(self, result, a, b, c) -> None:
        comp = self._comp
        if comp(a, b):
            if comp(b, c):
                self._swap(result, b)
            elif comp(a, c):
                self._swap(result, c)
            else:
                self._swap(result, a)
        elif comp(a, c):
            self._swap(result, a)
        elif comp(b, c):
            self._swap(result, c)
        else:
            self._swap(result, b)

    def _unguarded_partition(self, first, last, pivot) -> int:
        comp = self._comp
        while True:
            while comp(first, pivot):
                first += 1
            last -= 1
            while comp(pivot, last):
                last -= 1
            if not first < last:
                return first
            self._swap(first, last)
            first += 1

    def _partition_pivot(self, first, last) -> int:
        mid = first + (last - first) // 2
        self._move_median_to_first(first, first + 1, mid, last - 1)
        return self._unguarded_partition(first + 1, last, first)

    def _linear_insert(self, last) -> None:
        a = self.items
        value = a[last]
        nxt = last - 1
        while self.before(value[0], a[nxt][0]):
            a[last] = a[nxt]
            last = nxt
            nxt -= 1
        a[last] = value

    def _insertion_sort(self, first, last) -> None:
        a = self.items
        for i in range(first + 1, last):
            if self._comp(i, first):
                value = a[i]
                a[first + 1 : i + 1] = a[first:i]
                a[first] = value
            else:
                self._linear_insert(i)

    # heaps (bits/stl_heap.h)
    def _push_heap(self, first, hole, top, value) -> None:
        a = self.items
        parent = (hole - 1) // 2
        while hole > top and self.before(a[first + parent][0], value[0]):
            a[first + hole] = a[first + parent]
            hole = parent
            parent = (hole - 1) // 2
        a[first + hole] = value

    def _adjust_heap(self, first, hole, length, value) -> None:
        a = self.items
        top = hole
        child = hole
        while child < (length - 1) // 2:
            child = 2 * (child + 1)
            if self._comp(first + child, first + child - 1):
                child -= 1
            a[first + hole] = a[first + child]
            hole = child
        if length % 2 == 0 and child == (length - 2) // 2:
            child = 2 * (child + 1)
            a[first + hole] = a[first + child - 1]
            hole = child - 1
        self._push_heap(first, hole, top, value)

    def _make_heap(self, first, last) -> None:
        length = last - first
        if length < 2:
            return
        parent = (length - 2) // 2
        while True:
            self._adjust_heap(first, parent, length, self.items[first + parent])
            if parent == 0:
                return
            parent -= 1

    def _pop_heap(self, first, last, result) -> None:
        a = self.items
        value = a[result]
        a[result] = a[first]
        self._adjust_heap(first, 0, last - first, value)

    def _heap_select(self, first, middle, last) -> None:
        self._make_heap(first, middle)
        for i in range(middle, last):
            if self._comp(i, first):
                self._pop_heap(first, middle, i)

    def _sort_heap(self, first, last) -> None:
        while last - first > 1:
            last -= 1
            self._pop_heap(first, last, last)

    # the public algorithms
    def partial_sort(self, first, middle, last) -> None:
        self._heap_select(first, middle, last)
        self._sort_heap(first, middle)

    def nth_element(self, first, nth, last) -> None:
        if first == last or nth == last:
            return
        depth = 2 * int(math.log2(last - first))
        while last - first > 3:
            if depth == 0:
                self._heap_select(first, nth + 1, last)
                self._swap(first, nth)
                return
            depth -= 1
            cut = self._partition_pivot(first, last)
            if cut <= nth:
                first = cut
            else:
                last = cut
        self._insertion_sort(first, last)

    def sort(self, first, last) -> None:
        if first == last:
            return
        self._introsort_loop(first, last, 2 * int(math.log2(last - first)))
        if last - first > 16:
            self._insertion_sort(first, first + 16)
            for i in range(first + 16, last):
                self._linear_insert(i)
        else:
            self._insertion_sort(first, last)

    def _introsort_loop(self, first, last, depth) -> None:
        while last - first > 16:
            if depth == 0:
                self.partial_sort(first, last, last)
                return
            depth -= 1
            cut = self._partition_pivot(first, last)
            self._introsort_loop(cut, last, depth)
            last = cut


def topk_positions(row: list, k: int, largest: bool, sorted_: bool) -> list:
    """The indices PyTorch's CPU topk returns for one slice ``row`` (a list of numbers)."""
    items = [(v, i) for i, v in enumerate(row)]
    if k == 0:
        return []
    stl = _Stl(items, _greater if largest else _less)
    n = len(items)
    if k * 64 <= n:
        stl.partial_sort(0, k, n)
    else:
        stl.nth_element(0, k - 1, n)
        if sorted_:
            stl.sort(0, k - 1)
    return [i for _, i in items[:k]]


def sort_positions(row: list, descending: bool) -> list:
    """The order PyTorch's CPU ``sort`` (``stable=False``: ``std::sort``) gives one slice."""
    items = [(v, i) for i, v in enumerate(row)]
    _Stl(items, _greater if descending else _less).sort(0, len(items))
    return [i for _, i in items]


def mode_of(row: list) -> tuple:
    """(value, index) of PyTorch's CPU ``mode`` of one slice: ``std::sort`` by value (plain
    ``<``), then the longest run of equal values, the first such run on a tie, and the
    index of the run's last element."""
    items = [(v, i) for i, v in enumerate(row)]
    _Stl(items, lambda a, b: a < b).sort(0, len(items))
    best = (0, 0)
    longest = run = 0
    for k, (value, index) in enumerate(items):
        run += 1
        if k == len(items) - 1 or value != items[k + 1][0]:
            if run > longest:
                best, longest = (value, index), run
            run = 0
    return best


# ---- PyTorch's quickselect (kthvalue) -------------------------------------------------


def kth_position(row: list, k: int) -> int:
    """The index PyTorch's CPU kthvalue returns for the ``k``-th smallest (1-based) of ``row``."""
    values = list(row)
    index = list(range(len(values)))
    k -= 1

    def swap(i, j):
        values[i], values[j] = values[j], values[i]
        index[i], index[j] = index[j], index[i]

    gt = _greater
    lo, hi = 0, len(values) - 1
    while hi > lo:
        if hi == lo + 1:
            if gt(values[lo], values[hi]):
                swap(lo, hi)
            break
        swap((lo + hi) >> 1, lo + 1)
        if gt(values[lo + 1], values[hi]):
            swap(lo + 1, hi)
        if gt(values[lo], values[hi]):
            swap(lo, hi)
        if gt(values[lo + 1], values[lo]):
            swap(lo + 1, lo)
        i, j, pivot = lo + 1, hi, values[lo]
        while True:
            i += 1
            while gt(pivot, values[i]):
                i += 1
            j -= 1
            while gt(values[j], pivot):
                j -= 1
            if j < i:
                break
            swap(i, j)
        swap(lo, j)
        if j <= k:
            lo = i
        if j >= k:
            hi = j - 1
    return index[k]
