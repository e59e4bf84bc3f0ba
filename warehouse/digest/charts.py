"""Small PNG charts for the e-mails, drawn with matplotlib's Agg backend (no browser, no display).

Chinese labels need a CJK font; when none is installed the charts use codes and dates only (the
e-mail's HTML gives every chart its Chinese caption either way).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from functools import cache

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402

CJK_FONTS = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
)
BLUE, RED, GREEN, GREY = "#1f5fa8", "#c0392b", "#2e8b57", "#888888"


@cache
def cjk_font() -> str | None:
    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in installed), None)


def label(chinese: str, fallback: str) -> str:
    """A chart label: Chinese when a CJK font is installed, the ASCII fallback otherwise."""
    return chinese if cjk_font() else fallback


def _figure(width: float = 5.6, height: float = 2.2):
    params = {"font.size": 8, "axes.spines.top": False, "axes.spines.right": False}
    if cjk_font():
        params["font.family"] = [cjk_font(), "DejaVu Sans"]
    with plt.rc_context(params):
        figure, axes = plt.subplots(figsize=(width, height), dpi=100)
    return figure, axes


def _png(figure) -> bytes:
    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    return buffer.getvalue()


def _wan(value: float) -> str:
    return f"{value / 10_000:,.0f}"


def trend_line(dates: Sequence[date], values: Sequence[float], y_label: str) -> bytes:
    """A line over the last business days (values in CNY, axis in 10k)."""
    figure, axes = _figure()
    x = list(range(len(dates)))
    axes.plot(x, [v / 10_000 for v in values], color=BLUE, marker="o", markersize=2.5, linewidth=1.4)
    if values:
        axes.fill_between(x, [v / 10_000 for v in values], alpha=0.08, color=BLUE)
    step = max(1, len(dates) // 6)
    axes.set_xticks(x[::step], [d.strftime("%m-%d") for d in dates][::step])
    axes.set_ylabel(y_label)
    axes.grid(axis="y", alpha=0.3)
    return _png(figure)


def bars(labels: Sequence[str], values: Sequence[float], y_label: str, *, horizontal: bool = False) -> bytes:
    """Bars in 10k CNY, red for negative values."""
    figure, axes = _figure(height=max(2.2, 0.28 * len(labels) + 0.8) if horizontal else 2.2)
    scaled = [v / 10_000 for v in values]
    colors = [RED if v < 0 else BLUE for v in values]
    if horizontal:
        axes.barh(range(len(labels)), scaled, color=colors)
        axes.set_yticks(range(len(labels)), labels)
        axes.invert_yaxis()
        axes.set_xlabel(y_label)
        axes.grid(axis="x", alpha=0.3)
    else:
        axes.bar(range(len(labels)), scaled, color=colors)
        axes.set_xticks(range(len(labels)), labels, rotation=0)
        axes.set_ylabel(y_label)
        axes.grid(axis="y", alpha=0.3)
    axes.axhline(0, color=GREY, linewidth=0.6) if not horizontal else axes.axvline(
        0, color=GREY, linewidth=0.6
    )
    return _png(figure)
