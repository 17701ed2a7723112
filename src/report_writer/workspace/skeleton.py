"""The commented report.yaml a new workspace starts from.

Every leaf cell of tables 二、三、四 is present as 0 with its official label as a comment; totals
are left out (computed, and checked when written in); the answers schema is listed in comments.

Floor: data. Must not import from the floors above (output and up).
"""

from __future__ import annotations

from report_writer.answers import load_schema
from report_writer.formats.spec import Format
from report_writer.model import LEVELS, Meta


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def report_yaml(meta: Meta, fmt: Format) -> str:
    lines = [
        f"# {meta.title}",
        "# 报告起草助手的工作区文件：本年度报告的全部事实和数字都在这里，可直接手工编辑。",
        "# 改完后运行 report-writer check <工作区> 核对勾稽关系。",
        "",
        "meta:",
        f"  agency: {_q(meta.agency)}  # 机关全称",
        f"  year: {meta.year}  # 报告年度",
        f"  level: {meta.level}  # 机关类型：department 部门 / government 人民政府 / township 乡镇街道"
        f"（当前：{LEVELS[meta.level]}）",
        "  # tier: county  # 行政层级（可选）：national 国家级 / province 省级 / city 设区的市级 /"
        " county 县级 / township 乡级",
        f"  format: {fmt.id}  # {fmt.name}",
        "",
    ]
    lines += _answers_comment()
    lines += ["", "tables:"]
    for spec in fmt.tables.values():
        lines.append(f"  # {spec.name} {spec.number}、{spec.title}")
        lines.append(f"  {spec.key}:")
        for block in spec.blocks:
            leaves = [c for c in block.columns if not c.derived]
            derived = [c for c in block.columns if c.derived]
            if block.caption:
                lines.append(f"    # {block.caption}")
            legend = "，".join(f"{c.key} {c.label}" for c in leaves)
            lines.append(f"    # 各列：{legend}")
            if derived:
                names = "、".join(f"{c.key}（{c.label}）" for c in derived)
                lines.append(f"    # {names}自动计算，不必填写；如填写，将核对是否等于各项之和")
            for row in block.rows:
                if row.derived:
                    lines.append(
                        f"    # {row.key}（{row.label}）自动计算，不必填写；如填写，将核对是否等于各项之和"
                    )
                    continue
                cells = ", ".join(f"{c.key}: 0" for c in leaves)
                group = f"{row.groups[-1]} " if len(row.groups) > 1 else ""
                lines.append(f"    {row.key}: {{{cells}}}  # {group}{row.label}")
        lines.append("")
    lines += [
        "# 各段落指定的表述编号（interview 中选用建议表述时记录；也可手工指定，如 overview.opening: overview.opening.focus）",
        "phrases: {}",
        "",
        "# 团队表述库文件夹（路径相对于本工作区；叠加在内置表述库之上，后者优先）",
        "phrasebanks: []",
        "",
    ]
    return "\n".join(lines)


def _answers_comment() -> list[str]:
    lines = [
        "# 第一、五、六部分的事实，由 report-writer interview 逐项询问填写，也可在此手工填写。",
        "# 可填写的键（未填写的项目，正文中不会出现相应表述）：",
    ]
    for group in load_schema().groups:
        lines.append(f"#   {group.key}:  # {group.label}")
        for f in group.fields:
            name = f.key.split(".", 1)[1]
            extra = ""
            if f.choices:
                extra = "，可选：" + "、".join(f"{c.key}（{c.label}）" for c in f.choices)
            elif f.fields:
                extra = "，每项：" + "、".join(f"{s.key}（{s.label}）" for s in f.fields)
            if f.example:
                extra += f"，例：{f.example}"
            lines.append(f"#     {name}:  # {f.label}（{f.type}{extra}）")
    lines.append("answers: {}")
    return lines
