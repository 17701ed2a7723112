"""draft.html in a real browser (Debian's headless chromium) at a phone's width and a desktop's:
the page is exactly as wide as the viewport, the text column is wide enough to read, tables
scroll sideways inside their own box, and table 四's headers keep two or more characters a line.

The page is shown in an iframe of the exact width (headless chromium will not make its window
narrower than 500 px); a script in the outer page measures it and writes the figures into the
DOM, which `--dump-dom` prints. Screenshots of both widths go to the folder named by
REPORT_WRITER_SCREENSHOTS when it is set (see README). Skipped where chromium is missing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import lxml.html
import pytest

from browser import CHROMIUM_FLAGS
from conftest import EXAMPLE
from report_writer.render.html import render_html
from report_writer.workspace import load_report, open_workspace

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")

MEASURE = """
const frame = document.getElementById("page");
frame.addEventListener("load", () => {
  const doc = frame.contentDocument, win = frame.contentWindow;
  const box = (el) => el.getBoundingClientRect();
  const heads = [...doc.querySelectorAll('table[data-table="reviews"] th')].map(
    (th) => box(th).width / parseFloat(win.getComputedStyle(th).fontSize));
  frame.style.height = doc.documentElement.scrollHeight + "px";
  const out = document.createElement("pre");
  out.id = "measured";
  out.textContent = JSON.stringify({
    viewport: win.innerWidth,
    page: doc.documentElement.scrollWidth,
    text: Math.min(...[...doc.querySelectorAll("p")].map((p) => box(p).width)),
    boxes: [...doc.querySelectorAll(".table-box")].map((b) => ({
      table: b.querySelector("table").dataset.table, scroll: b.scrollWidth,
      client: b.clientWidth, right: box(b).right })),
    narrowest_heading_em: Math.min(...heads),
  });
  document.body.appendChild(out);
});
frame.srcdoc = PAGE;
"""


def outer_page(html: str, width: int) -> str:
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><style>html,body{margin:0}"
        f"iframe{{border:0;display:block;width:{width}px;height:20000px}}</style></head><body>"
        f'<iframe id="page"></iframe><script>const PAGE = {json.dumps(html)};{MEASURE}'
        "</script></body></html>"
    )


def chromium(tmp_path: Path, *args: str) -> str:
    assert CHROMIUM is not None
    done = subprocess.run(
        [
            CHROMIUM,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={tmp_path / 'profile'}",
            "--virtual-time-budget=5000",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def html() -> str:
    """The example's page, its narrative included."""
    from report_writer.build import generate

    ws = open_workspace(EXAMPLE)
    return render_html(generate(load_report(ws), ws))


def measure(html: str, width: int, tmp_path: Path) -> dict[str, Any]:
    page = tmp_path / f"outer-{width}.html"
    page.write_text(outer_page(html, width), encoding="utf-8")
    dom = chromium(tmp_path, f"--window-size={max(width, 500)},900", "--dump-dom", page.as_uri())
    found = lxml.html.document_fromstring(dom).xpath('//pre[@id="measured"]')
    assert found, "the measuring script did not run"
    shots = os.environ.get("REPORT_WRITER_SCREENSHOTS")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
        target = Path(shots) / f"draft-{width}px.png"
        height = 6000 if width < 600 else 3200
        chromium(
            tmp_path,
            "--hide-scrollbars",
            f"--window-size={max(width, 500)},{height}",
            f"--screenshot={target}",
            page.as_uri(),
        )
    result: dict[str, Any] = json.loads(found[0].text_content())
    return result


def test_a_phone_shows_the_page_full_width_and_scrolls_tables_in_their_boxes(
    html: str, tmp_path: Path
) -> None:
    m = measure(html, 390, tmp_path)
    assert m["viewport"] == 390
    assert m["page"] == 390  # the page itself never scrolls sideways
    assert m["text"] > 300  # not A4's padding: a line holds more than seven characters
    assert all(b["right"] <= 390 for b in m["boxes"])
    wide = {b["table"] for b in m["boxes"] if b["scroll"] > b["client"]}
    assert {"applications", "reviews"} <= wide  # they scroll inside their own box
    assert m["narrowest_heading_em"] >= 2  # 表四: no one-character columns


def test_a_desktop_shows_the_a4_column_and_whole_tables(html: str, tmp_path: Path) -> None:
    m = measure(html, 1280, tmp_path)
    assert m["viewport"] == 1280 and m["page"] == 1280
    assert 500 < m["text"] < 800  # the A4 text column, centred
    assert all(b["scroll"] == b["client"] for b in m["boxes"])  # nothing to scroll
    assert m["narrowest_heading_em"] >= 2


def test_print_keeps_a4(html: str, tmp_path: Path) -> None:
    import pypdf

    page = tmp_path / "draft.html"
    page.write_text(html, encoding="utf-8")
    pdf = tmp_path / "draft.pdf"
    chromium(tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri())
    pages = pypdf.PdfReader(pdf).pages
    assert len(pages) >= 3
    for p in pages:
        width, height = float(p.mediabox.width), float(p.mediabox.height)
        assert (round(width), round(height)) == (595, 842)  # A4 in points
    import unicodedata

    # NFKC: the PDF's text maps some characters to Kangxi radicals (⼯ for 工)
    texts = [unicodedata.normalize("NFKC", p.extract_text()) for p in pages]
    assert "四、政府信息公开行政复议、行政诉讼情况" in "".join(texts).replace("\n", "")
    headings = {f"{s.number}、{s.title}" for s in load_report(open_workspace(EXAMPLE)).fmt.sections}
    for text in texts:  # a heading never ends a page (its table or text follows it)
        assert text.strip().splitlines()[-1] not in headings
