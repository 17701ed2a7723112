"""Small bar charts for the overview page, drawn with matplotlib into SVG to put inline.

Text stays text (svg.fonttype "none") with a list of Chinese fonts for the browser to choose from,
so the page is small, sharp and works offline. matplotlib is imported here only, when a chart is
drawn: no other command pays for it.

Floor: output. Must not import from the floors above (phrases and up).
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import Any

# Fonts with Chinese glyphs, in order of preference: Noto Sans CJK (Linux; fonts-noto-cjk), the
# same font as Source Han Sans, then what Windows and macOS have.
FONTS = [
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Microsoft YaHei",
    "PingFang SC",
    "SimHei",
    "DejaVu Sans",
]
THIS_YEAR = "#2f5d8a"
LAST_YEAR = "#b9c7d6"
BAR = "#2f5d8a"
INCH_PER_BAR = 0.24
WIDTH = 4.6  # inches: about the width of a chart's box on the page, so that text keeps its size


def _style(salt: str) -> Any:  # matplotlib types the keys as literals
    return {
        "svg.fonttype": "none",
        "svg.hashsalt": salt,  # the same ids on every run; distinct between the charts of a page
        "font.family": FONTS,
        "font.size": 10,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.titlesize": 11,
        "axes.titleweight": "bold",
    }


def _svg(fig: Any) -> str:
    """The figure as an <svg> element to put inline (no XML prolog, DOCTYPE or metadata), scaling
    to the width of its box."""
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})  # constrained layout: no crop
    text = buffer.getvalue()
    text = text[text.index("<svg") :]
    text = re.sub(r"\s*<metadata>.*?</metadata>", "", text, count=1, flags=re.S)
    # the box gives the width; the viewBox keeps the proportions
    return re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"', r'<svg\1 role="img"', text, count=1)


def _matplotlib() -> Any:
    """matplotlib, quiet: its notices (a font of FONTS this computer lacks, the font cache being
    built on first use) would reach the terminal through logging, and the core never prints."""
    import logging

    logging.getLogger("matplotlib").setLevel(logging.ERROR)
    import matplotlib

    return matplotlib


def _figure(width: float, height: float) -> Any:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def bars(title: str, labels: Sequence[str], values: Sequence[float], salt: str) -> str:
    """Horizontal bars, one a label, in the order given (the first at the top), each with its
    value written beside it."""
    with _matplotlib().rc_context(_style(salt)):
        fig = _figure(WIDTH, 0.7 + INCH_PER_BAR * max(len(labels), 2))
        ax = fig.add_subplot()
        positions = range(len(labels))
        drawn = ax.barh(positions, values, color=BAR, height=0.7)
        ax.bar_label(drawn, labels=[_number(v) for v in values], padding=3, fontsize=8)
        ax.set_yticks(positions, labels=list(labels))
        ax.invert_yaxis()
        ax.set_title(title, loc="left")
        ax.xaxis.set_visible(False)
        ax.spines["bottom"].set_visible(False)
        ax.margins(x=0.12)
        return _svg(fig)


def paired_bars(
    title: str,
    labels: Sequence[str],
    this_year: Sequence[float],
    last_year: Sequence[float],
    names: tuple[str, str],
    salt: str,
) -> str:
    """Two horizontal bars a label (this year dark, last year light), with a legend."""
    with _matplotlib().rc_context(_style(salt)):
        fig = _figure(WIDTH, 0.9 + 1.6 * INCH_PER_BAR * max(len(labels), 2))
        ax = fig.add_subplot()
        height = 0.38
        now = [i - height / 2 for i in range(len(labels))]
        before = [i + height / 2 for i in range(len(labels))]
        drawn = ax.barh(now, this_year, height, color=THIS_YEAR, label=names[0])
        previous = ax.barh(before, last_year, height, color=LAST_YEAR, label=names[1])
        ax.bar_label(drawn, labels=[_number(v) for v in this_year], padding=3, fontsize=8)
        ax.bar_label(previous, labels=[_number(v) for v in last_year], padding=3, fontsize=8)
        ax.set_yticks(range(len(labels)), labels=list(labels))
        ax.invert_yaxis()
        ax.set_title(title, loc="left")
        ax.xaxis.set_visible(False)
        ax.spines["bottom"].set_visible(False)
        ax.margins(x=0.12)
        fig.legend(loc="outside lower center", ncols=2, frameon=False)
        return _svg(fig)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"
