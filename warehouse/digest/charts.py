"""Small PNG charts for the e-mails, drawn with Pillow: a few milliseconds each, no browser, no display.

Each chart is drawn at twice its size and reduced (anti-aliasing), 560 px wide as the e-mail shows it,
and saved as a PNG on a fixed palette of the chart colours and their blends (about 6 KB). Rendered
labels are kept (axis dates and round values repeat from one broker's chart to the next).
Chinese labels need a CJK font, found among the installed fonts by matplotlib's font list; when none is
installed the charts use codes and dates only (the e-mail's HTML gives every chart its Chinese caption
either way).
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from datetime import date
from functools import cache, lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

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
BLUE, RED, GREY = (31, 95, 168), (192, 57, 43), (136, 136, 136)
INK, WHITE = (34, 34, 34), (255, 255, 255)
GRID = (217, 217, 217)  # light grey lines at the value ticks
FILL = (228, 236, 245)  # the area under a trend line: BLUE at 12 % on white
WIDTH, HEIGHT = 560, 220  # pixels, as the e-mail shows the chart
SCALE = 2  # drawn at twice the size, then reduced
BLENDS = 8  # anti-aliasing shades of each colour in the palette
FONT_PX = 11
Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@cache
def _cjk_face() -> tuple[str, str] | None:
    """(font file, face name) of the first installed CJK font of CJK_FONTS, regular weight first."""
    from matplotlib import font_manager

    faces = sorted(font_manager.fontManager.ttflist, key=lambda f: abs(int(f.weight) - 400))
    for name in CJK_FONTS:
        for face in faces:
            if face.name == name:
                return face.fname, name
    return None


def cjk_font() -> str | None:
    face = _cjk_face()
    return face[1] if face else None


def label(chinese: str, fallback: str) -> str:
    """A chart label: Chinese when a CJK font is installed, the ASCII fallback otherwise."""
    return chinese if cjk_font() else fallback


@cache
def font() -> Font:
    """The charts' font, loaded once per process (load it before forking workers: they inherit it)."""
    size = FONT_PX * SCALE
    face = _cjk_face()
    if face is not None:
        fname, name = face
        for index in range(64 if fname.lower().endswith((".ttc", ".otc")) else 1):
            try:
                font = ImageFont.truetype(fname, size, index=index, layout_engine=ImageFont.Layout.BASIC)
            except OSError:
                break
            if font.getname()[0] == name:
                return font
    import matplotlib

    dejavu = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
    return ImageFont.truetype(str(dejavu), size, layout_engine=ImageFont.Layout.BASIC)


def _wan(values: Sequence[float]) -> list[float]:
    return [v / 10_000 for v in values]


def ticks(low: float, high: float, most: int = 6) -> list[float]:
    """Round tick values covering [low, high]: steps of 1, 2, 2.5 or 5 times a power of ten."""
    if not (math.isfinite(low) and math.isfinite(high)):
        low, high = 0.0, 1.0
    if high - low < 1e-9:
        pad = abs(high) * 0.05 or 1.0
        low, high = low - pad, high + pad
    raw = (high - low) / (most - 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.floor(low / step + 1e-9) * step
    count = math.ceil((high - first) / step - 1e-9)
    return [round(first + i * step, 10) for i in range(count + 1)]


def _tick_text(value: float, step: float) -> str:
    digits = next((d for d in range(6) if abs(round(step, d) - step) < 1e-9), 6)
    text = f"{value:,.{digits}f}"
    return "0" if text.strip("-0.,") == "" else text


class _Canvas:
    """A white image at SCALE times the chart's size, reduced to it when saved."""

    def __init__(self, width: int, height: int) -> None:
        self.font = font()
        self.image = Image.new("RGB", (width * SCALE, height * SCALE), WHITE)
        self.draw = ImageDraw.Draw(self.image)
        self.width, self.height = width * SCALE, height * SCALE
        self.line = SCALE  # 1 px lines once reduced

    def text_width(self, text: str) -> float:
        return self.font.getlength(text)

    def text(self, xy: tuple[float, float], text: str, anchor: str) -> None:
        """`anchor` as Pillow's: l / m / r across, t / m / d (top, middle, bottom) up and down."""
        self._paste(_label(text), xy, anchor)

    def vertical_text(self, center: tuple[float, float], text: str) -> None:
        """Text turned 90° counter-clockwise (an axis title on the left)."""
        self._paste(_label(text, turned=True), center, "mm")

    def _paste(self, mask: Image.Image, xy: tuple[float, float], anchor: str) -> None:
        width, height = mask.size
        x = xy[0] - {"l": 0, "m": width / 2, "r": width}[anchor[0]]
        y = xy[1] - {"t": 0, "m": height / 2, "d": height}[anchor[1]]
        self.image.paste(INK, (round(x), round(y)), mask)

    def png(self) -> bytes:
        buffer = io.BytesIO()
        reduced = self.image.reduce(SCALE).quantize(palette=_palette(), dither=Image.Dither.NONE)
        reduced.save(buffer, format="PNG", compress_level=3)
        return buffer.getvalue()


@lru_cache(maxsize=4096)
def _label(text: str, *, turned: bool = False) -> Image.Image:
    """The text's coverage (mode L) from ascender to descender, as wide as the text advances."""
    ascent, descent = font().getmetrics()
    mask = Image.new("L", (max(1, math.ceil(font().getlength(text))), ascent + descent))
    ImageDraw.Draw(mask).text((0, 0), text, font=font(), fill=255, anchor="la")
    return mask.transpose(Image.Transpose.ROTATE_90) if turned else mask


@cache
def _palette() -> Image.Image:
    """White, the chart colours, and each blended into white (and the line into its fill) in steps."""
    colours = {WHITE, GRID, FILL}
    for base, into in ((BLUE, WHITE), (RED, WHITE), (INK, WHITE), (GREY, WHITE), (BLUE, FILL), (INK, GRID)):
        for step in range(1, BLENDS + 1):
            share = step / BLENDS
            colours.add(tuple(round(b * share + i * (1 - share)) for b, i in zip(base, into, strict=True)))
    flat = [channel for colour in sorted(colours) for channel in colour]
    palette = Image.new("P", (1, 1))
    palette.putpalette(flat + flat[:3] * (256 - len(colours)))
    return palette


def _value_axis(values: Sequence[float], *, with_zero: bool) -> tuple[list[float], float, float]:
    low, high = min(values, default=0.0), max(values, default=1.0)
    if with_zero:
        low, high = min(low, 0.0), max(high, 0.0)
    marks = ticks(low, high)
    return marks, marks[0], marks[-1]


def trend_line(dates: Sequence[date], values: Sequence[float], y_label: str) -> bytes:
    """A line over the last business days (values in CNY, axis in 10k)."""
    scaled = _wan(values)
    marks, low, high = _value_axis(scaled, with_zero=False)
    step = marks[1] - marks[0] if len(marks) > 1 else 1.0
    c = _Canvas(WIDTH, HEIGHT)
    s = SCALE
    labels = [_tick_text(m, step) for m in marks]
    left = 8 * s + FONT_PX * s * 1.5 + max(c.text_width(t) for t in labels) + 6 * s
    top, right, bottom = 10 * s, c.width - 12 * s, c.height - FONT_PX * s - 14 * s

    def y(value: float) -> float:
        return bottom - (value - low) / (high - low) * (bottom - top)

    n = len(scaled)

    def x(i: int) -> float:
        pad = (right - left) * 0.04
        return left + pad + (i / (n - 1) if n > 1 else 0.5) * (right - left - 2 * pad)

    points = [(x(i), y(v)) for i, v in enumerate(scaled)]
    if points:
        c.draw.polygon([(points[0][0], bottom), *points, (points[-1][0], bottom)], fill=FILL)
    for mark, text in zip(marks, labels, strict=True):
        c.draw.line([(left, y(mark)), (right, y(mark))], fill=GRID, width=c.line)
        c.draw.line([(left - 4 * s, y(mark)), (left, y(mark))], fill=INK, width=c.line)
        c.text((left - 6 * s, y(mark)), text, "rm")
    if points:
        if len(points) > 1:
            c.draw.line(points, fill=BLUE, width=round(1.4 * s), joint="curve")
        radius = 1.6 * s
        for px, py in points:
            c.draw.ellipse([px - radius, py - radius, px + radius, py + radius], fill=BLUE)
    every = max(1, n // 6)
    for i in range(0, n, every):
        c.draw.line([(x(i), bottom), (x(i), bottom + 4 * s)], fill=INK, width=c.line)
        c.text((x(i), bottom + 6 * s), dates[i].strftime("%m-%d"), "mt")
    c.draw.line([(left, top), (left, bottom), (right, bottom)], fill=INK, width=c.line)
    c.vertical_text((6 * s + FONT_PX * s * 0.75, (top + bottom) / 2), y_label)
    return c.png()


def bars(labels: Sequence[str], values: Sequence[float], y_label: str, *, horizontal: bool = False) -> bytes:
    """Bars in 10k CNY, red for negative values; horizontal bars list the first label at the top."""
    scaled = _wan(values)
    marks, low, high = _value_axis(scaled, with_zero=True)
    step = marks[1] - marks[0] if len(marks) > 1 else 1.0
    texts = [_tick_text(m, step) for m in marks]
    s = SCALE
    n = len(scaled)
    if horizontal:
        c = _Canvas(WIDTH, max(HEIGHT, 28 * n + 80))
        left = 10 * s + max((c.text_width(t) for t in labels), default=0) + 6 * s
        top, right = 10 * s, c.width - 12 * s - c.text_width(texts[-1]) / 2
        bottom = c.height - 2 * FONT_PX * s - 24 * s

        def vx(value: float) -> float:
            return left + (value - low) / (high - low) * (right - left)

        band = (bottom - top) / max(n, 1)
        for mark, text in zip(marks, texts, strict=True):
            c.draw.line([(vx(mark), top), (vx(mark), bottom)], fill=GRID, width=c.line)
            c.draw.line([(vx(mark), bottom), (vx(mark), bottom + 4 * s)], fill=INK, width=c.line)
            c.text((vx(mark), bottom + 6 * s), text, "mt")
        for i, (name, value) in enumerate(zip(labels, scaled, strict=True)):
            middle = top + band * (i + 0.5)
            ends = sorted((vx(0.0), vx(value)))
            c.draw.rectangle(
                [ends[0], middle - band * 0.4, ends[1], middle + band * 0.4], fill=RED if value < 0 else BLUE
            )
            c.draw.line([(left - 4 * s, middle), (left, middle)], fill=INK, width=c.line)
            c.text((left - 6 * s, middle), name, "rm")
        c.draw.line([(vx(0.0), top), (vx(0.0), bottom)], fill=GREY, width=c.line)
        c.draw.line([(left, top), (left, bottom), (right, bottom)], fill=INK, width=c.line)
        c.text(((left + right) / 2, c.height - 6 * s), y_label, "md")
        return c.png()
    c = _Canvas(WIDTH, HEIGHT)
    left = 8 * s + FONT_PX * s * 1.5 + max(c.text_width(t) for t in texts) + 6 * s
    top, right, bottom = 10 * s, c.width - 12 * s, c.height - FONT_PX * s - 14 * s

    def vy(value: float) -> float:
        return bottom - (value - low) / (high - low) * (bottom - top)

    band = (right - left) / max(n, 1)
    for mark, text in zip(marks, texts, strict=True):
        c.draw.line([(left, vy(mark)), (right, vy(mark))], fill=GRID, width=c.line)
        c.draw.line([(left - 4 * s, vy(mark)), (left, vy(mark))], fill=INK, width=c.line)
        c.text((left - 6 * s, vy(mark)), text, "rm")
    for i, (name, value) in enumerate(zip(labels, scaled, strict=True)):
        middle = left + band * (i + 0.5)
        ends = sorted((vy(0.0), vy(value)))
        c.draw.rectangle(
            [middle - band * 0.4, ends[0], middle + band * 0.4, ends[1]], fill=RED if value < 0 else BLUE
        )
        c.draw.line([(middle, bottom), (middle, bottom + 4 * s)], fill=INK, width=c.line)
        c.text((middle, bottom + 6 * s), name, "mt")
    c.draw.line([(left, vy(0.0)), (right, vy(0.0))], fill=GREY, width=c.line)
    c.draw.line([(left, top), (left, bottom), (right, bottom)], fill=INK, width=c.line)
    c.vertical_text((6 * s + FONT_PX * s * 0.75, (top + bottom) / 2), y_label)
    return c.png()
