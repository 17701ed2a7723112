"""Tables flattened each way real reports are (issue 13), read back: every cell exactly as printed
or null, never a wrong figure.

The example's tables and random consistent ones are written as a page collapsed into one line,
with figures run together, 表四 as one string of digits, misspelt headings, label fragments and
single characters of a vertical column woven between the rows, page numbers inside a table, the
2019 format's single （六）其他处理 row, and as PDF words placed on a page (rebuilt by position).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import EXAMPLE
from report_writer.importer import import_report
from report_writer.importer.log import Log
from report_writer.importer.pdfrows import Word, page_lines
from report_writer.importer.sections import split_at_headings
from report_writer.importer.tables import read_tables
from report_writer.importer.tokens import Line
from report_writer.workspace import load_report, open_workspace
from test_import_layouts import (
    AGENCY,
    FMT,
    OTHER,
    OVERVIEW,
    PROBLEMS,
    YEAR,
    Truth,
    oracle,
    tables,
)

VERTICAL = "三、本年度办理结果"
TRIAL_ROWS = ("other_no_correction", "other_unpaid_fee", "other_other")


def example_truth() -> Truth:
    report = load_report(open_workspace(EXAMPLE))
    values: Truth = {}
    for table, spec in FMT.tables.items():
        for row, col in spec.cells():
            value = report.figures.values.get((table, row.key, col.key), 0)
            values[(table, row.key, col.key)] = value
    return values


def shown(value: Any) -> str:
    return "/" if value is None else str(value)


class Flat:
    """How one report is flattened (every switch a kind of damage seen in published reports)."""

    def __init__(
        self,
        sep: str = "\n",
        joiner: str = " ",
        wrap: bool = False,
        stray: bool = False,
        footer: bool = False,
        misspell: bool = False,
        trial: bool = False,
    ) -> None:
        self.sep, self.joiner, self.wrap, self.stray = sep, joiner, wrap, stray
        self.footer, self.misspell, self.trial = footer, misspell, trial

    def render(self, truth: Truth) -> str:
        out = [f"{AGENCY}{YEAR}年度政府信息公开工作年度报告", "一、总体情况", *OVERVIEW]
        out.append("二、主动公开政府信息情况")
        for block in FMT.tables["proactive"].blocks:
            out += [block.caption or "", "信息内容" + "".join(c.label for c in block.columns)]
            for row in block.rows:
                figures = [shown(truth[("proactive", row.key, c.key)]) for c in row.columns]
                out.append(row.label + self.joiner + self.joiner.join(figures))
        out += ["三、收到和处理政府信息公开申请情况", FMT.tables["applications"].corner or ""]
        out.append("申请人情况自然人法人或其他组织总计商业企业科研机构社会公益组织法律服务机构其他")
        seen: set[str] = set()
        for n, row in enumerate(FMT.tables["applications"].rows):
            if self.trial and row.key in TRIAL_ROWS:
                if row.key == "other_other":  # the single 2019 row in place of the three
                    summed = [
                        sum(truth[("applications", r, c.key)] for r in TRIAL_ROWS)
                        for c in row.columns
                    ]
                    out.append("（六）其他处理" + self.joiner + self.joiner.join(map(str, summed)))
                continue
            for group in row.groups:
                if group not in seen:
                    seen.add(group)
                    out.append(group)
            figures = self.joiner.join(
                shown(truth[("applications", row.key, c.key)]) for c in row.columns
            )
            label = row.label
            if self.wrap and len(label) > 8:  # the figures beside the label's first line
                out += [label[:8], figures, label[8:]]
            else:
                out.append(label + self.joiner + figures)
            if self.stray and 2 <= n < 2 + len(VERTICAL):
                out.append(VERTICAL[n - 2])
            if self.footer and n == 12:
                out.append("- 3 -")
        heading = "四、政府信息公开行政复议、行政诉讼情况"
        if self.misspell:
            heading = "四、政府信息公开行政法复议与行政诉讼情况"
        out += [heading, "行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计" * 2]
        out.append(
            self.joiner.join(
                shown(truth[("reviews", r.key, c.key)])
                for r in FMT.tables["reviews"].rows
                for c in FMT.tables["reviews"].columns
            )
        )
        out += ["五、存在的主要问题及改进情况", *PROBLEMS, "六、其他需要报告的事项", *OTHER]
        return self.sep.join(out)

    def expected(self, truth: Truth) -> Truth:
        """What the report says once read: in the 2019 format, the single row as 3.其他."""
        if not self.trial:
            return truth
        out = dict(truth)
        for c in FMT.tables["applications"].columns:
            out[("applications", "other_other", c.key)] = sum(
                truth[("applications", r, c.key)] for r in TRIAL_ROWS
            )
            for r in TRIAL_ROWS[:2]:
                out[("applications", r, c.key)] = 0
        return out


FLATS = {
    "one line, spaced": Flat(sep=""),
    "one line, run together": Flat(sep="", joiner=""),
    "lines, run together": Flat(joiner=""),
    "wrapped labels, stray characters, a footer": Flat(wrap=True, stray=True, footer=True),
    "one line, wrapped, stray, run together": Flat(sep="", joiner="", wrap=True, stray=True),
    "lines, wrapped, stray, footer, run together": Flat(
        joiner="", wrap=True, stray=True, footer=True
    ),
    "misspelt heading, 2019 rows": Flat(sep=" ", misspell=True, trial=True),
    "2019 rows, run together": Flat(sep="", joiner="", trial=True),
}
SPACED = {name for name, flat in FLATS.items() if flat.joiner == " "}


def never_wrong(result_cells: dict[Any, Any], expected: Truth) -> list[str]:
    return [
        f"{k}: {v!r} != {expected[k]!r}"
        for k, v in result_cells.items()
        if v is not None and v != expected[k]
    ]


def _check(name: str, truth: Truth, folder: Path) -> None:
    flat = FLATS[name]
    path = folder / "report.txt"
    path.write_text(flat.render(truth), encoding="utf-8")
    result = import_report(path)
    expected = flat.expected(truth)
    assert (result.agency, result.year) == (AGENCY, YEAR)
    assert never_wrong(result.cells, expected) == []
    logged = " ".join(e.message for e in result.log)
    for key, value in result.cells.items():
        if value is None and expected[key] is not None:
            assert FMT.tables[key[0]].name in logged, key  # a cell not read is said
    if name in SPACED:  # a figure a cell: every cell of 表三 and 表四 is read
        for key, want in expected.items():
            if key[0] != "proactive" and not (flat.trial and key[1] in TRIAL_ROWS[:2]):
                assert result.cells[key] == want, key
    elif not flat.trial:
        for key, value in oracle(truth).items():
            if key[0] == "applications" and (flat.wrap or flat.stray):
                continue  # a label woven into its figures is read by the cross-checks
            assert result.cells[key] == value, key


@pytest.mark.parametrize("name", list(FLATS))
def test_the_example_flattened_reads_back(name: str, tmp_path: Path) -> None:
    _check(name, example_truth(), tmp_path)


@pytest.mark.parametrize("name", list(FLATS))
@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(truth=tables())
def test_random_tables_flattened_are_never_read_wrong(
    name: str, truth: Truth, tmp_path: Path
) -> None:
    _check(name, truth, tmp_path)


def test_a_row_printed_short_or_empty_is_left_null(tmp_path: Path) -> None:
    truth = example_truth()
    text = Flat().render(truth)
    text = text.replace("（一）予以公开 0 0 0 0 0 0 0", "（一）予以公开 0 0 0 0 0 0")  # six figures
    text = text.replace("2.重复申请 0 0 0 0 0 0 0", "2.重复申请")  # none at all
    path = tmp_path / "short.txt"
    path.write_text(text, encoding="utf-8")
    result = import_report(path)
    assert never_wrong(result.cells, truth) == []
    for row in ("granted", "rejected_repeated"):
        assert result.cells[("applications", row, "total")] is None
    assert result.cells[("applications", "new", "total")] == 9


# ---------------------------------------------------------------- words placed on a PDF page

LINE = 10.0  # height of a printed line; 4 points of leading, 8 between rows


def place(text: str, x: float, top: float) -> Word:
    return Word(text, x, x + LINE * len(text), top, top + LINE)


def pdf_page(truth: Truth, centred: bool, per_line: int) -> list[list[Word]]:
    """表三 as words on pages: labels wrapped `per_line` characters a line, figures level with
    the label's first line or its middle, group labels centred beside their rows, the vertical
    column one character a line, a page number at the foot of each page."""
    pages: list[list[Word]] = [[]]
    top = 60.0
    spans: dict[str, list[float]] = {}
    for row in FMT.tables["applications"].rows:
        parts = [row.label[i : i + per_line] for i in range(0, len(row.label), per_line)]
        height = len(parts) * (LINE + 4) - 4
        if top + height > 760:
            pages[-1] += [place("-", 280, 800), place("3", 292, 800), place("-", 304, 800)]
            pages.append([])
            top = 60.0
            spans = {}
        for i, part in enumerate(parts):
            pages[-1].append(place(part, 80, top + i * (LINE + 4)))
        level = top + (height - LINE) / 2 if centred else top
        for j, col in enumerate(row.columns):
            pages[-1].append(
                place(shown(truth[("applications", row.key, col.key)]), 240 + 40 * j, level)
            )
        for depth, group in enumerate(row.groups):
            spans.setdefault(f"{depth}{group}", [top, top + height])[1] = top + height
        top += height + 8
    for key, (start, end) in spans.items():
        depth, group = int(key[0]), key[1:]
        if group == VERTICAL:
            for i, char in enumerate(group):
                pages[-1].append(place(char, 10, start + i * LINE))
        else:
            middle = (start + end) / 2 - LINE / 2
            pages[-1].append(place(group[:3], 40 + depth * 5, middle - 7))
            pages[-1].append(place(group[3:], 40 + depth * 5, middle + 7))
    return pages


@settings(max_examples=25, deadline=None)
@given(truth=tables(), centred=st.booleans(), per_line=st.integers(6, 14))
def test_words_placed_on_pdf_pages_rebuild_the_rows(
    truth: Truth, centred: bool, per_line: int
) -> None:
    lines = [Line(("三、收到和处理政府信息公开申请情况",), 1)]
    for words in pdf_page(truth, centred, per_line):
        lines += [Line((text,), len(lines) + 1) for _, text in page_lines(words, 595, 842)]
    lines.append(Line(("四、政府信息公开行政复议、行政诉讼情况",), len(lines) + 1))
    log = Log()
    cells = read_tables(split_at_headings(lines), FMT, log).cells
    got = {k: v for k, v in cells.items() if k[0] == "applications"}
    assert never_wrong(got, truth) == []
    assert got == {k: v for k, v in truth.items() if k[0] == "applications"}, list(log)


def test_decimal_fee_survives_every_flattening(tmp_path: Path) -> None:
    truth = example_truth()
    truth[("proactive", "fees", "amount")] = Decimal("12.5")
    for name in FLATS:
        path = tmp_path / "fee.txt"
        path.write_text(FLATS[name].render(truth), encoding="utf-8")
        assert never_wrong(import_report(path).cells, FLATS[name].expected(truth)) == []


def misprinted(truth: Truth, columns: int) -> Truth:
    """The table as some agencies publish it: （七）总计 off by one in `columns` columns (the row
    itself still adds up, as in the corpus's 03), so C2 and C3 fail there."""
    out = dict(truth)
    for col in ("natural_person", "business")[:columns]:
        out[("applications", "handled_total", col)] += 1
        out[("applications", "handled_total", "total")] += 1
    return out


@pytest.mark.parametrize("columns", [1, 2])
@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(truth=tables())
def test_a_published_total_that_does_not_add_up_is_kept_and_never_repaired(
    columns: int, truth: Truth, tmp_path: Path
) -> None:
    printed = misprinted(truth, columns)
    for name in ("lines, run together", "one line, run together"):
        path = tmp_path / "misprinted.txt"
        path.write_text(FLATS[name].render(printed), encoding="utf-8")
        result = import_report(path)
        assert never_wrong(result.cells, printed) == []


def test_cross_row_sums_still_decide_beside_a_misprinted_total(tmp_path: Path) -> None:
    """「110000011」 is 11,0,0,0,0,0,11 or 1,10,0,0,0,0,11: only the column sums decide, and
    they still do although （七）总计 is misprinted in another column."""
    truth = example_truth()
    for row, value in (("granted", 11), ("new", 20)):
        truth[("applications", row, "legal_service")] = value
        truth[("applications", row, "total")] += value
    for row in ("handled_total",):
        truth[("applications", row, "legal_service")] += 11
        truth[("applications", row, "total")] += 11
    truth[("applications", "carried_forward", "legal_service")] = 9
    truth[("applications", "carried_forward", "total")] += 9
    printed = misprinted(truth, 1)
    path = tmp_path / "report.txt"
    path.write_text(FLATS["lines, run together"].render(printed), encoding="utf-8")
    result = import_report(path)
    assert never_wrong(result.cells, printed) == []
    assert result.cells[("applications", "granted", "legal_service")] == 11
    assert result.cells[("applications", "handled_total", "natural_person")] == 10  # as printed


def test_a_label_number_at_the_end_of_a_line_is_not_a_figure(tmp_path: Path) -> None:
    """「…0 0 0 0 0 0 2.」 then 「没有现成信息…」 on the next line: the 2 is the next row's number."""
    from report_writer.importer.tokens import tokenize

    tokens = tokenize(Line(("0 0 0 00 0 0 2.",), 1))
    assert [t.kind for t in tokens] == ["num"] * 6 + ["text"]
    truth = example_truth()
    text = Flat().render(truth).replace("8 0 0 0 0 0 8\n2.没有现成", "8 0 0 00 0 8 2.\n没有现成")
    assert "2.\n没有现成" in text
    path = tmp_path / "report.txt"
    path.write_text(text, encoding="utf-8")
    result = import_report(path)
    assert never_wrong(result.cells, truth) == []
    assert result.cells[("applications", "unavailable_not_held", "total")] == 8
    assert result.cells[("applications", "unavailable_needs_creation", "total")] == 0


def test_a_figure_with_a_leading_zero_is_not_taken_as_one_cell() -> None:
    """「0 0 0 0 0 0 03」: seven pieces for seven cells only by chance; 03 is two figures run
    together (the 3 belongs elsewhere, e.g. the next label's 「3.」 broken off its dot)."""
    from report_writer.importer.split import candidates
    from report_writer.importer.tokens import tokenize

    tokens = tokenize(Line(("0 0 0 0 0 0 03",), 1))
    assert len(tokens) == 7
    readings, _ = candidates(tokens, [False] * 7, [])
    assert readings == []


def test_a_table_of_contents_before_the_report_is_not_taken_for_its_headings(
    tmp_path: Path,
) -> None:
    truth = example_truth()
    contents = "目录 一、总体情况 二、主动公开政府信息情况 三、收到和处理政府信息公开申请情况 " + (
        "四、政府信息公开行政复议、行政诉讼情况 五、存在的主要问题及改进情况 六、其他需要报告的事项"
    )
    for name in ("one line, spaced", "lines, run together"):
        text = FLATS[name].render(truth)
        title, sep, rest = text.partition("一、总体情况")
        path = tmp_path / "report.txt"
        path.write_text(title + contents + sep + rest, encoding="utf-8")
        result = import_report(path)
        assert result.cells == truth, name
        assert result.narrative["overview"].startswith(OVERVIEW[0])


def test_parts_left_empty_are_still_parts(tmp_path: Path) -> None:
    """Tables printed as pictures leave 二、三、四 on consecutive lines: no table of contents."""
    text = "\n".join(
        [
            f"{AGENCY}{YEAR}年政府信息公开工作年度报告",
            "一、总体情况",
            *OVERVIEW,
            "二、主动公开政府信息情况",
            "三、收到和处理政府信息公开申请情况",
            "四、政府信息公开行政复议、行政诉讼情况",
            "五、存在的主要问题及改进情况",
            *PROBLEMS,
            "六、其他需要报告的事项",
            *OTHER,
        ]
    )
    path = tmp_path / "pictures.txt"
    path.write_text(text, encoding="utf-8")
    result = import_report(path)
    assert result.narrative["overview"] == "\n".join(OVERVIEW)
    assert result.narrative["problems"] == "\n".join(PROBLEMS)


def test_labels_set_with_spread_characters_are_not_a_vertical_column() -> None:
    """Labels spread over their cell (「行　政　许　可」) start with single characters at one x on
    every row; rows 8 points apart are rows, not a column read downwards."""
    words: list[Word] = []
    top = 60.0
    spec = FMT.tables["proactive"]
    truth = example_truth()
    for row in spec.rows:
        for i, char in enumerate(row.label):
            words.append(place(char, 80 + i * 2 * LINE, top))
        for j, col in enumerate(row.columns):
            words.append(place(shown(truth[("proactive", row.key, col.key)]), 300 + 60 * j, top))
        top += LINE + 8
    lines = [Line(("二、主动公开政府信息情况",), 1)]
    lines += [Line((text,), len(lines) + 1) for _, text in page_lines(words, 595, 842)]
    lines.append(Line(("三、收到和处理政府信息公开申请情况",), len(lines) + 1))
    cells = read_tables(split_at_headings(lines), FMT, Log()).cells
    assert {k: v for k, v in cells.items() if k[0] == "proactive"} == {
        k: v for k, v in truth.items() if k[0] == "proactive"
    }


@pytest.mark.parametrize("sep", ["", " ", "\n"])
def test_the_signature_and_page_links_are_not_part_of_section_six(sep: str, tmp_path: Path) -> None:
    text = Flat(sep=sep).render(example_truth())
    text += sep.join(["", AGENCY, f"{YEAR + 1}年1月20日", "附件下载"])
    path = tmp_path / "signed.txt"
    path.write_text(text, encoding="utf-8")
    assert import_report(path).narrative["other"] == "".join(OTHER)


def test_a_date_inside_the_last_sentence_stays(tmp_path: Path) -> None:
    text = Flat().render(example_truth()) + "\n本报告数据统计截至2024年12月31日"
    path = tmp_path / "dated.txt"
    path.write_text(text, encoding="utf-8")
    assert import_report(path).narrative["other"].endswith("截至2024年12月31日")


def test_a_lone_figure_is_a_page_number_only_in_the_margin() -> None:
    """「2650」 set lower than its label 「行政许可」 stands on a line of its own mid-page: a cell; a
    lone 「3」 at the foot of the page is its number."""
    words = [place("行政许可", 80, 300), place("2650", 300, 316), place("3", 290, 800)]
    texts = [text for _, text in page_lines(words, 595, 842)]
    assert texts == ["行政许可", "2650"]


def test_look_alike_radicals_read_as_the_characters_they_stand_for(tmp_path: Path) -> None:
    """Chromium's PDFs print 「一」「工」「行」 as the Kangxi radicals 「⼀」「⼯」「⾏」."""
    radicals = str.maketrans({"一": "⼀", "工": "⼯", "行": "⾏", "二": "⼆", "人": "⼈"})
    text = Flat().render(example_truth()).translate(radicals)
    assert "⼀、总体情况" in text and "⾏政许可" in text
    path = tmp_path / "chromium.txt"
    path.write_text(text, encoding="utf-8")
    result = import_report(path)
    assert (result.agency, result.year) == (AGENCY, YEAR)
    assert result.cells == example_truth()
    assert result.narrative["overview"] == "\n".join(OVERVIEW)


def test_a_title_without_year_or_agency_falls_back_to_the_text_and_says_so(
    tmp_path: Path,
) -> None:
    text = Flat().render(example_truth())
    title = f"{AGENCY}{YEAR}年度政府信息公开工作年度报告"
    signed = text + f"\n{AGENCY}\u3000{YEAR + 1}年1月20日"
    cases = {
        "政府信息公开工作年度报告": ("按落款", "按第一部分所写的"),  # neither: signature and 一
        f"{YEAR}年政府信息公开工作年度报告": ("按落款",),  # the year only
    }
    for new_title, said in cases.items():
        path = tmp_path / "untitled.txt"
        path.write_text(signed.replace(title, new_title), encoding="utf-8")
        result = import_report(path)
        assert (result.agency, result.year) == (AGENCY, YEAR)
        messages = " ".join(e.message for e in result.log if e.kind == "missing")
        for words in said:
            assert words in messages
        assert result.narrative["other"] == "".join(OTHER)
    path = tmp_path / "bare.txt"
    path.write_text(
        signed.replace(title, "政府信息公开工作年度报告").replace(
            OVERVIEW[0], "我局认真贯彻落实《条例》。"
        ),
        encoding="utf-8",
    )
    result = import_report(path)
    assert result.year == YEAR  # from the signature's year, the report covering the one before
    assert "按落款日期的上一年" in " ".join(e.message for e in result.log)
