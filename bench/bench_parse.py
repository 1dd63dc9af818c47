"""Parse speed: a generated 10,000-line script (target: well under a second).

``workloads()`` lists the timed functions for a bench runner; ``python bench/bench_parse.py``
times them itself and prints the result.
"""

from __future__ import annotations

import time

LINES = 10_000

_TEMPLATES = [
    "x{i} = [[1, 2, 3], [4, 5, 6]]  # a leaf that requires grad",
    "w{i} = torch.ones(2, 3, requires_grad=True)",
    "y{i} = (x{i} + 1) * 2 - w{i} / 3",
    "m{i} = mean(y{i} ** 2, dim=0, keepdim=True)",
    "z{i} = x{i}[:, 1:] @ w{i}[..., ::-1].T",
    "loss{i} = -(z{i}.sum() + 0.5e-3 * y{i}[0, 1]) ** 2; c{i} = 1",
    "c{i} += 1",
    "m{i}.backward(retain_graph=True)",
    "w{i}.grad = None",
    "print(x{i}.grad, 'done', m{i} >= 2.)",
]


def generate_script(lines: int = LINES) -> str:
    """A realistic script: assignments, calls, slices, comments, operators of every level."""
    return "\n".join(_TEMPLATES[i % len(_TEMPLATES)].format(i=i) for i in range(lines)) + "\n"


def workloads() -> list[dict]:
    from gradcalc.grammar import parse

    script = generate_script()
    parse("x = 1")  # build (or load) the parser outside the timed part

    def parse_10k_lines():
        program = parse(script, "bench.gc")
        assert len(program.statements) == LINES + LINES // len(_TEMPLATES)

    return [{"name": f"parse {LINES:,}-line script", "fn": parse_10k_lines}]


def main() -> None:
    for workload in workloads():
        best = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            workload["fn"]()
            best = min(best, time.perf_counter() - started)
        print(f"{workload['name']}: {best:.3f} s (best of 3)")


if __name__ == "__main__":
    main()
