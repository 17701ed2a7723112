"""`phrasebank harvest`: sentences of a published report as draft phrases, figures as
placeholders; and reports in the 2019 trial format, whose labels are mapped and logged (H6)."""

from __future__ import annotations

from pathlib import Path

import yaml
from typer.testing import CliRunner

from conftest import REFERENCE, needs_reference
from report_writer.check import check_report
from report_writer.chinese import full_width
from report_writer.cli import app
from report_writer.importer import import_report
from report_writer.model import parse_report
from report_writer.phrasebank import load_phrasebank

runner = CliRunner()


def run(*args: str | Path) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def harvested(tmp_path: Path) -> list[dict[str, object]]:
    team = tmp_path / "team"
    code, out, err = run("phrasebank", "harvest", REFERENCE, "--to", team)
    assert code == 0, err
    assert "草稿" in out
    (path,) = team.glob("harvest-2023-*.yaml")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    phrases: list[dict[str, object]] = data["phrases"]
    return phrases


@needs_reference
def test_harvest_writes_draft_phrases_with_placeholders(tmp_path: Path) -> None:
    phrases = harvested(tmp_path)
    assert len(phrases) > 10
    assert all(p["draft"] is True for p in phrases)
    texts = {str(p["text"]): p for p in phrases}
    counts = "{{ meta.year }}年，{{ meta.we }}共受理依申请公开{{ tables.applications.new.total }}件，按时答复率100%。"
    assert counts in texts
    assert texts[counts]["slot"] in ("requests.counts", "requests.timeliness")
    assert "100%" in str(texts[counts]["note"])  # the figure with no cell behind it is named
    # 行政处罚信息20件 is not the table's 60: left as printed, and said so.
    published = next(t for t in texts if "行政处罚信息20件" in t)
    assert "20件" in str(texts[published]["note"])
    # Section 五: the lead and each listed problem, slotted by its words.
    slots = {str(p["text"]): p["slot"] for p in phrases}
    assert slots["信息公开的深度和广度不够"] == "problems.depth"
    assert slots["政府信息公开的时效性有待加强"] == "problems.timeliness"
    assert slots["对政策缺乏深度解读意识"] == "problems.interpretation"
    assert any(s == "measures.intro" for s in slots.values())


@needs_reference
def test_harvested_phrases_pass_lint_and_are_never_selected(tmp_path: Path) -> None:
    harvested(tmp_path)
    team = tmp_path / "team"
    code, out, _ = run("phrasebank", "lint", team)
    assert code == 0, out
    bank = load_phrasebank([team])
    drafts = [p for p in bank.phrases.values() if p.id.startswith("harvest.")]
    assert drafts and all(p.draft for p in drafts)
    code, _, err = run("phrasebank", "harvest", REFERENCE, "--to", team)
    assert code == 2 and "已存在" in err  # harvested once


@needs_reference
def test_harvest_from_an_imported_workspace(tmp_path: Path) -> None:
    run("import", REFERENCE, "-o", tmp_path / "ws")
    code, out, _ = run("phrasebank", "harvest", tmp_path / "ws", "--to", tmp_path / "team")
    assert code == 0 and "已采集" in out
    empty = tmp_path / "empty"
    run("init", empty, "--agency", "某某局", "--year", "2024")
    code, _, err = run("phrasebank", "harvest", empty, "--to", tmp_path / "team2")
    assert code == 2 and "imported.yaml" in err


def test_full_width_punctuation_for_scraped_text() -> None:
    assert (
        full_width('按照"一把手"原则,由办公室(牵头)负责:')
        == "按照“一把手”原则，由办公室（牵头）负责："
    )


REPORT_2019 = """某某县交通运输局2019年政府信息公开工作年度报告
一、总体情况
2019年，我局认真贯彻落实《条例》。
二、主动公开政府信息情况
第二十条第（一）项
信息内容 本年新制作数量 本年新公开数量 对外公开总数量
规章 0 0 0
规范性文件 2 2 15
第二十条第（五）项
信息内容 上一年项目数量 本年增/减 处理决定数量
行政许可 12 0 340
其他对外管理服务事项 3 1 7
第二十条第（六）项
信息内容 上一年项目数量 本年增/减 处理决定数量
行政处罚 20 -2 55
行政强制 1 0 4
第二十条第（八）项
信息内容 上一年项目数量 本年增/减
行政事业性收费 2 0
第二十条第（九）项
信息内容 采购项目数量 采购总金额
政府集中采购 5 120.5
三、收到和处理政府信息公开申请情况
一、本年新收政府信息公开申请数量 6 0 0 0 0 0 6
二、上年结转政府信息公开申请数量 0 0 0 0 0 0 0
三、本年度办理结果
（一）予以公开 3 0 0 0 0 0 3
（二）部分公开（区分处理的，只计这一情形，不计其他情形） 0 0 0 0 0 0 0
（三）不予公开 1.属于国家秘密 0 0 0 0 0 0 0
2.其他法律行政法规禁止公开 0 0 0 0 0 0 0
3.危及“三安全一稳定” 0 0 0 0 0 0 0
4.保护第三方合法权益 0 0 0 0 0 0 0
5.属于三类内部事务信息 0 0 0 0 0 0 0
6.属于四类过程性信息 0 0 0 0 0 0 0
7.属于行政执法案卷 0 0 0 0 0 0 0
8.属于行政查询事项 0 0 0 0 0 0 0
（四）无法提供 1.本机关不掌握相关政府信息 1 0 0 0 0 0 1
2.没有现成信息需要另行制作 0 0 0 0 0 0 0
3.补正后申请内容仍不明确 0 0 0 0 0 0 0
（五）不予处理 1.信访举报投诉类申请 0 0 0 0 0 0 0
2.重复申请 0 0 0 0 0 0 0
3.要求提供公开出版物 0 0 0 0 0 0 0
4.无正当理由大量反复申请 0 0 0 0 0 0 0
5.要求行政机关确认或重新出具已获取信息 0 0 0 0 0 0 0
（六）其他处理 2 0 0 0 0 0 2
（七）总计 6 0 0 0 0 0 6
四、结转下年度继续办理 0 0 0 0 0 0 0
四、政府信息公开行政复议、行政诉讼情况
0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
五、存在的主要问题及改进情况
无。
六、其他需要报告的事项
无。
"""


def test_a_2019_format_report_is_mapped_and_logged(tmp_path: Path) -> None:
    source = tmp_path / "2019.txt"
    source.write_text(REPORT_2019, encoding="utf-8")
    result = import_report(source)
    cells = result.cells
    assert cells[("proactive", "normative_documents", "issued")] == 2
    assert cells[("proactive", "normative_documents", "in_force")] == 15
    assert cells[("proactive", "normative_documents", "repealed")] is None  # not in 2019
    assert cells[("proactive", "licensing", "decisions")] == 340
    assert cells[("proactive", "penalty", "decisions")] == 55
    assert cells[("proactive", "fees", "amount")] is None
    assert (
        result.legacy["proactive.procurement"] == {"items": 5, "amount": 120.5}
        or result.legacy["proactive.procurement"]["items"] == 5
    )
    assert result.legacy["applications.other_handling"]["total"] == 2
    # its figures are written as 3.其他, the two rows the 2019 format lacks as 0
    assert cells[("applications", "other_other", "total")] == 2
    for row in ("other_no_correction", "other_unpaid_fee"):
        assert cells[("applications", row, "total")] == 0
    assert cells[("applications", "handled_total", "total")] == 6
    mapped = [e for e in result.log if e.code == "H6"]
    assert {e.cell for e in mapped} >= {
        "proactive.procurement",
        "proactive.other_regulatory",
        "proactive.administrative_fees",
        "applications.other_handling",
    }
    assert not [e for e in result.log if e.kind == "missing"]
    findings = check_report(parse_report(result.report_data())).findings
    assert {"H6"} <= {f.code for f in findings}
    assert not [f for f in findings if f.severity == "error"]
