"""Data layer: `aggregate-log.yaml`, the record `aggregate` keeps in a government's workspace of
where every summed cell came from; read back for `explain --cell`, and for the checks it adds
(A1: units with errors went into the sums; A2: a summed cell changed by hand since).

Floor: data. Must not import from the floors above (output and up).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from msgspec import Struct

from report_writer.errors import InputError, ReportWriterError
from report_writer.files import read_text
from report_writer.formats.checks import Finding, fmt_number
from report_writer.formats.figures import Value
from report_writer.model import Report
from report_writer.yamlio import parse_yaml

LOG_FILE = "aggregate-log.yaml"


def plain(value: Value) -> Any:
    """A cell's value as the log holds it: an integer, a float for 万元 with decimals, or None."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


class Log(Struct, frozen=True):
    path: Path
    made: str
    inputs: list[dict[str, Any]]
    cells: dict[str, dict[str, Any]]
    facts: dict[str, Any]


def read_log(folder: Path) -> Log | None:
    """The aggregate-log.yaml of a workspace, or None when it was not made by `aggregate`."""
    path = folder / LOG_FILE
    if not path.is_file():
        return None
    data = parse_yaml(read_text(path), path)
    if not isinstance(data, dict) or not isinstance(data.get("cells"), dict):
        raise InputError(f"{path} 不是 aggregate 写的汇总记录（缺少 cells）；请重新运行 aggregate")
    return Log(
        path,
        str(data.get("made", "")),
        [i for i in data.get("inputs") or [] if isinstance(i, dict)],
        data["cells"],
        data.get("facts") or {},
    )


def log_findings(report: Report, folder: Path) -> list[Finding]:
    """What `check` adds for a workspace made by `aggregate`: A1 (error) when units with errors
    went into the sums, so that the result passes exactly when every unit summed passes; A2
    (warning) for each cell changed by hand since it was summed."""
    try:
        log = read_log(folder)
    except ReportWriterError as exc:
        return [Finding("A2", "warning", exc.message)]
    if log is None:
        return []
    findings = []
    flawed = [i for i in log.inputs if i.get("included") and i.get("errors")]
    if flawed:
        names = "、".join(f"{i['agency']}（{len(i['errors'])}处）" for i in flawed)
        findings.append(
            Finding(
                "A1",
                "error",
                f"统计表汇总时计入了有勾稽错误的单位：{names}。请改正这些单位的数字后重新运行 "
                f"report-writer aggregate（错误明细见 {LOG_FILE}）",
                values={"units": [i["agency"] for i in flawed]},
            )
        )
    for dotted, entry in log.cells.items():
        key = tuple(dotted.split("."))
        if len(key) != 3 or key not in report.figures.values:
            continue
        now = report.figures.values[(key[0], key[1], key[2])]
        summed = entry.get("sum") if isinstance(entry, dict) else None
        if plain(now) != summed:
            findings.append(
                Finding(
                    "A2",
                    "warning",
                    f"{report.fmt.cell_label((key[0], key[1], key[2]))}为{fmt_number(now)}，"
                    f"与汇总记录中的汇总数{shown(summed)}不同（汇总后被手工改过？）；"
                    "重新运行 aggregate 会恢复为各单位之和",
                    table=key[0],
                    row=key[1],
                    column=key[2],
                    values={"value": now, "sum": summed},
                )
            )
    return findings


def shown(value: Any) -> str:
    return "空" if value is None else str(value)
