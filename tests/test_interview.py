"""The interview loop in-process: a scripted officer stands in for the terminal (the injectable
`ask`), and prompt_toolkit itself is driven through a pipe for in-place validation and Tab."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from conftest import EXAMPLE
from interview_script import DONGLI
from report_writer.answers import load_schema
from report_writer.cli import app
from report_writer.commands import interview_and_build
from report_writer.interview.phrases import PICK_PROMPT
from report_writer.interview.prompt import Interrupted, Prompt
from report_writer.interview.questions import load_questions
from report_writer.workspace import load_report, open_workspace


class Officer:
    """Answers prompts from a script of (a piece of the question, what is typed, or an exception
    to raise: Ctrl-C in the middle of a multi-line answer). Suggestion
    prompts take Enter unless `picks` says otherwise; Ctrl-C is pressed at the first prompt
    after `interrupt_after` was typed. Everything said and asked is kept in `screen`."""

    def __init__(self, script: list[tuple[str, Any]], picks: list[str] | None = None) -> None:
        self.script = list(script)
        self.picks = list(picks or [])
        self.screen: list[str] = []
        self.prompts: list[Prompt] = []
        self.interrupt_after: str | None = None

    def ask(self, prompt: Prompt) -> str:
        self.prompts.append(prompt)
        self.screen.append(f"{prompt.text} [{prompt.default}]")
        if PICK_PROMPT in prompt.text:
            return self.picks.pop(0) if self.picks else ""
        if self.interrupt_after is not None and self.interrupt_after in self.screen:
            raise KeyboardInterrupt
        assert self.script, f"the script ended, but the interview asks: {prompt.text}"
        piece, answer = self.script.pop(0)
        assert piece in prompt.text, f"expected a question about “{piece}”, got: {prompt.text}"
        if isinstance(answer, BaseException):  # Ctrl-C while typing (Interrupted keeps the text)
            raise answer
        self.screen.append(answer)
        return str(answer)

    def say(self, text: str) -> None:
        self.screen.append(text)

    @property
    def text(self) -> str:
        return "\n".join(self.screen)


def leaf_figures(path: Path) -> dict[tuple[str, str, str], Any]:
    report = load_report(open_workspace(path))
    fmt = report.fmt
    return {
        key: value
        for key, value in report.figures.values.items()
        if not fmt.tables[key[0]].is_derived(
            fmt.tables[key[0]].row(key[1]), fmt.tables[key[0]].column(key[2])
        )
    }


def interview(path: Path, officer: Officer, **options: Any) -> Any:
    return interview_and_build(path, officer.ask, officer.say, **options)


def test_every_question_names_the_one_schema() -> None:
    questions = load_questions("gov2021")
    # answers.units are the sums `aggregate` writes for a government: never asked
    schema = {f.key for f in load_schema().fields if not f.key.startswith("units.")}
    asked = {q.key for q in questions if q.kind == "answer"}
    # every answer is asked, and nothing outside the schema; last year's figures are written by
    # `init --from` from last year's report, never asked
    written = {f.key for f in load_schema().fields if f.key.startswith("previous.")}
    assert asked == schema - written and written
    from report_writer.narrative import plan

    slots = plan().slots
    assert all(q.slot in slots for q in questions if q.kind == "phrase")
    cells = {c for q in questions for c in q.cells}
    apps = load_report(open_workspace(EXAMPLE)).fmt.tables["applications"]
    for row in ("new", "carried_over", "carried_forward"):
        for col in apps.columns:
            assert (("applications", row, col.key) in cells) != col.derived


def test_dongli_from_scratch(tmp_path: Path) -> None:
    officer = Officer(DONGLI)
    ws = tmp_path / "dongli"
    result = interview(ws, officer)
    assert result.status == "finished", officer.text
    assert not officer.script
    assert leaf_figures(ws) == leaf_figures(EXAMPLE)
    example = load_report(open_workspace(EXAMPLE)).answers
    answers = load_report(open_workspace(ws)).answers
    example["fees"] = {"notices": 0}  # amounts are asked only when a notice was sent
    assert answers == example
    screen = officer.text
    assert "已记录 4 类，共 52 条。" in screen
    assert "已记录 2 个渠道，共 474 条。" in screen
    assert "还有 9 件申请未归入办理结果（新收9＋上年结转0＝9，已归类0）。" in screen
    assert "还有 1 件申请未归入办理结果（新收9＋上年结转0＝9，已归类8）。" in screen
    assert "✓ 办理结果与申请数一致。" in screen
    assert "行政复议 0 0 0 1（总计1件）" in screen  # 表四 total derived, not asked
    draft = (ws / "draft.md").read_text(encoding="utf-8")
    assert "东丽区应急管理局2023年政府信息公开工作年度报告" in draft
    assert "474" in draft  # 366 + 108 posts, from the channel records
    assert [p.name for p in result.paths] == ["draft.md", "draft.html", "draft.docx"]
    text = (ws / "report.yaml").read_text(encoding="utf-8")
    assert "# 表三 三、收到和处理政府信息公开申请情况" in text  # comments survive every save
    assert "\n\n\ntables:" not in text and "\n\ntables:" in text


def test_ctrl_c_keeps_every_answer_and_resumes_there(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    items = next(i for i, (piece, _) in enumerate(DONGLI) if piece == "主动公开了哪些信息")
    # Ctrl-C while the second line is being typed: the first line is kept
    typing = Interrupted("行政处罚信息 20\n年度部门决算")
    first = Officer([*DONGLI[:items], ("主动公开了哪些信息", typing)])
    assert interview(ws, first).status == "interrupted"
    report = load_report(open_workspace(ws))
    assert report.answers["leadership"] == {"lead": "分管领导", "office": "办公室", "staff": 1}
    assert report.answers["proactive"]["items"] == [{"kind": "行政处罚信息", "count": 20}]
    second = Officer(DONGLI[items:])
    assert interview(ws, second).status == "finished", second.text
    assert "上次已填写并保存的几行已放在下面，请接着填写。" in second.text
    assert second.prompts[0].prefill == "行政处罚信息 20\n"  # in the answer, ready to go on
    assert leaf_figures(ws) == leaf_figures(EXAMPLE)
    example = load_report(open_workspace(EXAMPLE)).answers["proactive"]["items"]
    assert load_report(open_workspace(ws)).answers["proactive"]["items"] == example


def test_a_list_is_one_answer_and_back_returns_to_the_question_before(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    start = DONGLI.index(("重点举措", ""))
    script = [
        *DONGLI[:start],
        ("重点举措", "/back"),
        ("主责主业", ""),  # Enter keeps the answer
        ("重点举措", "推进执法信息公开\n\n完善依申请公开流程"),  # blank lines are passed over
        ("组织领导方面", "/quit"),
    ]
    officer = Officer(script)
    assert interview(ws, officer).status == "quit"
    assert all(p.multiline for p in officer.prompts if "重点举措" in p.text)
    highlights = load_report(open_workspace(ws)).answers["overview"]["highlights"]
    assert highlights == ["推进执法信息公开", "完善依申请公开流程"]
    assert "已记录 2 项。" in officer.text


def test_a_refused_line_names_its_number(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    items = next(i for i, (piece, _) in enumerate(DONGLI) if piece == "主动公开了哪些信息")
    script = [
        *DONGLI[:items],
        ("主动公开了哪些信息", "行政处罚信息 20\n重大民生信息 许多"),
        ("主动公开了哪些信息", "行政处罚信息 20\n突发环境事件应急信息 ３条"),
        ("依申请公开的办理情况", "/quit"),
    ]
    officer = Officer(script)
    interview(ws, officer)
    assert "第2行：" in officer.text
    items_saved = load_report(open_workspace(ws)).answers["proactive"]["items"]
    assert items_saved[1] == {"kind": "突发环境事件应急信息", "count": 3}  # unit, full-width


def test_back_in_a_first_list_keeps_its_lines_over_last_years(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    result = CliRunner().invoke(
        app, ["init", str(ws), "--agency", "东丽区应急管理局", "--year", "2024"]
    )
    assert result.exit_code == 0, result.output
    shutil.copytree(EXAMPLE, ws / "previous", ignore=shutil.ignore_patterns(".report-writer*"))
    steps = iter(["行政处罚信息 5", "/back", "/quit"])

    class FirstTime(Officer):
        started = False

        def ask(self, prompt: Prompt) -> str:
            self.prompts.append(prompt)
            self.screen.append(prompt.text)
            self.started = self.started or "主动公开了哪些信息" in prompt.text
            return next(steps) if self.started else ""  # Enter takes last year's answers

    officer = FirstTime([])
    interview(ws, officer)
    assert "未保存" not in officer.text  # last year's list is a default, not this year's answer
    items = load_report(open_workspace(ws)).answers["proactive"]["items"]
    assert items == [{"kind": "行政处罚信息", "count": 5}]


def test_last_years_problems_are_one_answer_written_problem_colon_progress(
    example_ws: Path,
) -> None:
    path = example_ws / "report.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    before = [
        {"problem": "公开不够及时", "progress": "已按月更新"},
        {"problem": "解读不够", "progress": "已增加图解"},
    ]
    data["answers"]["problems"]["last_year"] = before
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    script = [
        ("主要问题", ""),
        ("其他问题", ""),
        ("改进措施", ""),
        ("整改得怎样", ""),  # Enter keeps them
        ("", "/quit"),
    ]
    officer = Officer(script)
    interview(example_ws, officer, revisit="五")
    assert "现有：公开不够及时：已按月更新；解读不够：已增加图解。直接回车保留" in officer.text
    assert load_report(open_workspace(example_ws)).answers["problems"]["last_year"] == before
    officer = Officer(
        [
            *script[:3],
            ("整改得怎样", "公开不够及时\n解读不够：已整改"),
            ("整改得怎样", "公开不够及时：已整改"),
            ("", "/quit"),
        ]
    )
    interview(example_ws, officer, revisit="五")
    assert "第1行：请在“：”后写整改情况" in officer.text
    done = load_report(open_workspace(example_ws)).answers["problems"]["last_year"]
    assert done == [{"problem": "公开不够及时", "progress": "已整改"}]


def test_ctrl_c_in_a_list_keeps_its_lines(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    start = next(i for i, (piece, _) in enumerate(DONGLI) if piece == "政务新媒体")
    typing = Interrupted("微信公众号 366\n今日头条 108\n")
    officer = Officer([*DONGLI[:start], ("政务新媒体", typing)])
    assert interview(ws, officer).status == "interrupted"
    channels = load_report(open_workspace(ws)).answers["platforms"]["channels"]
    assert channels == [{"name": "微信公众号", "count": 366}, {"name": "今日头条", "count": 108}]
    progress = yaml.safe_load((ws / ".interview.yaml").read_text(encoding="utf-8"))
    assert progress["partial"] == ["platforms.channels"]

    class Enter(Officer):  # the saved lines stand in the answer: Enter takes them
        def ask(self, prompt: Prompt) -> str:
            if "政务新媒体" in prompt.text:
                self.prompts.append(prompt)
                return prompt.prefill
            return super().ask(prompt)

    officer = Enter([("监督保障方面", "/quit")])
    interview(ws, officer)
    assert "已记录 2 个渠道，共 474 条。" in officer.text
    assert "partial" not in yaml.safe_load((ws / ".interview.yaml").read_text(encoding="utf-8"))


def test_back_skip_and_quit(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    script = [
        *DONGLI[:4],
        ("重点举措", "/back"),
        ("主责主业", "应急管理"),
        ("重点举措", "/skip"),
        ("组织领导方面", "/status"),
        ("组织领导方面", "/help"),
        ("组织领导方面", "/nonsense"),
        ("组织领导方面", "/quit"),
    ]
    officer = Officer(script)
    assert interview(ws, officer).status == "quit"
    report = load_report(open_workspace(ws))
    assert report.answers["overview"] == {"focus": "应急管理"}
    screen = officer.text
    assert "已跳过。" in screen
    assert "第一部分 总体情况：还有" in screen  # /status
    assert "/preview" in screen and "直接回车采用方括号中的默认值" in screen  # /help
    assert "没有“/nonsense”这个命令" in screen
    progress = yaml.safe_load((ws / ".interview.yaml").read_text(encoding="utf-8"))
    assert "overview.highlights" in progress["skipped"]


def test_invalid_input_is_asked_again_in_place(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    staff = next(i for i, (piece, _) in enumerate(DONGLI) if piece == "承办政务公开工作")
    script = [
        *DONGLI[:staff],
        ("承办", "三个"),
        ("承办", "-1"),
        ("承办", "２人"),
        ("门户网站", "/quit"),
    ]
    officer = Officer(script)
    interview(ws, officer)
    assert officer.text.count("请输入不小于0的整数") == 2
    assert load_report(open_workspace(ws)).answers["leadership"]["staff"] == 2  # full-width 2


def test_outcomes_cannot_exceed_the_requests(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    start = DONGLI.index(("下一类办理结果", "不掌握 8"))
    script = [
        *DONGLI[:start],
        ("下一类办理结果", "撤回申请 10"),
        ("下一类办理结果", "不掌握"),
        ("数量", "10"),
        ("数量", ""),  # a bare Enter is 0
        ("下一类办理结果", "不予"),
        ("下一类办理结果", ""),
        ("下一类办理结果", "/back"),
        ("数量", "7"),
        ("下一类办理结果", "撤回申请 2"),  # 7 + 2 = 9: all are assigned, on to 表四
        ("表四", "/quit"),
    ]
    officer = Officer(script)
    interview(ws, officer)
    screen = officer.text
    assert "超出未归类的申请数：（六）其他处理 3.其他最多还能填9件" in screen
    assert "超出未归类的申请数：最多还能填9件" in screen
    assert "可指：" in screen  # 不予 is 不予公开 or 不予处理
    assert "还有申请未归入办理结果" in screen  # an empty answer while some are left
    assert "申请人撤回申请的，计入“（六）其他处理 3.其他”。" in screen
    counts = [p for p in officer.prompts if "→" in p.text]
    assert all("自然人" in p.text for p in counts)  # the column is named
    figures = leaf_figures(ws)
    assert figures[("applications", "unavailable_not_held", "natural_person")] == 7
    assert figures[("applications", "other_other", "natural_person")] == 2


def test_revisit_asks_a_part_again_with_current_answers(example_ws: Path) -> None:
    officer = Officer([("主要问题", "/quit")])
    assert interview(example_ws, officer, revisit="五").status == "quit"
    assert officer.prompts[0].default == "1 2 3"


def test_last_years_carried_forward_is_the_default(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    previous = ws / "previous"
    shutil.copytree(EXAMPLE, previous)
    data = yaml.safe_load((previous / "report.yaml").read_text(encoding="utf-8"))
    data["tables"]["applications"]["carried_forward"]["natural_person"] = 2
    for row in ("new", "carried_forward", "handled_total"):
        data["tables"]["applications"][row].pop("total")
    data["tables"]["applications"]["new"]["natural_person"] = 11
    data["tables"]["applications"].pop("handled_total")
    data["answers"]["problems"]["other"] = ["信息发布不够及时"]
    (previous / "report.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    shutil.copy(EXAMPLE / "report.yaml", ws / "report.yaml")
    officer = Officer([("有没有收到", "/quit")])
    interview(ws, officer, revisit="三")
    assert officer.prompts[0].default == "是"  # this year's answers stand on revisit
    (ws / ".interview.yaml").unlink(missing_ok=True)
    script = [
        ("有没有收到", ""),
        ("哪些类型", ""),
        ("本年新收申请：自然人", ""),
        ("上年结转的申请：自然人", "/quit"),
    ]
    officer = Officer(script)
    interview(ws, officer, revisit="三")
    assert officer.prompts[-1].default == "2"
    officer = Officer(
        [
            ("与上年相同", "否"),
            ("主要问题", ""),
            ("其他问题", ""),
            ("改进措施", ""),
            ("整改得怎样", "公开的深度和广度不够：已整改\n信息发布不够及时：按月检查更新"),
            ("", "/quit"),
        ]
    )
    interview(ws, officer, revisit="五")
    assert "信息发布不够及时：" in officer.prompts[4].prefill  # last year's, to write progress
    done = load_report(open_workspace(ws)).answers["problems"]["last_year"]
    assert done[0] == {"problem": "公开的深度和广度不够", "progress": "已整改"}
    assert {"problem": "信息发布不够及时", "progress": "按月检查更新"} in done


def test_a_picked_suggestion_is_recorded(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    officer = Officer([*DONGLI[:5], ("组织领导方面", "/quit")], picks=["x", "2"])
    interview(ws, officer)
    assert "请输入1、2、3选用" in officer.text
    report = load_report(open_workspace(ws))
    from report_writer.narrative import suggestions
    from report_writer.phrasebank import load_phrasebank

    options = suggestions(report, load_phrasebank(), "overview.opening")
    assert report.phrases["overview.opening"] in [p.id for p, _ in options]


runner = CliRunner()


def test_answers_file_fills_a_workspace_without_prompting(tmp_path: Path) -> None:
    data = yaml.safe_load((EXAMPLE / "report.yaml").read_text(encoding="utf-8"))
    data.pop("phrasebanks")
    data["tables"]["reviews"]["review"].pop("total")
    answers = tmp_path / "answers.yaml"
    answers.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    ws = tmp_path / "ws"
    result = runner.invoke(app, ["interview", str(ws), "--answers", str(answers)])
    assert result.exit_code == 0, result.output
    assert "draft.docx" in result.output
    assert leaf_figures(ws) == leaf_figures(EXAMPLE)
    assert (ws / "draft.md").is_file()


def test_a_bad_answers_file_changes_nothing(example_ws: Path, tmp_path: Path) -> None:
    before = (example_ws / "report.yaml").read_bytes()
    answers = tmp_path / "bad.yaml"
    answers.write_text("answers:\n  leadership:\n    staf: 2\n", encoding="utf-8")
    result = runner.invoke(app, ["interview", str(example_ws), "--answers", str(answers)])
    assert result.exit_code == 2
    assert "bad.yaml" in result.output and "第3行" in result.output and "staff" in result.output
    assert (example_ws / "report.yaml").read_bytes() == before


def test_without_a_terminal_the_interview_says_what_to_do(tmp_path: Path) -> None:
    result = runner.invoke(app, ["interview", str(tmp_path / "ws")], input="东丽区\n")
    assert result.exit_code == 2
    assert "--answers" in result.output and "终端" in result.output
    assert not (tmp_path / "ws").exists()


def test_revisit_names_a_part(example_ws: Path) -> None:
    officer = Officer([])
    with pytest.raises(Exception, match="一、二、三、四、五、六"):
        interview(example_ws, officer, revisit="七")


# ---- prompt_toolkit itself, through a pipe -------------------------------------------------


def terminal_answers(keys: str, prompt: Prompt) -> str:
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from report_writer.interview.terminal import Terminal

    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        return Terminal(pipe, DummyOutput()).ask(prompt)


def test_terminal_rejects_bad_input_in_place() -> None:
    from report_writer.interview.parse import parse_number
    from report_writer.interview.prompt import checked as _checked

    prompt = Prompt("? 几人？", "", check=_checked(lambda t: parse_number("integer", t), ""))
    # "abc" is refused and stays in the line, selected: typing replaces it (not 「abc3」) ...
    assert terminal_answers("abc\r3\r", prompt) == "3"
    # ... and an arrow key keeps it for correcting: "12x", ←, Backspace gives 「12」
    assert terminal_answers("12x\r\x1b[C\x7f\r", prompt) == "12"


def test_terminal_completes_choices_anywhere_in_a_label() -> None:
    from prompt_toolkit.completion import CompleteEvent
    from prompt_toolkit.document import Document

    from report_writer.interview.terminal import completer

    labels = ("（五）不予处理1.信访举报投诉类申请", "（一）予以公开", "（二）部分公开")
    found = completer(Prompt("?", choices=labels)).get_completions(
        Document("公开"), CompleteEvent(completion_requested=True)
    )
    assert [c.text for c in found] == ["（一）予以公开", "（二）部分公开"]
    assert completer(Prompt("?")) is None


def test_terminal_commands_pass_validation_and_ctrl_c_interrupts() -> None:
    prompt = Prompt("? 几人？", check=lambda t: "请输入不小于0的整数")
    assert terminal_answers("/back\r", prompt) == "/back"
    with pytest.raises(KeyboardInterrupt):
        terminal_answers("\x03", prompt)


def test_preview_shows_the_part_as_it_will_be_written(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    start = DONGLI.index(("下一类办理结果", "不掌握 8"))
    script = [*DONGLI[:start], ("下一类办理结果", "/preview"), ("下一类办理结果", "/quit")]
    officer = Officer(script)
    interview(ws, officer)
    preview = officer.text.split("/preview", 1)[1]
    assert "三、收到和处理政府信息公开申请情况" in preview
    assert re.search(r"一、本年新收政府信息公开申请…\s+9\s+0\s+0\s+0\s+0\s+0\s+9", preview)
    assert "（七）总计" in preview


def test_an_edited_suggestion_goes_into_the_team_phrasebank(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    script = [
        *DONGLI[:5],
        ("修改这句话", "2023年，我局紧扣应急管理、防灾减灾和安全生产，扎实推进政务公开。"),
        ("存入团队表述库", ""),
        ("组织领导方面", "/quit"),
    ]
    officer = Officer(script, picks=["e1"])
    interview(ws, officer)
    assert officer.prompts[-3].prefill  # the sentence stood in the line, ready to edit
    report = load_report(open_workspace(ws))
    assert report.phrasebanks == ["表述库"]
    saved = yaml.safe_load(next((ws / "表述库").glob("*.yaml")).read_text(encoding="utf-8"))
    phrase = saved["phrases"][0]
    # year, agency and typed answers become placeholders: the phrase serves other years too
    assert (
        phrase["text"]
        == "{{ meta.year }}年，{{ meta.we }}紧扣{{ overview.focus }}，扎实推进政务公开。"
    )
    assert report.phrases["overview.opening"] == phrase["id"]
    from report_writer.narrative import suggestions
    from report_writer.phrasebank import phrasebank_for

    bank = phrasebank_for(report, ws)
    options = dict(suggestions(report, bank, "overview.opening"))
    assert options[bank.get(phrase["id"])] == script[5][1]  # renders back as it was typed


def test_ctrl_d_saves_and_leaves_like_quit(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    steps = iter(DONGLI[:4])

    def ask(prompt: Prompt) -> str:
        for _, typed in steps:
            return typed
        raise EOFError

    result = interview_and_build(ws, ask, lambda text: None)
    assert result.status == "quit"
    assert load_report(open_workspace(ws)).answers["overview"]["focus"] == DONGLI[3][1]


def test_the_year_in_the_folder_name_is_offered(tmp_path: Path) -> None:
    officer = Officer([("机关全称", "某某区应急管理局"), ("报告年度", "/quit")])
    result = interview(tmp_path / "2024-年报", officer)
    assert result.status == "quit"
    assert officer.prompts[1].default == "2024"


@pytest.mark.parametrize(
    ("today", "offered"),
    [
        ((2026, 12, 6), "2026"),
        ((2026, 9, 1), "2026"),
        ((2027, 1, 15), "2026"),
        ((2027, 8, 31), "2026"),
    ],
)
def test_the_year_offered_follows_the_reporting_calendar(
    tmp_path: Path, today: tuple[int, int, int], offered: str
) -> None:
    from datetime import date

    officer = Officer([("机关全称", "某某镇人民政府"), ("报告年度", "/quit")])
    interview(tmp_path / "ws", officer, today=lambda: date(*today))
    assert officer.prompts[1].default == offered


def test_what_is_typed_before_year_and_type_is_kept(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    officer = Officer([("机关全称", "某某镇人民政府"), ("报告年度", KeyboardInterrupt())])
    assert interview(ws, officer).status == "interrupted"
    assert load_report(open_workspace(ws)).meta.agency == "某某镇人民政府"
    officer = Officer([("报告年度", "2025"), ("机关类型", ""), ("主责主业", "/quit")])
    interview(ws, officer)  # resumed at the year; the type offered is guessed from the name
    assert officer.prompts[1].default == "乡镇街道"
    meta = load_report(open_workspace(ws)).meta
    assert (meta.agency, meta.year, meta.level) == ("某某镇人民政府", 2025, "township")


def test_outcomes_are_balanced_per_applicant_type(example_ws: Path) -> None:
    # 9 requests by natural persons become 8 by persons and 1 by a business: the outcomes,
    # all under natural persons, now miss one in one column and have one too many in the other
    script = [
        ("有没有收到", ""),
        ("哪些类型", "1 2"),
        ("本年新收申请：自然人", "8"),
        ("本年新收申请：商业企业", "1件"),
        ("上年结转的申请：自然人", ""),
        ("上年结转的申请：商业企业", ""),
        ("结转下年度继续办理的：自然人", ""),
        ("结转下年度继续办理的：商业企业", ""),
        ("下一类办理结果", "/quit"),
    ]
    officer = Officer(script)
    interview(example_ws, officer, revisit="三")
    assert not officer.script
    assert (
        "办理结果总数与申请数一致，但各类申请人之间不一致。其中自然人多了1件，商业企业还差1件。"
        in (officer.text)
    )


def test_only_the_applicant_types_that_applied_are_asked(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    start = DONGLI.index(("有没有收到政府信息公开申请", "是"))
    script = [
        *DONGLI[:start],
        ("有没有收到政府信息公开申请", "是"),
        ("哪些类型", "1 2"),
        ("新收申请：自然人", "30"),
        ("新收申请：商业企业", "１５"),
        ("上年结转的申请：自然人", ""),
        ("上年结转的申请：商业企业", ""),
        ("结转下年度继续办理的：自然人", ""),
        ("结转下年度继续办理的：商业企业", ""),
        ("下一类办理结果", "予以公开"),
        ("予以公开 · 自然人", "20"),
        ("予以公开 · 商业企业", "15"),
        ("下一类办理结果", "撤回申请"),  # one column left: its count is asked with its name
        ("（六）其他处理 3.其他 · 自然人", "10"),
        ("表四", "/quit"),
    ]
    officer = Officer(script)
    interview(ws, officer)
    assert not officer.script
    asked = " ".join(p.text for p in officer.prompts)
    assert "科研机构" not in asked.replace("哪些类型", "")  # only the columns that applied
    assert "申请人撤回申请的，计入“（六）其他处理 3.其他”。" in officer.text
    figures = leaf_figures(ws)
    assert figures[("applications", "new", "business")] == 15
    assert figures[("applications", "other_other", "natural_person")] == 10


def answers_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "answers.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_bad_value_in_an_answers_file_changes_nothing(example_ws: Path, tmp_path: Path) -> None:
    before = (example_ws / "report.yaml").read_bytes()
    text = "tables:\n  proactive:\n    penalty:\n      decisions: abc\n"
    result = runner.invoke(
        app, ["interview", str(example_ws), "--answers", str(answers_file(tmp_path, text))]
    )
    assert result.exit_code == 2, result.output
    assert "answers.yaml" in result.output
    assert "第4行 tables.proactive.penalty.decisions：请输入不小于0的整数，现为“abc”" in (
        result.output
    )
    assert (example_ws / "report.yaml").read_bytes() == before
    assert not (example_ws / "draft.md").exists()


def test_an_unknown_phrase_in_an_answers_file_changes_nothing(
    example_ws: Path, tmp_path: Path
) -> None:
    before = (example_ws / "report.yaml").read_bytes()
    text = "answers:\n  leadership:\n    staff: 3\nphrases:\n  overview.opening: no.such.phrase\n"
    result = runner.invoke(
        app, ["interview", str(example_ws), "--answers", str(answers_file(tmp_path, text))]
    )
    assert result.exit_code == 2, result.output
    assert "第5行 phrases.overview.opening：表述“no.such.phrase”在表述库中不存在" in result.output
    assert (example_ws / "report.yaml").read_bytes() == before


def test_an_answers_file_takes_values_as_they_would_be_typed(tmp_path: Path) -> None:
    text = (
        "meta: {agency: 某某街道办事处, year: 2024, level: 乡镇街道}\n"
        "answers:\n  management: {secrecy_review: 是}\n  requests: {on_time_rate: 98.5%}\n"
        "  problems: {selected: [1, 公开的深度和广度不够, timeliness]}\n"
    )
    ws = tmp_path / "ws"
    result = runner.invoke(
        app, ["interview", str(ws), "--answers", str(answers_file(tmp_path, text))]
    )
    assert result.exit_code == 0, result.output
    report = load_report(open_workspace(ws))
    assert report.meta.level == "township"
    assert report.answers["management"]["secrecy_review"] is True
    assert str(report.answers["requests"]["on_time_rate"]) == "98.5"
    assert report.answers["problems"]["selected"] == ["depth", "timeliness"]


def test_an_answers_file_prints_the_check_and_fails_on_errors(
    example_ws: Path, tmp_path: Path
) -> None:
    # one more new request than outcomes: the table no longer adds up
    text = "tables:\n  applications:\n    new: {natural_person: 10}\n"
    result = runner.invoke(
        app, ["interview", str(example_ws), "--answers", str(answers_file(tmp_path, text))]
    )
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert any(re.match(r"  错误 \S+  ", line) for line in lines), result.output
    assert re.search(r"共 [1-9]\d* 处错误，\d+ 处提示。", result.output)
    assert "初稿已生成：" in result.output and str(example_ws / "draft.md") in result.output
    assert "核对发现错误时退出码为1" in runner.invoke(app, ["interview", "--help"]).output


def test_an_edited_sentence_keeps_its_figures_as_placeholders(example_ws: Path) -> None:
    from report_writer.interview.session import Session
    from report_writer.interview.store import save_answers
    from report_writer.narrative import scope_for, vocabulary
    from report_writer.phrasebank import add_phrase, phrasebank_for, render

    team = example_ws / "团队"
    add_phrase(
        vocabulary(),
        team,
        "requests.counts",
        "本年新收申请{{ tables.applications.new.total }}件，"
        "办结{{ tables.applications.handled_total.total }}件，12345热线全天受理。",
        phrase_id="team.counts",
    )
    ws = open_workspace(example_ws)
    q = next(q for q in load_questions("gov2021") if q.key == "phrases.requests.counts")

    def edit(typed: str) -> tuple[str, Officer]:
        officer = Officer([("修改这句话", typed), ("存入团队表述库", "")])
        session = Session(ws, officer.ask, officer.say, phrasebanks=[team])
        phrase = phrasebank_for(session.report, example_ws, [team]).get("team.counts")
        assert phrase is not None
        rendered = render(phrase, scope_for(session.report)).text
        assert rendered == "本年新收申请9件，办结9件，12345热线全天受理。"
        phrase_id = session.edit_phrase(q, phrase, rendered)
        assert phrase_id is not None
        saved = phrasebank_for(load_report(ws), example_ws, [team]).get(phrase_id)
        assert saved is not None
        return saved.text, officer

    # figures kept from the sentence go back to the placeholders that rendered them, in order;
    # 8 is no placeholder of the phrase, but exactly one row of 表三 has it
    kept, officer = edit("全年新收申请9件，已办结9件，其中本机关不掌握8件。")
    assert kept == (
        "全年新收申请{{ tables.applications.new.total }}件，"
        "已办结{{ tables.applications.handled_total.total }}件，"
        "其中本机关不掌握{{ tables.applications.unavailable_not_held.total }}件。"
    )
    assert "注意" not in officer.text
    # a figure that matches nothing stays as typed, and the officer is told; one the phrase
    # itself holds is left alone without a word
    added, officer = edit("本年新收申请9件，办结9件，12345热线、96150热线全天受理。")
    assert "{{ tables.applications.new.total }}" in added and "12345热线" in added
    assert "“96150”（与答案和表格中的数字都不相同）" in officer.text
    assert "12345”" not in officer.text
    # the saved phrase follows the answers when they change
    save_answers(
        ws,
        load_report(ws).fmt,
        {
            "tables.applications.new.natural_person": 10,
            "tables.applications.unavailable_not_held.natural_person": 9,
        },
    )
    report = load_report(ws)
    bank = phrasebank_for(report, example_ws, [team])
    rendered = [render(p, scope_for(report)).text for p in bank.for_slot("requests.counts")]
    assert "全年新收申请10件，已办结10件，其中本机关不掌握9件。" in rendered


def test_revisit_can_clear_a_list_and_skip_keeps_it(example_ws: Path) -> None:
    script = [
        ("主要问题", ""),
        ("其他问题", "/skip"),
        ("改进措施", "/help"),
        ("改进措施", "无"),
        ("", "/quit"),
    ]
    officer = Officer(script)
    interview(example_ws, officer, revisit="五")
    measures = next(p for p in officer.prompts if "改进措施" in p.text)
    assert "如填写，将代替常见措施写入报告" in measures.text
    screen = officer.text
    assert "直接回车保留，输入“无”清空" in screen
    assert (
        "在空行上回车（或按 Esc 再按回车）结束；已有内容时直接回车保留，只输入“无”或“-”清空"
        in screen
    )
    assert "重新询问第五部分" in screen and "从第一个未回答的问题接着问" not in screen
    problems = load_report(open_workspace(example_ws)).answers["problems"]
    assert "measures" not in problems
    assert problems["selected"] == ["depth", "timeliness", "interpretation"]


def test_multichoice_says_how_to_answer(example_ws: Path) -> None:
    officer = Officer([("主要问题", "/help"), ("主要问题", "/quit")])
    interview(example_ws, officer, revisit="五")
    assert "输入编号，用空格分开" in officer.prompts[0].text
    assert officer.text.count("输入编号，用空格分开") >= 2  # in the question and under /help


def test_a_township_is_asked_the_government_items(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    meta = [("机关全称", "某某街道办事处"), ("报告年度", "2024"), ("机关类型", "")]
    officer = Officer([*meta, ("主责主业", "/quit")])
    interview(ws, officer)
    assert officer.prompts[2].default == "乡镇街道"  # guessed from the name
    report = load_report(open_workspace(ws))
    assert report.meta.level == "township"
    from report_writer.interview.session import Session

    session = Session(open_workspace(ws), officer.ask, officer.say)
    keys = [q.key for q in session.plan()]
    assert {"government.key_points", "government.proposals", "government.innovation"} <= set(keys)
    lead = next(q for q in session.plan() if q.key == "leadership.lead")
    assert "局" not in (session.example(lead) or "")


def test_the_closing_hint_names_the_part_that_fits(example_ws: Path, tmp_path: Path) -> None:
    from report_writer.interview.run import revisit_hint

    report = load_report(open_workspace(example_ws))
    assert revisit_hint(report, [], []) == ("", "要修改某一部分的答案")
    assert revisit_hint(report, [], ["overview.highlights"])[0] == "一"
    errors = runner.invoke(
        app,
        [
            "interview",
            str(example_ws),
            "--answers",
            str(
                answers_file(tmp_path, "tables:\n  applications:\n    new: {natural_person: 10}\n")
            ),
        ],
    )
    assert errors.exit_code == 1
    from report_writer.check import check_report

    found = check_report(load_report(open_workspace(example_ws))).errors
    assert revisit_hint(load_report(open_workspace(example_ws)), found, [])[0] == "三"


def test_outcome_labels_are_spaced_and_found_either_way(example_ws: Path) -> None:
    from report_writer.interview.outcomes import resolve_outcome
    from report_writer.interview.tally import outcome_rows

    rows = outcome_rows(load_report(open_workspace(example_ws)))
    assert "（四）无法提供 1.本机关不掌握相关政府信息" in {r.display for r in rows}
    for typed in ("（四）无法提供1.本机关不掌握相关政府信息", "(四)无法提供 1.本机关不掌握"):
        assert resolve_outcome(typed, rows) == (rows[10], None)
        assert rows[10].key == "unavailable_not_held"


@pytest.mark.parametrize(
    ("typed", "row", "why"),
    [
        ("撤回申请", "other_other", "（六）其他处理 3.其他"),
        ("申请人主动撤回", "other_other", "（六）其他处理 3.其他"),
        ("信访件", "rejected_complaint", "（五）不予处理 1.信访举报投诉类申请"),
        ("不属于本机关", "unavailable_not_held", "（四）无法提供 1.本机关不掌握"),
        ("已主动公开", "granted", "（一）予以公开"),
        ("不掌握", "unavailable_not_held", None),
    ],
)
def test_common_outcome_wordings_go_to_their_official_row_with_a_reason(
    example_ws: Path, typed: str, row: str, why: str | None
) -> None:
    from report_writer.interview.outcomes import resolve_outcome
    from report_writer.interview.tally import outcome_rows

    found, reason = resolve_outcome(typed, outcome_rows(load_report(open_workspace(example_ws))))
    assert found.key == row
    assert (reason is None) if why is None else (reason is not None and why in reason)


def test_an_edited_figure_is_never_bound_to_an_unrelated_answer(example_ws: Path) -> None:
    from report_writer.interview.reusable import reusable
    from report_writer.interview.session import Session
    from report_writer.interview.store import save_answers
    from report_writer.narrative import scope_for
    from report_writer.phrasebank import load_phrasebank, phrasebank_for, render

    ws = open_workspace(example_ws)
    items = [{"kind": "政策文件", "count": 30}, {"kind": "财政预决算", "count": 12}]
    save_answers(ws, load_report(ws).fmt, {"leadership.staff": 12, "proactive.items": items})
    phrase = load_phrasebank().get("proactive.items.year")
    assert phrase is not None
    shown = render(phrase, scope_for(load_report(ws))).text
    assert "涵盖政策文件30条、财政预决算12条。" in shown
    edited = shown.replace("政策文件30条、财政预决算12条", "政策财政预决算12条，另有7条其他信息")
    officer = Officer([("修改这句话", edited), ("存入团队表述库", "")])
    session = Session(ws, officer.ask, officer.say)
    q = next(q for q in session.plan() if q.key == "phrases.proactive.items")
    phrase_id = session.edit_phrase(q, phrase, shown)
    saved = phrasebank_for(load_report(ws), example_ws).get(str(phrase_id))
    assert saved is not None
    # 12 is the count of one item of the list (no placeholder names an item safely), and the
    # staff count only by chance: it stays as typed and the officer is told why
    assert saved.text.endswith(
        "{{ derived.items_total }}条，涵盖政策财政预决算12条，另有7条其他信息。"
    )
    assert "“12”（与“财政预决算”一项的条数相同" in officer.text
    # a figure that only an unrelated answer has is left as typed, the answer named
    save_answers(ws, load_report(ws).fmt, {"proactive.items": [{"kind": "政策文件", "count": 42}]})
    template = reusable("全年主动公开政府信息42条，其中12条为财政信息。", load_report(ws), phrase)
    assert template.text == "全年主动公开政府信息{{ derived.items_total }}条，其中12条为财政信息。"
    assert "无关" in dict(template.literal)["12"] and "具体承办" in dict(template.literal)["12"]


def test_a_revisit_left_unfinished_is_resumed(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    assert interview(ws, Officer(DONGLI)).status == "finished"

    def revisit(prompt: Prompt) -> str:
        if "本年新收申请：自然人" in prompt.text:
            return "21"
        if "下一类办理结果" in prompt.text:
            raise EOFError  # Ctrl-D with 12 applications not yet assigned
        return ""

    result = interview_and_build(ws, revisit, lambda text: None, revisit="三")
    assert result.status == "quit"
    officer = Officer([("下一类办理结果", "/quit")])
    assert interview(ws, officer).status == "quit"
    assert "还有 12 件申请未归入办理结果" in officer.text
    # a part left at its first question during --revisit is asked again from there; what
    # was answered after it is not asked again
    interview(ws, Officer([("表四", "/quit")]), revisit="四")
    script = [
        ("下一类办理结果", "不掌握"),
        ("数量", "20"),  # 8 before, and the 12 left
        ("表四", ""),
    ]
    officer = Officer(script)
    result = interview(ws, officer)
    assert result.status == "finished", officer.text
    assert not officer.script and not result.check.errors
    assert "revisit" not in yaml.safe_load((ws / ".interview.yaml").read_text(encoding="utf-8"))


def test_preview_after_a_list_shows_its_lines(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    start = next(i for i, (piece, _) in enumerate(DONGLI) if piece == "主动公开了哪些信息")
    script = [*DONGLI[: start + 1], ("依申请公开", "/preview"), ("依申请公开", "/quit")]
    officer = Officer(script)
    interview(ws, officer)
    preview = officer.text.split("/preview", 1)[1]
    assert "行政处罚信息20条" in preview and "52条" in preview


def test_odd_characters_and_overlong_items_are_refused(tmp_path: Path, example_ws: Path) -> None:
    ws = tmp_path / "ws"
    long_item = "很" * 1000
    script = [
        *DONGLI[:3],
        ("主责主业", "应急管理😀"),
        ("主责主业", "应急管理"),
        ("重点举措", long_item),
        ("重点举措", "推进“互联网＋政务服务”（第1期）、★重点项目"),
        ("", "/quit"),
    ]
    officer = Officer(script)
    interview(ws, officer)
    screen = officer.text
    assert "不能使用“😀”" in screen
    assert "每项不超过200字（现为1000字）" in screen
    answers = load_report(open_workspace(ws)).answers["overview"]
    assert answers["focus"] == "应急管理"
    assert answers["highlights"] == ["推进“互联网＋政务服务”（第1期）、★重点项目"]
    from report_writer.interview.parse import check_characters

    usual = "《条例》第十条——“依法公开”…·°℃№①㎡￥%±×√〇○●□■△▲→ 吉𠮷 café A-1/2"
    assert check_characters(usual) == usual
    for odd, message in (("✨", "不能使用“✨”"), ("☺\ufe0f", "不能使用"), ("a\u200bb", r"U\+200B")):
        with pytest.raises(ValueError, match=message):
            check_characters(odd)
    # in a file of answers too, list items included; nothing is written
    before = (example_ws / "report.yaml").read_bytes()
    text = "answers:\n  platforms:\n    channels:\n      - {name: 微信✨, count: 3}\n"
    result = runner.invoke(
        app, ["interview", str(example_ws), "--answers", str(answers_file(tmp_path, text))]
    )
    assert result.exit_code == 2
    assert "第3行 answers.platforms.channels：不能使用“✨”" in result.output, result.output
    assert (example_ws / "report.yaml").read_bytes() == before


def test_a_year_not_yet_come_is_confirmed_or_noted(tmp_path: Path) -> None:
    from datetime import date

    future = str(date.today().year + 4)
    script = [
        ("机关全称", "某某区应急管理局"),
        ("报告年度", future),
        (f"{future}年", ""),  # the default is no: asked again
        ("报告年度", future),
        (f"{future}年", "是"),
        ("机关类型", "/quit"),
    ]
    officer = Officer(script)
    interview(tmp_path / "ws", officer)
    assert not officer.script
    assert "还没有到" in officer.prompts[2].text
    # a script is not asked: it is told
    ws = tmp_path / "script"
    text = f"meta: {{agency: 某某区应急管理局, year: {future}}}\n"
    result = runner.invoke(
        app, ["interview", str(ws), "--answers", str(answers_file(tmp_path, text))]
    )
    assert f"注意：报告年度{future}年还没有到" in result.output, result.output


def test_ctrl_c_in_a_table_keeps_the_rows_typed(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    start = DONGLI.index(("表二", "行政处罚 60"))
    typing = Interrupted("行政处罚 60\n行政许可")  # the second row is not finished
    assert interview(ws, Officer([*DONGLI[:start], ("表二", typing)])).status == "interrupted"
    assert leaf_figures(ws)[("proactive", "penalty", "decisions")] == 60
    officer = Officer([("表二", "行政处罚 60\n行政许可 4"), ("有没有收到", "/quit")])
    interview(ws, officer)
    assert officer.prompts[0].prefill == "行政处罚 60\n"
    assert leaf_figures(ws)[("proactive", "licensing", "decisions")] == 4


def test_the_row_total_follows_the_last_column_asked(tmp_path: Path) -> None:
    officer = Officer(DONGLI)
    interview(tmp_path / "ws", officer)
    assert "本年新收共 9 件。" in officer.text  # after 自然人, the only column asked
