"""`import`: the reference report read back exactly, `--check`, run-together figures, "/" cells,
`init --from` and `check --previous` with last year's workspace or published file."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from cli_runner import run
from conftest import EXAMPLE, REFERENCE, needs_reference
from report_writer.importer import ImportResult, import_report
from report_writer.importer.split import LocalSum, TooManySplits, candidates
from report_writer.importer.tokens import Token
from report_writer.model import parse_report
from report_writer.workspace import load_report, open_workspace


def figures_of(data: dict[str, object]) -> dict[tuple[str, str, str], object]:
    return dict(parse_report(data).figures.values)


@needs_reference
def test_reference_reproduces_the_example_figures_exactly() -> None:
    result = import_report(REFERENCE)
    example = load_report(open_workspace(EXAMPLE))
    assert result.layout == "cells"
    assert (result.agency, result.year, result.level) == ("东丽区应急管理局", 2023, "department")
    assert figures_of(result.report_data()) == dict(example.figures.values)
    assert result.log == []  # every cell read, nothing ambiguous


@needs_reference
def test_reference_narrative_without_page_footer() -> None:
    narrative = import_report(REFERENCE).narrative
    assert narrative["overview"].startswith("2023年,我局在区委、区政府的坚强领导下")
    assert "(五)推进社会监督,保证公平公正用权" in narrative["overview"]
    assert narrative["problems"].split("\n")[0].endswith("三是对政策缺乏深度解读意识。")
    assert narrative["other"] == "无"  # the portal's 主办/网站标识码 lines are not the report's


@needs_reference
def test_import_check_flags_the_review_error(tmp_path: Path) -> None:
    code, out, _ = run("import", REFERENCE, "--check")
    assert code == 1
    assert "错误 C4  表四 行政复议" in out
    assert "尚未审结1＝1，但总计为0" in out
    assert not Path(REFERENCE.stem).exists()  # --check alone writes nothing


@needs_reference
def test_import_writes_an_ordinary_workspace(tmp_path: Path) -> None:
    target = tmp_path / "dongli"
    code, out, _ = run("import", REFERENCE, "-o", target)
    assert code == 0, out
    assert "已写入工作区" in out
    report = load_report(open_workspace(target))
    assert report.figures.values == load_report(open_workspace(EXAMPLE)).figures.values
    text = (target / "report.yaml").read_text(encoding="utf-8")
    assert "# 行政处罚" in text and "导入自" in text  # commented like `init` writes it
    imported = yaml.safe_load((target / "imported.yaml").read_text(encoding="utf-8"))
    assert set(imported) == {"overview", "problems", "other"}
    assert "按时答复率100%" in imported["overview"]
    log = yaml.safe_load((target / "import-log.yaml").read_text(encoding="utf-8"))
    assert log["layout"] == "cells" and log["entries"] == []
    code, out, _ = run("check", target)
    assert code == 1 and "C4" in out
    code, _, err = run("import", REFERENCE, "-o", target)
    assert code == 2 and "已是工作区" in err  # never overwritten


def reference_lines() -> list[str]:
    return REFERENCE.read_text(encoding="utf-8").splitlines()


def import_lines(path: Path, lines: list[str]) -> ImportResult:
    """Import the reference report as edited: `lines` written to `path`, one a line."""
    path.write_text("\n".join(lines), encoding="utf-8")
    return import_report(path)


@needs_reference
def test_slash_and_blank_cells_stay_null(tmp_path: Path) -> None:
    lines = reference_lines()
    penalty = lines.index("行政处罚 |") + 1
    assert lines[penalty] == "60 | ||"
    lines[penalty] = "/ | ||"
    new = lines.index("一、本年新收政府信息公开申请数量 |")
    lines[new + 2] = " |"  # 商业企业 printed blank
    result = import_lines(tmp_path / "report.txt", lines)
    assert result.cells[("proactive", "penalty", "decisions")] is None
    assert result.cells[("applications", "new", "business")] is None
    assert result.cells[("applications", "new", "natural_person")] == 9
    blanks = [e for e in result.log if e.kind == "blank"]
    assert {e.cell for e in blanks} == {
        "proactive.penalty.decisions",
        "applications.new.business",
    }
    report = parse_report(result.report_data())
    assert report.figures.values[("proactive", "penalty", "decisions")] is None  # not 0
    assert report.figures.values[("applications", "new", "total")] == 9  # printed, kept


def run_together(tmp_path: Path, rows: dict[str, str], reviews: str) -> Path:
    """The reference as PDF text with every row's figures run together."""
    result = import_report(REFERENCE)
    fmt = result.fmt
    out = reference_lines()[:4]
    for key, spec in fmt.tables.items():
        out.append(f"{spec.number}、{spec.title}")
        if key == "reviews":
            out.append("行政复议 行政诉讼 结果维持 结果纠正 其他结果 尚未审结 总计")
            out.append(reviews)
            continue
        for row in spec.rows:
            digits = rows.get(row.key) or "".join(
                str(result.cells[(key, row.key, c.key)]) for c in row.columns
            )
            out.append(f"{''.join(row.groups[1:])}{row.label}{digits}")
    out += ["五、存在的主要问题及改进情况", "无。", "六、其他需要报告的事项", "无"]
    path = tmp_path / "run-together.txt"
    path.write_text("\n".join(out), encoding="utf-8")
    return path


@needs_reference
def test_run_together_figures_split_where_the_sums_decide(tmp_path: Path) -> None:
    source = run_together(
        tmp_path,
        {"new": "713000074", "unavailable_not_held": "713000074", "handled_total": "713000074"},
        reviews="000100000000000",
    )
    result = import_report(source)
    assert result.layout == "pdf-text"
    for row in ("new", "unavailable_not_held", "handled_total"):
        got = [result.cells[("applications", row, c)] for c in ("natural_person", "business")]
        assert got == [71, 3], row
        assert result.cells[("applications", row, "total")] == 74
    # 表四 has exactly one digit per cell: read as printed, error and all.
    assert result.cells[("reviews", "review", "pending")] == 1
    assert result.cells[("reviews", "review", "total")] == 0
    assert any(e.kind == "split" and "713000074" in e.message for e in result.log)
    assert not [e for e in result.log if e.kind in ("ambiguous", "unread")]


@needs_reference
def test_run_together_ambiguity_is_left_null_and_logged(tmp_path: Path) -> None:
    # 规章 1200: 1|20|0 or 12|0|0 — no sum decides, so 本年制发 and 本年废止 stay unknown.
    source = run_together(tmp_path, {"regulations": "1200"}, reviews="000000000000000")
    result = import_report(source)
    assert result.cells[("proactive", "regulations", "issued")] is None
    assert result.cells[("proactive", "regulations", "repealed")] is None
    assert result.cells[("proactive", "regulations", "in_force")] == 0  # both readings agree
    (entry,) = [e for e in result.log if e.kind == "ambiguous"]
    assert "1、20、0" in entry.message and "12、0、0" in entry.message


@needs_reference
def test_rows_decide_each_other_through_the_column_sums(tmp_path: Path) -> None:
    # 予以公开 "110000011" reads 1|10|0|0|0|0|11 or 11|0|0|0|0|0|11 within its row (C1); only the
    # column sums (C3: 予以公开 + 信访举报投诉 = 总计) with the other rows tell which.
    rows = {
        "new": "210000012",
        "granted": "110000011",
        "unavailable_not_held": "0000000",
        "rejected_complaint": "1000001",
        "handled_total": "210000012",
    }
    result = import_report(run_together(tmp_path, rows, reviews="000000000000000"))
    columns = result.fmt.tables["applications"].columns
    granted = [result.cells[("applications", "granted", c.key)] for c in columns]
    assert granted == [1, 10, 0, 0, 0, 0, 11]
    assert any(e.kind == "split" and "各行之间的勾稽关系" in e.message for e in result.log)
    # Without the row that decides it, both readings stay possible: unknown, and logged.
    rows["rejected_complaint"] = "0000000"
    rows["new"] = rows["handled_total"] = "110000011"
    result = import_report(run_together(tmp_path, rows, reviews="000000000000000"))
    assert result.cells[("applications", "granted", "natural_person")] is None
    assert result.cells[("applications", "granted", "total")] == 11
    assert any(e.kind == "ambiguous" and "予以公开" in e.message for e in result.log)


def test_split_search_lists_every_reading() -> None:
    def num(text: str) -> Token:
        return Token("num", text, 1)

    c1 = [LocalSum(tuple(range(6)), 6)]
    assert candidates([num("713000074")], [False] * 7, c1) == ([(71, 3, 0, 0, 0, 0, 74)], True)
    readings, _ = candidates([num("1200")], [False] * 3, [])
    assert sorted(readings) == [(1, 20, 0), (12, 0, 0)]
    # Spaces that are printed are kept: "71 3" cannot become 7|13.
    readings, _ = candidates([num("71"), num("3000074")], [False] * 7, c1)
    assert readings == [(71, 3, 0, 0, 0, 0, 74)]
    assert candidates([num("11111111")], [False] * 7, c1) == ([], True)


@needs_reference
def test_a_long_run_together_row_is_bounded(tmp_path: Path) -> None:
    # Thirty digits with no zero: the search gives up instead of taking forever...
    source = [Token("num", "1234567891" * 3, 1)]
    with pytest.raises(TooManySplits):
        candidates(source, [False] * 7, [LocalSum(tuple(range(6)), 6)], budget=2_000)
    # ... and the importer leaves that row unknown, with a log entry, instead of failing.
    path = run_together(tmp_path, {"granted": "1234567891" * 3}, reviews="0" * 15)
    result = import_report(path)
    assert result.cells[("applications", "granted", "natural_person")] is None
    assert any(e.kind == "unread" and "可能的拆分过多" in e.message for e in result.log)


@needs_reference
def test_init_from_last_years_workspace(tmp_path: Path) -> None:
    last = tmp_path / "2023"
    code, _, _ = run("import", REFERENCE, "-o", last)
    data = yaml.safe_load((last / "report.yaml").read_text(encoding="utf-8"))
    data["tables"]["applications"]["carried_forward"] = {
        "natural_person": 3, "business": 1, "research": 0, "public_interest": 0,
        "legal_service": 0, "other": 0, "total": 4,
    }  # fmt: skip
    data["tables"]["applications"]["new"]["natural_person"] = 13
    data["tables"]["applications"]["new"]["business"] = 1
    data["tables"]["applications"]["new"]["total"] = 14
    data["tables"]["applications"]["handled_total"]["natural_person"] = 10
    data["tables"]["applications"]["handled_total"]["total"] = 10
    data["tables"]["applications"]["unavailable_not_held"] = {"natural_person": 9, "total": 9}
    data["tables"]["proactive"]["normative_documents"]["in_force"] = 12
    (last / "report.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")

    this = tmp_path / "2024"
    code, out, err = run("init", this, "--from", last)
    assert code == 0, err
    report = load_report(open_workspace(this))
    assert (report.meta.agency, report.meta.year, report.meta.level) == (
        "东丽区应急管理局",
        2024,
        "department",
    )
    carried = {
        c: report.figures.values[("applications", "carried_over", c)]
        for c in ("natural_person", "business", "research", "total")
    }
    assert carried == {"natural_person": 3, "business": 1, "research": 0, "total": 4}
    assert report.figures.values[("proactive", "normative_documents", "in_force")] == 12
    problems = report.answers["problems"]["last_year"]
    assert [p["problem"] for p in problems] == [
        "信息公开的深度和广度不够",
        "政府信息公开的时效性有待加强",
        "对政策缺乏深度解读意识",
    ]
    assert (this / "previous" / "report.yaml").is_file()
    assert (this / "previous" / "imported.yaml").is_file()  # for the 「与上年相同」 check

    # check uses previous/ on its own: H1 fires when 上年结转 is changed by hand.
    text = (this / "report.yaml").read_text(encoding="utf-8")
    (this / "report.yaml").write_text(
        text.replace("natural_person: 3,", "natural_person: 2,", 1), encoding="utf-8"
    )
    code, out, _ = run("check", this)
    assert "H1" in out and "自然人列" in out and "previous" in out
    assert "H2" not in out  # the 现行有效 baseline was carried over
    data = yaml.safe_load((this / "report.yaml").read_text(encoding="utf-8"))
    data["tables"]["proactive"]["normative_documents"]["issued"] = 2
    (this / "report.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    code, out, _ = run("check", this)
    assert "H2" in out and "上年现行有效12＋本年制发2" in out


@needs_reference
def test_init_from_a_published_file_and_check_previous_file(tmp_path: Path) -> None:
    this = tmp_path / "2024"
    code, _, err = run("init", this, "--from", REFERENCE)
    assert code == 0, err
    report = load_report(open_workspace(this))
    assert report.meta.year == 2024
    assert report.answers["problems"]["last_year"][0] == {"problem": "信息公开的深度和广度不够"}
    assert (this / "previous" / "import-log.yaml").is_file()
    data = yaml.safe_load((this / "report.yaml").read_text(encoding="utf-8"))
    data["tables"]["applications"]["carried_over"]["natural_person"] = 5
    (this / "report.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    other = tmp_path / "elsewhere"
    other.mkdir()
    (other / "report.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    code, out, _ = run("check", other, "--previous", REFERENCE)
    assert "H1" in out and "上年报告“四、结转下年度继续办理”为0" in out


@needs_reference
def test_init_needs_agency_and_year_or_from(tmp_path: Path) -> None:
    code, _, err = run("init", tmp_path / "x")
    assert code == 2 and "--from" in err
    code, _, err = run("init", tmp_path / "x", "--from", REFERENCE, "--year", "2024")
    assert code == 2 and "不能再给" in err


def test_unusable_sources_give_a_message_not_a_traceback(tmp_path: Path) -> None:
    code, _, err = run("import", tmp_path / "missing.txt")
    assert code == 2 and "找不到要导入的文件" in err
    untitled = tmp_path / "untitled.txt"
    untitled.write_text("一、总体情况\n无\n", encoding="utf-8")
    code, _, err = run("import", untitled, "--check")
    assert code == 2 and "--year" in err
    code, out, _ = run("import", untitled, "--check", "--year", "2023", "--agency", "某某局")
    assert "未找到表二" in out
    old = tmp_path / "old.doc"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    code, _, err = run("import", old)
    assert code == 2 and ".docx" in err


@needs_reference
def test_fees_decimal_is_read_as_decimal(tmp_path: Path) -> None:
    lines = reference_lines()
    fees = lines.index("行政事业性收费 |") + 1
    lines[fees] = "1.25 |"
    cells = import_lines(tmp_path / "fees.txt", lines).cells
    assert cells[("proactive", "fees", "amount")] == Decimal("1.25")


@needs_reference
def test_figures_with_thousands_separators(tmp_path: Path) -> None:
    lines = reference_lines()
    penalty = lines.index("行政处罚 |") + 1
    lines[penalty] = "1,260 | ||"
    cells = import_lines(tmp_path / "big.txt", lines).cells
    assert cells[("proactive", "penalty", "decisions")] == 1260


@needs_reference
def test_pages_saved_as_gbk_or_utf16_are_read(tmp_path: Path) -> None:
    expected = import_report(REFERENCE).cells
    text = REFERENCE.read_text(encoding="utf-8").replace("©", "")  # GBK has no ©
    for encoding in ("gb18030", "utf-16"):
        source = tmp_path / f"{encoding}.txt"
        source.write_bytes(text.encode(encoding))
        assert import_report(source).cells == expected, encoding
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    code, _, err = run("import", binary)
    assert code == 2 and "不是文本文件" in err


@needs_reference
def test_a_note_under_a_table_is_not_read_as_figures(tmp_path: Path) -> None:
    lines = reference_lines()
    heading = lines.index("五、存在的主要问题及改进情况")
    lines.insert(heading, "注：表中数据统计时间为2023年1月1日至12月31日。")
    result = import_lines(tmp_path / "noted.txt", lines)
    assert result.cells == import_report(REFERENCE).cells
    assert result.log == []


@needs_reference
def test_a_heading_run_into_its_first_paragraph(tmp_path: Path) -> None:
    lines = reference_lines()
    first = lines.index("一、总体情况")
    lines[first : first + 2] = ["一、总体情况" + lines[first + 1]]
    last = lines.index("六、其他需要报告的事项")
    lines[last : last + 2] = ["六、其他需要报告的事项：无"]
    narrative = import_lines(tmp_path / "joined.txt", lines).narrative
    assert narrative == import_report(REFERENCE).narrative


def test_label_data_covers_the_format() -> None:
    from report_writer.formats.spec import load_format
    from report_writer.importer.sections import labels

    data = labels()
    fmt = load_format("gov2021")
    for table in ("proactive", "applications"):
        anchored = {e["row"] for e in data["rows"][table]}
        assert {r.key for r in fmt.tables[table].rows} <= anchored, table
    legacy_paths = {x.path for x in fmt.legacy}
    for table, rows in data["legacy2019"].items():
        if table.endswith("markers"):
            continue
        for row, entry in rows.items():
            if "legacy" in entry:
                assert f"{table}.{entry['legacy']}" in legacy_paths, row  # H6 knows the key
            if "printed" in entry:
                assert len(entry["printed"].split("、")) == len(entry["columns"]), row


@needs_reference
def test_a_row_a_line_between_pipes(tmp_path: Path) -> None:
    # The same page scraped a row a line: "一、本年新收政府信息公开申请数量 | 9 | 0 | … | 9 |".
    lines = reference_lines()
    reviews = lines.index("四、政府信息公开行政复议、行政诉讼情况")
    merged: list[str] = []
    for n, line in enumerate(lines):
        cell = line.split("|", 1)[0].strip()
        is_value = "|" in line and cell.isdigit()
        if is_value and (n < reviews or merged[-1][:1].isdigit()) and merged[-1].endswith("|"):
            merged[-1] += f" {cell} |"
        else:
            merged.append(line)
    assert "规章 | 0 | 0 | 0 |" in merged
    assert "0 | 0 | 0 | 1 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |" in merged
    source = tmp_path / "rows.txt"
    source.write_text("\n".join(merged), encoding="utf-8")
    result = import_report(source)
    assert result.layout == "cells"
    assert result.cells == import_report(REFERENCE).cells
    assert result.log == []
