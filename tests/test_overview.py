"""`report-writer overview`: one offline HTML page (parsed with lxml) or a spreadsheet (read back
with openpyxl) of many workspaces: a row per unit, findings one click away, inline SVG charts."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from lxml import html as lxml_html

from cli_runner import run
from conftest import EXAMPLE, REFERENCE, needs_reference

SVG = "{http://www.w3.org/2000/svg}"


def unit(agency: str, new: int) -> dict[str, Any]:
    """The example's report under another agency, 新收 `new` applications (all 予以公开), clean."""
    data: dict[str, Any] = yaml.safe_load((EXAMPLE / "report.yaml").read_text(encoding="utf-8"))
    data["meta"]["agency"] = agency
    zero = dict.fromkeys(data["tables"]["applications"]["new"], 0)
    for row in data["tables"]["applications"]:
        data["tables"]["applications"][row] = dict(zero)
    for row in ("new", "granted", "handled_total"):
        data["tables"]["applications"][row] = {**zero, "natural_person": new, "total": new}
    data["tables"]["reviews"]["review"]["total"] = 1
    return data


@pytest.fixture
def office(tmp_path: Path, write_ws: Callable[..., Path]) -> Path:
    """全区2023/: the example (a C4 error, no draft), a unit with last year's report in previous/
    and a draft edited by hand, a unit whose draft holds conflict markers, and a folder whose
    report.yaml is broken."""
    root = tmp_path / "全区2023"
    shutil.copytree(EXAMPLE, root / "a-emergency")
    edited = write_ws(unit("东丽区民政局", 12), name="全区2023/b-civil")
    write_ws(
        {
            **unit("东丽区民政局", 7),
            "meta": {**unit("x", 0)["meta"], "agency": "东丽区民政局", "year": 2022},
        },
        name="全区2023/b-civil/previous",
    )
    assert run("build", edited)[0] == 0
    draft = edited / "draft.md"
    draft.write_text(
        draft.read_text(encoding="utf-8").replace(
            "## 一、总体情况\n", "## 一、总体情况\n\n审阅人加的一段话。\n", 1
        ),
        encoding="utf-8",
    )
    conflicted = write_ws(unit("东丽区教育局", 3), name="全区2023/c-education")
    assert run("build", conflicted)[0] == 0
    draft = conflicted / "draft.md"
    draft.write_text(
        draft.read_text(encoding="utf-8").replace(
            "## 五、存在的主要问题及改进情况\n",
            "## 五、存在的主要问题及改进情况\n\n<<<<<<< 审阅人修改的文字\n甲。\n=======\n乙。\n"
            ">>>>>>> 重新生成的文字\n",
            1,
        ),
        encoding="utf-8",
    )
    write_ws("meta: {agency: 坏单位, year: 2023\n", name="全区2023/d-broken")
    return root


def page(path: Path) -> Any:
    return lxml_html.fromstring(path.read_bytes())


def test_html_has_a_row_per_unit_findings_and_charts(office: Path, tmp_path: Path) -> None:
    target = tmp_path / "总览.html"
    code, out, err = run("overview", office, "--to", target)
    assert code == 0, err
    assert "4 个工作区，其中 2 个有错误或无法读取" in out
    doc = page(target)
    assert doc.findtext(".//title") == "全区2023 · 政府信息公开工作年度报告总览"
    rows = doc.xpath("//table[@id='units']/tbody/tr")
    assert [r.get("data-unit") for r in rows] == [
        "a-emergency",
        "b-civil",
        "c-education",
        "d-broken",
    ]
    cells = {r.get("data-unit"): [c.text_content().strip() for c in r.xpath("td")] for r in rows}
    heads = [th.text_content().strip() for th in doc.xpath("//table[@id='units']/thead/tr/th")]
    column = {h: i for i, h in enumerate(heads)}
    assert cells["a-emergency"][column["机关"]] == "东丽区应急管理局"
    assert cells["b-civil"][column["新收申请"]] == "12"
    assert cells["b-civil"][column["上年新收"]] == "7"
    assert cells["a-emergency"][column["上年新收"]] == "—"
    assert cells["b-civil"][column["草稿"]] == "人工修改：一"
    assert cells["c-education"][column["草稿"]] == "有冲突未解决"
    assert cells["a-emergency"][column["草稿"]] == "无草稿"
    assert cells["d-broken"][column["机关"]] == "无法读取"
    assert cells["a-emergency"][column["错误"]] == "1"
    # the error count is a link to the unit's findings, which name the check
    link = rows[0].xpath("td")[column["错误"]].xpath(".//a/@href")[0]
    details = doc.get_element_by_id(link.lstrip("#"))
    assert details.tag == "details" and "C4" in details.text_content()
    broken = doc.get_element_by_id(rows[3].xpath(".//a/@href")[0].lstrip("#"))
    assert "YAML" in broken.text_content()
    assert "冲突标记" in doc.get_element_by_id("u3").text_content()
    total = [c.text_content().strip() for c in doc.xpath("//tfoot/tr/td")]
    assert total[column["新收申请"]] == str(9 + 12 + 3)
    # three charts, inline SVG whose labels are text: the units, the outcomes, this year and last
    svgs = doc.xpath("//figure/*[local-name()='svg']")
    assert len(svgs) == 3
    texts = ["".join(t.itertext()) for svg in svgs for t in svg.iter(f"{SVG}text", "text")]
    assert "东丽区民政局" in texts and "予以公开" in texts and "上年" in texts
    # self-contained: no file or address is fetched
    assert not doc.xpath("//link | //script[@src] | //img | //*[@href][starts-with(@href, 'http')]")


def test_xlsx_holds_the_same_figures(office: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    target = tmp_path / "总览.xlsx"
    code, _, err = run("overview", office, "--to", target)
    assert code == 0, err
    book = load_workbook(target)
    assert book.sheetnames == ["单位", "办理结果", "核对结果"]
    units = list(book["单位"].iter_rows(values_only=True))
    header = units[0]
    assert header[:5] == ("工作区", "机关", "类型", "年度", "来源")
    by_folder = {r[0]: dict(zip(header, r, strict=True)) for r in units[1:]}
    assert by_folder["b-civil"]["新收申请"] == 12 and by_folder["b-civil"]["上年新收"] == 7
    assert by_folder["a-emergency"]["错误"] == 1
    assert by_folder["d-broken"]["机关"] == "（无法读取）"
    assert by_folder["合计"]["新收申请"] == 24
    outcomes = list(book["办理结果"].iter_rows(values_only=True))
    assert outcomes[0][2:] == (
        "予以公开",
        "部分公开",
        "不予公开",
        "无法提供",
        "不予处理",
        "其他处理",
    )
    assert ("b-civil", "东丽区民政局", 12, 0, 0, 0, 0, 0) in outcomes
    issues = list(book["核对结果"].iter_rows(values_only=True))
    assert any(r[0] == "a-emergency" and r[3] == "C4" for r in issues)
    assert any(r[0] == "d-broken" and r[2] == "无法读取" for r in issues)


@needs_reference
def test_an_imported_report_is_a_unit_too(tmp_path: Path) -> None:
    office = tmp_path / "office"
    code, _, err = run("import", REFERENCE, "-o", office / "imported")
    assert code == 0, err
    target = tmp_path / "总览.html"
    assert run("overview", office, "--to", target)[0] == 0
    (row,) = page(target).xpath("//table[@id='units']/tbody/tr")
    assert "导入" in [c.text_content().strip() for c in row.xpath("td")]


def test_an_unknown_output_is_refused_before_reading(office: Path, tmp_path: Path) -> None:
    code, _, err = run("overview", office, "--to", tmp_path / "总览.pdf")
    assert code == 2
    assert "总览只能写成网页（.html）或电子表格（.xlsx）" in err
    assert not (tmp_path / "总览.pdf").exists()


def test_other_commands_do_not_import_matplotlib() -> None:
    script = (
        "import sys\n"
        "from report_writer.cli import main\n"
        f"sys.argv = ['report-writer', 'check', {str(EXAMPLE)!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('matplotlib' in sys.modules, 'openpyxl' in sys.modules)\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert proc.stdout.strip().splitlines()[-1] == "False False"


@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium is not installed")
def test_the_table_sorts_in_a_browser(office: Path, tmp_path: Path) -> None:
    """Headless chromium clicks 新收申请 twice (descending), then 上年新收 (ascending: units
    without last year's report last); the page's title reports the orders it sees."""
    target = tmp_path / "总览.html"
    assert run("overview", office, "--to", target)[0] == 0
    probe = """<script>
    var ths = document.querySelectorAll('#units thead th');
    function column(name) {
      return [].findIndex.call(ths, function (t) { return t.textContent.trim() === name; });
    }
    function values(i) {
      return [].map.call(document.querySelectorAll('#units tbody tr'), function (r) {
        return r.cells[i].textContent.trim();
      }).join(',');
    }
    var n = column('新收申请'), p = column('上年新收');
    ths[n].click(); ths[n].click();
    var first = values(n) + '|' + ths[n].getAttribute('aria-sort');
    ths[p].click();
    document.title = first + '|' + values(p);
    </script></body>"""
    probed = tmp_path / "probe.html"
    probed.write_text(target.read_text(encoding="utf-8").replace("</body>", probe), "utf-8")
    proc = subprocess.run(
        [
            "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--dump-dom",
            probed.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    title = lxml_html.fromstring(proc.stdout).findtext(".//title")
    # the broken unit has no figures: last either way
    assert title == "12,9,3,|descending|7,—,—,"


def test_a_folder_without_workspaces_is_refused(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    for command in (
        ["overview", "--to", tmp_path / "总览.html"],
        ["aggregate", "-o", tmp_path / "g"],
    ):
        for folder, words in ((tmp_path / "empty", "中没有工作区"), (tmp_path / "none", "找不到")):
            code, _, err = run(command[0], folder, *command[1:])
            assert code == 2 and words in err, (command, folder)
    assert not (tmp_path / "总览.html").exists() and not (tmp_path / "g").exists()
