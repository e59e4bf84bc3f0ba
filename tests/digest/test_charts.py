"""The e-mails' charts: PNG files of the size the HTML shows them at, on round axis ticks."""

from __future__ import annotations

import io
from datetime import date, timedelta

from PIL import Image

from warehouse.digest import charts


def _size(png: bytes) -> tuple[int, int]:
    assert png.startswith(b"\x89PNG")
    with Image.open(io.BytesIO(png)) as image:
        return image.size


def test_chart_sizes() -> None:
    days = [date(2024, 3, 1) + timedelta(days=i) for i in range(20)]
    assert _size(charts.trend_line(days, [3.1e8 + i * 1e6 for i in range(20)], "万元")) == (560, 220)
    assert _size(charts.trend_line(days[:1], [0.0], "万元")) == (560, 220)
    assert _size(charts.bars(["03-01", "03-04"], [-2e5, 5e5], "万元")) == (560, 220)
    # horizontal bars grow with the number of bars: 28 px each plus 80
    assert _size(charts.bars([f"B{i}" for i in range(12)], [1e6] * 12, "万元", horizontal=True)) == (560, 416)


def test_ticks() -> None:
    # at most 6 ticks: a step of 500 would need 7
    assert charts.ticks(30_412.0, 32_940.0) == [30_000, 31_000, 32_000, 33_000]
    assert charts.ticks(-450.0, 590.0) == [-500.0, -250.0, 0.0, 250.0, 500.0, 750.0]
    assert charts.ticks(0.0, 0.0) == [-1.0, -0.5, 0.0, 0.5, 1.0]
