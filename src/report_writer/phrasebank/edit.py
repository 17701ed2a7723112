"""Listing, showing and adding phrases of a team folder (`phrasebank list/show/search/add`).

A phrase is added only after it passes lint against the Vocabulary the caller gives; the file
keeps its comments (ruamel.yaml round trip). Never imports the narrative.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from report_writer.errors import InputError
from report_writer.files import make_dir
from report_writer.phrasebank.analysis import Vocabulary
from report_writer.phrasebank.bank import (
    Issue,
    Phrase,
    load_phrasebank,
    moved,
    phrase_from,
    read_phrasebank,
)
from report_writer.phrasebank.lint import lint_phrase


def list_phrases(
    dirs: Sequence[Path] = (),
    slot: str | None = None,
    tag: str | None = None,
    words: Sequence[str] = (),
) -> list[Phrase]:
    """The phrases in force over the built-in bank and `dirs`, filtered (see Phrasebank.find)."""
    return load_phrasebank(dirs).find(slot=slot, tag=tag, words=words)


def show_phrase(dirs: Sequence[Path], phrase_id: str) -> Phrase:
    """The phrase in force with this id; InputError naming close ids when there is none."""
    bank = load_phrasebank(dirs)
    phrase = bank.get(phrase_id)
    if phrase is None:
        import difflib

        close = difflib.get_close_matches(phrase_id, list(bank.phrases), n=3, cutoff=0.6)
        hint = f"，是否应为：{'、'.join(close)}" if close else ""
        raise InputError(f"表述库中没有编号为“{phrase_id}”的表述{hint}")
    return phrase


def add_phrase(
    vocab: Vocabulary,
    folder: Path,
    slot: str,
    text: str,
    phrase_id: str | None = None,
    when: str | None = None,
    tags: Sequence[str] = (),
    asserts: Sequence[str] = (),
    claims: Sequence[str] = (),
) -> Phrase:
    """Append a phrase to a team folder, after linting it against `vocab`; the file keeps its
    comments.

    The phrase goes into the folder's file that already holds phrases of `slot`, else into
    `<first part of slot>.yaml` (created when missing). Without `phrase_id` one is made up from
    the slot (`<slot>.team<n>`).
    """
    folder = Path(folder)
    make_dir(folder, "表述库文件夹")
    team = read_phrasebank([(str(folder), folder)])
    if team.issues:
        raise InputError(
            f"表述库 {folder} 有{len(team.issues)}处问题，请先修改：",
            details=[str(i) for i in team.issues],
        )
    taken = set(team.phrases)
    builtin = load_phrasebank().get(phrase_id) if phrase_id else None
    if builtin is not None and builtin.slot != slot:
        raise InputError(f"没有写入：“{phrase_id}”{moved(builtin, slot)}")
    if phrase_id is None:
        n = 1
        while f"{slot}.team{n}" in taken:
            n += 1
        phrase_id = f"{slot}.team{n}"
    elif phrase_id in taken:
        raise InputError(f"表述库 {folder} 中已有编号为“{phrase_id}”的表述，请换一个编号")
    same_slot = [p.file for p in team.phrases.values() if p.slot == slot]
    target = same_slot[0] if same_slot else folder / f"{slot.split('.')[0]}.yaml"
    raw: dict[str, Any] = {"id": phrase_id, "slot": slot, "text": text.strip()}
    if when:
        raw["when"] = when.strip()
    for key, values in (("asserts", asserts), ("claims", claims), ("tags", tags)):
        if values:
            raw[key] = list(values)
    issues: list[Issue] = []
    phrase = phrase_from(raw, target, str(folder), 0, issues)
    if phrase is not None:
        issues.extend(lint_phrase(phrase, vocab))
    if issues or phrase is None:
        raise InputError("新表述未通过检查，没有写入：", details=[i.message for i in issues])
    _append(target, raw)
    return phrase


def _append(path: Path, raw: dict[str, Any]) -> None:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    from report_writer.files import TextForm, read_text_form, write_text_form
    from report_writer.yamlio import dump_roundtrip, roundtrip_yaml

    text, form = read_text_form(path) if path.exists() else ("", TextForm())
    data = roundtrip_yaml().load(text) if text else None
    if data is None:
        data = CommentedMap()
        if not path.exists():
            data.yaml_set_start_comment(
                "团队表述库（report-writer phrasebank add 写入，可手工编辑）"
            )
    if "phrases" not in data or data["phrases"] is None:
        data["phrases"] = CommentedSeq()
    entry = CommentedMap()
    for key, value in raw.items():
        entry[key] = value
    data["phrases"].append(entry)
    write_text_form(path, dump_roundtrip(data), form)  # its BOM and line ends kept
