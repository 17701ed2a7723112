"""The phrasebank: built-in content, layers, lint (CLI exit codes with file and id), add, safety."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from report_writer import context, narrative, resources
from report_writer.answers import load_schema
from report_writer.cli import app
from report_writer.errors import InputError, ReportWriterError
from report_writer.formats.spec import format_for_year
from report_writer.phrasebank import (
    BUILTIN,
    CACHE_MIN_CHARS,
    MAX_LOOP_DEPTH,
    MAX_OUTPUT_CHARS,
    Phrase,
    analyse,
    lint_folders,
    lint_phrase,
    load_phrasebank,
    phrasebank_for,
    read_phrasebank,
    render,
)
from report_writer.workspace import load_report, open_workspace

runner = CliRunner()
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "dongli-2023"


def write_bank(folder: Path, phrases: list[dict[str, object]], name: str = "team.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(yaml.safe_dump({"phrases": phrases}, allow_unicode=True), encoding="utf-8")
    return path


# ---- the built-in content ---------------------------------------------------------------------


def test_builtin_bank_is_large_and_covers_every_slot_with_variants() -> None:
    bank = load_phrasebank()
    counts = Counter(p.slot for p in bank.phrases.values())
    slots = narrative.plan().slots
    assert len(bank.phrases) >= 150
    assert set(counts) == set(slots)
    thin = {s: n for s, n in counts.items() if n < 4}
    assert not thin, thin
    assert all(p.layer == BUILTIN for p in bank.phrases.values())


def test_every_problem_choice_has_problem_and_measure_phrases() -> None:
    bank = load_phrasebank()
    choices = load_schema().field("problems.selected").choices
    assert len(choices) >= 8
    for choice in choices:
        assert len(bank.for_slot(f"problems.{choice.key}")) >= 4, choice.key
        assert len(bank.for_slot(f"measures.{choice.key}")) >= 4, choice.key


def test_builtin_lint_exits_0() -> None:
    result = runner.invoke(app, ["phrasebank", "lint"])
    assert result.exit_code == 0, result.output
    assert "未发现问题" in result.output


def test_builtin_text_uses_full_width_punctuation_outside_templates() -> None:
    tags = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)
    for p in load_phrasebank().phrases.values():
        literal = tags.sub("", p.text)
        assert not re.search(r"[,;:?!()]", literal), p.id


OFFICIAL_NAMES = ("习近平新时代中国特色社会主义思想", "党的二十大精神")
SHARED_RUN = 10  # characters in a row that a phrase may not share with the reference report
_ASCII_TO_FULL = str.maketrans({",": "，", ";": "；", ":": "：", "(": "（", ")": "）", "?": "？"})


def _comparable(text: str) -> str:
    """Text as compared for copying: punctuation full-width, white space removed."""
    return re.sub(r"\s+", "", text.translate(_ASCII_TO_FULL))


def test_builtin_phrases_share_no_run_of_ten_characters_with_the_reference_report() -> None:
    reference = Path(__file__).resolve().parents[2] / "shared" / "reference"
    texts = (
        [_comparable(f.read_text(encoding="utf-8")) for f in reference.glob("*.txt")]
        if reference.is_dir()
        else []
    )
    if not texts:
        pytest.skip("reference report not available")
    runs = {t[i : i + SHARED_RUN] for t in texts for i in range(len(t) - SHARED_RUN + 1)}
    tags = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)
    # official names every report must spell verbatim (PROSE.md §2.3; the labels of the tables,
    # 本年新收政府信息公开申请) are not copying
    labels = [
        re.sub(r"^[一二三四五六七八九十]+、|^（.）|^\d+\.|数量$", "", row.label)
        for table in format_for_year(9999).tables.values()
        for row in table.rows
    ]
    labels += [re.sub("^本年|^上年", "", label) for label in labels]
    names = sorted({*OFFICIAL_NAMES, *labels}, key=len, reverse=True)
    fixed = re.compile("|".join(re.escape(n) for n in names))
    copied = []
    for p in load_phrasebank().phrases.values():
        own = [w for part in tags.split(p.text) for w in fixed.split(part)]
        for part in map(_comparable, own):  # the phrase's own words between tags and names
            copied += [
                (p.id, part[i : i + SHARED_RUN])
                for i in range(len(part) - SHARED_RUN + 1)
                if part[i : i + SHARED_RUN] in runs
            ]
    assert not copied


# ---- lint --------------------------------------------------------------------------------------


def test_lint_broken_folder_exits_1_naming_file_and_id(tmp_path: Path) -> None:
    path = write_bank(
        tmp_path / "team",
        [
            {"id": "t.attack", "slot": "other.none", "text": "{{ ''.__class__.__mro__ }}"},
            {"id": "t.slot", "slot": "no.such.slot", "text": "无。"},
            {"id": "t.name", "slot": "requests.counts", "text": "共{{ requests.countz }}件。"},
            {"id": "t.comma", "slot": "other.none", "text": "无其他事项,特此说明。"},
            {"id": "t.quote", "slot": "other.none", "text": "开展“开放日活动。"},
            {"id": "t.include", "slot": "other.none", "text": "{% include 'x.html' %}。"},
        ],
    )
    result = runner.invoke(app, ["phrasebank", "lint", str(tmp_path / "team")])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    for pid in ("t.attack", "t.slot", "t.name", "t.comma", "t.quote", "t.include"):
        assert any(str(path) in line and pid in line for line in lines), pid
    assert "requests.countz" in result.output
    assert "no.such.slot" in result.output


def test_lint_counts_every_entry_the_broken_ones_included(tmp_path: Path) -> None:
    folder = tmp_path / "team"
    write_bank(
        folder,
        [
            {"id": "t.ok", "slot": "other.none", "text": "无。"},
            {"id": "t.broken", "slot": "other.none"},  # no text: not loaded, still checked
        ],
    )
    report = lint_folders(narrative.vocabulary(), [folder])
    assert report.phrases == 2
    assert [i.phrase_id for i in report.issues] == ["t.broken"]
    result = runner.invoke(app, ["phrasebank", "lint", str(folder)])
    assert result.exit_code == 1
    assert "检查了 2 条表述" in result.output


@pytest.mark.parametrize(
    "text",
    [
        "无其他需要报告的事项.",
        "{{ other.matters|clause }}.",
        "本年度无其他事项（见附件）.",
        "本年度无其他事项.{{ other.matters|sentence }}",
    ],
)
def test_lint_finds_a_half_width_full_stop(text: str) -> None:
    phrase = Phrase("t.stop", "other.none", text, Path("team.yaml"), "team")
    messages = [i.message for i in lint_phrase(phrase, narrative.vocabulary())]
    assert any("半角标点 ." in m for m in messages), messages


def test_lint_leaves_decimals_and_names_alone() -> None:
    text = "平台访问量比上年增长2.5倍，网址为www.gov.cn。"
    phrase = Phrase("t.num", "other.none", text, Path("team.yaml"), "team")
    assert not lint_phrase(phrase, narrative.vocabulary())


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("{{ meta.we }}\n共{{ fees.notices x }}件。", 2, "应为“}}”"),
        ("{% if fees.notices %}收费。", 1, "endif"),
        ("共{{ fees.notices | }}件。", 1, "名称"),
        ("共{{ fees.notices $ }}件。", 1, "无法识别的字符“$”"),
        ("{% frobnicate %}无。", 1, "不认识的标签“frobnicate”"),
    ],
)
def test_template_syntax_errors_are_worded_in_chinese_with_the_line(
    text: str, line: int, words: str
) -> None:
    phrase = Phrase("t.syntax", "other.none", text, Path("team.yaml"), "team")
    (issue,) = lint_phrase(phrase, narrative.vocabulary())
    assert f"模板语法错误（第{line}行）" in issue.message and words in issue.message
    english = re.sub(r"“[^”]*”", "", issue.message)  # quoted template tokens aside
    assert not re.search(r"[A-Za-z]{2,}", english), issue.message


def test_lint_reports_duplicate_ids_within_a_layer_only(tmp_path: Path) -> None:
    write_bank(tmp_path / "a", [{"id": "t.x", "slot": "other.none", "text": "无。"}], "one.yaml")
    write_bank(tmp_path / "a", [{"id": "t.x", "slot": "other.none", "text": "无。"}], "two.yaml")
    report = lint_folders(narrative.vocabulary(), [tmp_path / "a"])
    assert [i.phrase_id for i in report.issues] == ["t.x"]
    assert "重复" in report.issues[0].message
    # the same id in a later layer is an override, not a problem
    write_bank(tmp_path / "b", [{"id": "other.none.plain", "slot": "other.none", "text": "无。"}])
    assert not lint_folders(narrative.vocabulary(), [tmp_path / "b"]).issues


def test_lint_checks_schema_and_yaml(tmp_path: Path) -> None:
    folder = tmp_path / "team"
    write_bank(
        folder, [{"id": "t.a", "slot": "other.none"}, {"slot": "other.none", "text": "无。"}]
    )
    (folder / "broken.yaml").write_text("phrases: [\n", encoding="utf-8")
    issues = lint_folders(narrative.vocabulary(), [folder]).issues
    messages = [str(i) for i in issues]
    assert any("t.a" in m and "text" in m for m in messages)
    assert any("id" in m and "team.yaml" in m for m in messages)
    assert any("broken.yaml" in m and "YAML" in m for m in messages)
    with pytest.raises(InputError) as err:
        load_phrasebank([folder])
    assert "broken.yaml" in str(err.value)


def test_lint_checks_record_fields_and_loops(tmp_path: Path) -> None:
    vocab = narrative.vocabulary()

    def problems(text: str, slot: str = "other.matters") -> list[str]:
        return [i.message for i in lint_phrase(Phrase("t", slot, text, Path("t.yaml"), "t"), vocab)]

    good = "{% for c in platforms.channels %}{{ c.name }}{{ c.count }}条{% endfor %}。"
    assert problems(good) == []
    assert any(
        "kindx" in m for m in problems("{% for r in proactive.items %}{{ r.kindx }}{% endfor %}。")
    )
    assert any(
        "列表" in m for m in problems("{% for c in proactive.portal %}{{ c }}{% endfor %}。")
    )
    nested = (
        "{% for a in platforms.channels %}" * (MAX_LOOP_DEPTH + 1)
        + "x"
        + ("{% endfor %}" * (MAX_LOOP_DEPTH + 1))
    )
    assert any("嵌套" in m for m in problems(nested + "。"))
    assert any("结尾" in m for m in problems("公开不够深入。", "problems.depth"))
    assert any("：" in m for m in problems("主要问题是", "problems.intro"))


@pytest.mark.parametrize(
    "text",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ meta['__class__'] }}",
        "{{ meta._private }}",
        "{% import 'x' as y %}",
        "{% extends 'base' %}",
        "{% from 'x' import y %}",
        "{% macro m() %}{% endmacro %}",
        "{% set x = 1 %}",
        "{{ meta.agency.upper() }}",
        "{{ 9 ** 9 ** 9 }}",
        "{{ meta.agency|center(1000000000) }}",
        "{{ meta.agency|replace('局', '局局') }}",
        "{% for x in platforms.channels recursive %}{{ loop(x) }}{% endfor %}",
        "{{ cycler }}{{ lipsum(1000) }}",
        "{{ meta.agency|attr('__class__') }}",
        "{% filter upper %}x{% endfilter %}",
        "{% with a = 1 %}{% endwith %}",
        "{{ 'a' " + "~ ''" * 2000 + " }}",
    ],
)
def test_hostile_templates_fail_lint_and_are_never_rendered(text: str, tmp_path: Path) -> None:
    phrase = Phrase("team.bad", "other.matters", text, tmp_path / "team.yaml", "team")
    vocab = narrative.vocabulary()
    issues = lint_phrase(phrase, vocab)
    assert issues and all(i.phrase_id == "team.bad" and i.file == phrase.file for i in issues)
    scope = narrative.scope_for(load_report(open_workspace(EXAMPLE)))
    with pytest.raises(ReportWriterError) as err:
        render(phrase, scope)
    assert "team.bad" in str(err.value) and "team.yaml" in str(err.value)


def test_render_bounds_output_and_repetition(tmp_path: Path) -> None:
    scope = narrative.scope_for(load_report(open_workspace(EXAMPLE)))
    loop = "{% for c in platforms.channels %}{% for d in platforms.channels %}" + "字" * 600
    loop += "{% endfor %}{% endfor %}"
    for text in (loop, "{{ '字' * 5000 }}", "{{ ([1] * 100) * 100 }}", "{{ 1 / 0 }}"):
        phrase = Phrase("team.big", "other.matters", text, tmp_path / "t.yaml", "team")
        with pytest.raises(ReportWriterError) as err:
            render(phrase, scope)
        assert "team.big" in str(err.value)
    assert MAX_OUTPUT_CHARS == 2000


def test_analyse_finds_answer_paths_not_loop_variables() -> None:
    result = analyse(
        "{{ meta.we }}{% for c in platforms.channels %}{{ c.name }}{% endfor %}"
        "{{ tables.applications.new.total }}"
    )
    assert result.paths == ("meta.we", "platforms.channels", "tables.applications.new.total")
    assert result.attributes == (("platforms.channels", "name"),)
    assert analyse("fees.notices == 0", expression=True).paths == ("fees.notices",)


# ---- layers ------------------------------------------------------------------------------------


def test_later_layer_overrides_id_in_place_and_adds(tmp_path: Path) -> None:
    write_bank(tmp_path / "a", [{"id": "other.none.plain", "slot": "other.none", "text": "甲。"}])
    write_bank(tmp_path / "b", [{"id": "other.none.plain", "slot": "other.none", "text": "乙。"}])
    write_bank(tmp_path / "b", [{"id": "team.new", "slot": "other.none", "text": "丙。"}], "z.yaml")
    bank = load_phrasebank([tmp_path / "a", tmp_path / "b"])
    assert bank.get("other.none.plain").text == "乙。"  # type: ignore[union-attr]
    assert bank.get("other.none.plain").layer == str(tmp_path / "b")  # type: ignore[union-attr]
    ids = [p.id for p in bank.for_slot("other.none")]
    builtin = [
        p.id
        for p in read_phrasebank([(BUILTIN, resources.shipped_dir("phrasebank"))]).for_slot(
            "other.none"
        )
    ]
    assert ids == [*builtin, "team.new"]


def test_phrasebank_for_layers_report_folders_after_command_line(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    text = (
        (EXAMPLE / "report.yaml")
        .read_text(encoding="utf-8")
        .replace("phrasebanks: []", "phrasebanks: [团队]")
    )
    (ws / "report.yaml").write_text(text, encoding="utf-8")
    write_bank(
        ws / "团队", [{"id": "other.none.plain", "slot": "other.none", "text": "报告里的。"}]
    )
    write_bank(
        tmp_path / "cli", [{"id": "other.none.plain", "slot": "other.none", "text": "命令行的。"}]
    )
    report = load_report(open_workspace(ws))
    bank = phrasebank_for(report, ws, [tmp_path / "cli"])
    assert [layer.name for layer in bank.layers] == [
        BUILTIN,
        str(tmp_path / "cli"),
        str(ws / "团队"),
    ]
    assert bank.get("other.none.plain").text == "报告里的。"  # type: ignore[union-attr]


def test_missing_team_folder_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:
        load_phrasebank([tmp_path / "nowhere"])
    assert "nowhere" in str(err.value)
    result = runner.invoke(app, ["phrasebank", "list", "--phrasebank", str(tmp_path / "nowhere")])
    assert result.exit_code == 2
    assert "错误" in result.output


# ---- CLI: list, show, search, add --------------------------------------------------------------


def test_list_show_search(tmp_path: Path) -> None:
    write_bank(
        tmp_path / "t", [{"id": "team.draft", "slot": "other.none", "text": "无。", "draft": True}]
    )
    result = runner.invoke(app, ["phrasebank", "list", "--slot", "other.fees", "--tag", "零值"])
    assert result.exit_code == 0
    assert "other.fees.none" in result.output and "other.fees.charged" not in result.output
    result = runner.invoke(
        app, ["phrasebank", "list", "--slot", "other.none", "--phrasebank", str(tmp_path / "t")]
    )
    assert "team.draft" in result.output and "草稿" in result.output
    result = runner.invoke(app, ["phrasebank", "show", "other.fees.none"])
    assert result.exit_code == 0
    assert (
        "other.yaml" in result.output
        and "内置" in result.output
        and "fees.notices == 0" in result.output
    )
    result = runner.invoke(app, ["phrasebank", "show", "other.fees.nonee"])
    assert result.exit_code == 2 and "other.fees.none" in result.output
    result = runner.invoke(app, ["phrasebank", "search", "信息处理费", "收费通知"])
    assert result.exit_code == 0 and "other.fees.charged" in result.output


def test_add_appends_keeping_comments(tmp_path: Path) -> None:
    folder = tmp_path / "team"
    folder.mkdir()
    original = '# 本科室的表述\nphrases:\n  # 第一条\n  - id: t.first  # 行尾注释\n    slot: other.none\n    text: "无。"\n'
    (folder / "other.yaml").write_text(original, encoding="utf-8")
    result = runner.invoke(
        app,
        [
            "phrasebank",
            "add",
            "--slot",
            "other.none",
            "--text",
            "{{ meta.we }}无其他需要报告的事项。",
            "--to",
            str(folder),
        ],
    )
    assert result.exit_code == 0, result.output
    text = (folder / "other.yaml").read_text(encoding="utf-8")
    assert text.startswith(original)
    assert "other.none.team1" in text
    bank = load_phrasebank([folder])
    assert bank.get("other.none.team1").text == "{{ meta.we }}无其他需要报告的事项。"  # type: ignore[union-attr]
    # a new slot goes to a new file named after the section
    result = runner.invoke(
        app,
        [
            "phrasebank",
            "add",
            "--slot",
            "problems.depth",
            "--text",
            "公开的内容还不够深入",
            "--id",
            "t.depth",
            "--to",
            str(folder),
        ],
    )
    assert result.exit_code == 0, result.output
    assert load_phrasebank([folder]).get("t.depth").file == folder / "problems.yaml"  # type: ignore[union-attr]


def test_add_refuses_a_phrase_that_fails_lint(tmp_path: Path) -> None:
    folder = tmp_path / "team"
    for args in (
        ["--slot", "other.none", "--text", "{{ ''.__class__ }}"],
        ["--slot", "no.slot", "--text", "无。"],
        ["--slot", "other.none", "--text", "无,谢谢。"],
    ):
        result = runner.invoke(app, ["phrasebank", "add", *args, "--to", str(folder)])
        assert result.exit_code == 2, result.output
        assert "没有写入" in result.output
    assert not list(folder.glob("*.yaml"))
    add = ["phrasebank", "add", "--slot", "other.none", "--text", "无。", "--id", "t.x"]
    assert runner.invoke(app, [*add, "--to", str(folder)]).exit_code == 0
    result = runner.invoke(app, [*add, "--to", str(folder)])  # the same id again
    assert result.exit_code == 2 and "t.x" in result.output


def test_add_to_a_folder_that_cannot_be_made_names_it(tmp_path: Path) -> None:
    a_file = tmp_path / "team.txt"
    a_file.write_text("不是文件夹", encoding="utf-8")
    add = ["phrasebank", "add", "--slot", "other.none", "--text", "无。"]
    for folder, why in ((a_file, "这是一个文件"), (a_file / "team", "路径中有一部分不是文件夹")):
        result = runner.invoke(app, [*add, "--to", str(folder)])
        assert result.exit_code == 2, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert f"无法新建表述库文件夹 {folder}：{why}" in result.output
    assert a_file.read_text(encoding="utf-8") == "不是文件夹"


# ---- large files: parsed once, cached by content; aliases never expanded ------------------------


def test_large_files_are_cached_by_content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPORT_WRITER_CACHE", str(tmp_path / "cache"))
    phrases = [
        {"id": f"t.p{i}", "slot": "other.none", "text": "无其他需要报告的事项。" * 4}
        for i in range(1500)
    ]
    load_phrasebank()  # the built-in files are cached too: count only what the team adds
    builtin = set((tmp_path / "cache").glob("phrases-*.json"))
    path = write_bank(tmp_path / "team", phrases)
    assert path.stat().st_size > CACHE_MIN_CHARS
    first = load_phrasebank([tmp_path / "team"])
    cached = set((tmp_path / "cache").glob("phrases-*.json")) - builtin
    assert len(cached) == 1
    assert load_phrasebank([tmp_path / "team"]).phrases == first.phrases
    phrases[0]["text"] = "改过了。"
    write_bank(tmp_path / "team", phrases)
    assert load_phrasebank([tmp_path / "team"]).get("t.p0").text == "改过了。"  # type: ignore[union-attr]
    assert len(set((tmp_path / "cache").glob("phrases-*.json")) - builtin) == 2


def test_alias_bomb_is_read_without_expanding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REPORT_WRITER_CACHE", str(tmp_path / "cache"))
    lines = ['a0: &a0 ["' + "字" * 100 + '"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 5)]
    lines.append("phrases: [" + ", ".join(["*a4"] * 12_000) + "]")
    (tmp_path / "team").mkdir()
    (tmp_path / "team" / "bomb.yaml").write_text("\n".join(lines), encoding="utf-8")
    load_phrasebank()  # the built-in files are cached too: count only what the team adds
    builtin = set((tmp_path / "cache").glob("*.json"))
    issues = lint_folders(narrative.vocabulary(), [tmp_path / "team"]).issues
    assert issues and all("bomb.yaml" in str(i) for i in issues)
    assert set((tmp_path / "cache").glob("*.json")) == builtin


def test_aliases_to_one_phrase_are_refused_as_a_whole_file(tmp_path: Path) -> None:
    anchor = '  - &p {id: t.p, slot: other.none, text: "' + "无其他需要报告的事项。" * 100 + '"}'
    aliases = [anchor] + ["  - *p"] * 30_000
    (tmp_path / "team").mkdir()
    (tmp_path / "team" / "many.yaml").write_text(
        "phrases:\n" + "\n".join(aliases), encoding="utf-8"
    )
    with pytest.raises(InputError) as err:
        load_phrasebank([tmp_path / "team"])
    assert len(err.value.details) == 1  # refused as a file, not 30,000 duplicate ids
    assert "many.yaml" in err.value.details[0] and "别名" in err.value.details[0]


def test_phrase_file_header_documents_every_derived_value_and_filter() -> None:
    from report_writer.chinese import FILTERS

    header = (resources.shipped_dir("phrasebank") / "overview.yaml").read_text(encoding="utf-8")
    header = header.split("phrases:", 1)[0]
    missing = [n for n in [*context.DERIVED, *FILTERS] if n not in header]
    assert not missing


def test_fast_analysis_agrees_with_the_full_parse() -> None:
    from report_writer.phrasebank import plain, sandbox, scan

    texts = [p.text for p in load_phrasebank().phrases.values()]
    texts += [
        "{{ true }}",
        "{{ a.b|nofilter }}",
        "{{ loop.index }}",
        "{{ a._b }}",
        "x{y}",
        "{{ a }}}",
    ]
    simple = 0
    for text in texts:
        fast = plain.simple(text)
        if fast is None:
            continue
        simple += 1
        tree = sandbox.parse(text, expression=False)
        found = scan.Scan()
        found.visit(tree, {}, 0)
        assert fast.paths == tuple(dict.fromkeys(found.paths)), text
        assert not found.problems and not found.loops and not found.attributes, text
    assert simple > len(texts) // 2  # most phrases take the fast path


def test_an_override_may_not_move_a_phrase_to_another_slot(tmp_path: Path) -> None:
    team = tmp_path / "team"
    team.mkdir()
    moved = {
        "id": "platforms.portal.column",
        "slot": "problems.timeliness",
        "text": "信息发布不够及时",
    }
    (team / "x.yaml").write_text(
        yaml.safe_dump({"phrases": [moved]}, allow_unicode=True), encoding="utf-8"
    )
    result = runner.invoke(app, ["phrasebank", "lint", str(team)])
    assert result.exit_code == 1
    assert "platforms.portal.column：与表述 platforms.portal.column" in result.output
    assert "段落不同（原为 platforms.portal，此处为 problems.timeliness）" in result.output
    with pytest.raises(InputError, match="段落不同"):
        load_phrasebank([team])
    (team / "x.yaml").unlink()
    result = runner.invoke(
        app,
        [
            "phrasebank",
            "add",
            "--id",
            "platforms.portal.column",
            "--slot",
            "problems.timeliness",
            "--text",
            "信息发布不够及时",
            "--to",
            str(team),
        ],
    )
    assert result.exit_code == 2 and "段落不同" in result.stderr
    assert not list(team.glob("*.yaml"))  # nothing written


def test_a_build_names_every_unusable_team_phrase_at_once(tmp_path: Path) -> None:
    team = tmp_path / "team"
    team.mkdir()
    bad = [
        {"id": "team.bad1", "slot": "platforms.portal", "text": "{{ ''.__class__ }}测试"},
        {"id": "team.bad2", "slot": "supervision.training", "text": "{{ supervision.nothing }}次"},
    ]
    (team / "bad.yaml").write_text(
        yaml.safe_dump({"phrases": bad}, allow_unicode=True), encoding="utf-8"
    )
    example = Path(__file__).resolve().parent.parent / "examples" / "dongli-2023"
    result = runner.invoke(
        app, ["build", str(example), "--out", str(tmp_path / "out"), "--phrasebank", str(team)]
    )
    assert result.exit_code == 2
    assert "表述库中有2条表述不能使用" in result.stderr
    assert "team.bad1" in result.stderr and "team.bad2" in result.stderr
    assert not (tmp_path / "out" / "draft.md").exists()
