"""The benchmark scripts' output: a Markdown table, one row per measure and one column per run."""

from __future__ import annotations


def print_table(results: list[dict[str, str]]) -> None:
    """One row per measure, one column per result (pasted as is into the README)."""
    names = list(results[0])
    first = max(len(n) for n in names)
    widths = [max(len(v) for v in r.values()) for r in results]
    for i, name in enumerate(names):
        cells = [r[name].rjust(w) for r, w in zip(results, widths, strict=True)]
        print(f"| {name.ljust(first)} | " + " | ".join(cells) + " |")
        if i == 0:
            print(f"|{'-' * (first + 2)}|" + "|".join("-" * (w + 2) for w in widths) + "|")
