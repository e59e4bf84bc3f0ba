"""A package's independent pieces (its files to read, its tables to write) on threads: polars and pyarrow
release the GIL while they parse, type, encode and compress."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from warehouse.settings import default_workers

Item = TypeVar("Item")
Result = TypeVar("Result")


def map_on_threads(work: Callable[[Item], Result], items: Sequence[Item]) -> list[Result]:
    """`work` of each item, in the items' order; the first item's exception (in that order) is raised."""
    threads = min(len(items), default_workers())
    if threads <= 1:
        return [work(item) for item in items]
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="package") as pool:
        return list(pool.map(work, items))
