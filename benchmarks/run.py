"""Benchmarks of report-writer as a user runs it: each command in a fresh process, timed with
time.perf_counter around the whole run (interpreter start-up included), several runs after one
warm-up, the median reported. The runs go round the cases in turn, so that a slow spell of a
shared machine slows every case alike rather than one. Prints a Markdown table with the targets
and the machine.

    python benchmarks/run.py [--runs 7]

A command that does not exist yet is reported as 「未测（功能尚未完成）」, never estimated.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "dongli-2023"
PHRASEBANK = ROOT / "phrasebank"
REFERENCE = ROOT.parent / "shared" / "reference" / "000_cb66867b0d9d4dcd.txt"
NOT_YET = "未测（功能尚未完成）"
# Commands run as after `pip install`, with compiled .pyc files: a PYTHONDONTWRITEBYTECODE set in
# the calling shell would make every run compile the project's modules again.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def cli() -> list[str]:
    script = Path(sys.executable).parent / "report-writer"
    return [str(script)] if script.exists() else [sys.executable, "-m", "report_writer"]


@dataclass
class Case:
    name: str
    argv: Callable[[Path, int], list[str]]  # (scratch folder, run number) -> command
    prepare: Callable[[Path, int], None] = lambda scratch, run: None  # untimed, before each run
    requires: tuple[str, ...] = ()  # subcommand that must exist, e.g. ("phrasebank", "lint")
    ok_codes: tuple[int, ...] = (0,)
    target: float | None = None  # seconds
    cold: bool = False  # run with an empty cache folder (see cache.py), as a first run does
    program: str | None = None  # an outside program the case runs (e.g. chromium), when present


@dataclass
class Outcome:
    seconds: float | None = None
    note: str = ""


def available(requires: tuple[str, ...]) -> bool:
    if not requires:
        return True
    proc = subprocess.run([*cli(), *requires, "--help"], capture_output=True, text=True)
    return proc.returncode == 0


def measure(cases: list[Case], scratch: Path, runs: int) -> list[Outcome]:
    """Each case `runs` times (after a warm-up run), going round the cases in turn."""
    outcomes = [Outcome() if available(c.requires) else Outcome(note=NOT_YET) for c in cases]
    for case, outcome in zip(cases, outcomes, strict=True):
        if case.program and not shutil.which(case.program):
            outcome.note = f"未测（没有 {case.program}）"
    times: list[list[float]] = [[] for _ in cases]
    for run in range(runs + 1):  # run 0 warms the disk cache and compiles .pyc files
        for case, outcome, timed in zip(cases, outcomes, times, strict=True):
            if outcome.note:
                continue
            case.prepare(scratch, run)
            env = ENV
            if case.cold:
                env = {**ENV, "REPORT_WRITER_CACHE": str(scratch / "cold-cache" / str(run))}
            argv = case.argv(scratch, run)
            started = time.perf_counter()
            proc = subprocess.run(argv, capture_output=True, text=True, env=env)
            elapsed = time.perf_counter() - started
            if proc.returncode not in case.ok_codes:
                first = (proc.stderr.strip() or proc.stdout.strip()).splitlines()[:1]
                outcome.note = f"失败（退出码 {proc.returncode}）：{' '.join(first)[:80]}"
            elif run:
                timed.append(elapsed)
    for outcome, timed in zip(outcomes, times, strict=True):
        if not outcome.note:
            outcome.seconds = statistics.median(timed)
    return outcomes


# Headless chromium as the README's screenshots take it: no network, a private profile per run.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def fresh_copy(source: Path, target: Path) -> None:
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target)


def many_workspaces(folder: Path, count: int) -> None:
    """`count` workspaces: the example under other agency names, each with other figures."""
    text = (EXAMPLE / "report.yaml").read_text(encoding="utf-8")
    for i in range(count):
        ws = folder / f"ws{i:04d}"
        ws.mkdir(parents=True)
        body = text.replace("东丽区应急管理局", f"某某区第{i}局").replace(
            "penalty: {decisions: 60}", f"penalty: {{decisions: {i}}}"
        )
        (ws / "report.yaml").write_text(body, encoding="utf-8")


def office_units(folder: Path, count: int) -> None:
    """A 政务公开办's folder of `count` units: the example's report under other agency names, with
    figures that vary from unit to unit (their tables add up, but for every tenth unit's 表四, the
    example's own error); every other unit has last year's report in previous/."""
    import random

    import yaml

    data = yaml.safe_load((EXAMPLE / "report.yaml").read_text(encoding="utf-8"))
    kinds = ["局", "委员会", "街道办事处", "镇人民政府"]
    for i in range(count):
        rng = random.Random(i)
        unit = yaml.safe_load(yaml.safe_dump(data))
        kind = kinds[i % len(kinds)]
        unit["meta"]["agency"] = f"某某区第{i + 1}{kind}"
        unit["meta"]["level"] = "township" if kind.endswith(("处", "府")) else "department"
        tables = unit["tables"]
        for last_year in (False, True):
            if last_year and i % 2:
                continue
            new = rng.randint(0, 120)
            granted = rng.randint(0, new)
            not_held = rng.randint(0, new - granted)
            rows = {"new": new, "granted": granted, "unavailable_not_held": not_held}
            rows |= {"rejected_complaint": new - granted - not_held, "handled_total": new}
            for row, cells in tables["applications"].items():
                value = rows.get(row, 0)
                cells.update({k: 0 for k in cells} | {"natural_person": value, "total": value})
            tables["proactive"]["penalty"]["decisions"] = rng.randint(0, 300)
            pending = rng.randint(0, 3)
            tables["reviews"]["review"].update(pending=pending, total=pending)
            if i % 10 == 9:  # the example's error
                tables["reviews"]["review"]["total"] = pending + 1
            unit["meta"]["year"] = data["meta"]["year"] - last_year
            where = folder / f"unit{i + 1:02d}" / ("previous" if last_year else "")
            where.mkdir(parents=True, exist_ok=True)
            text = yaml.safe_dump(unit, allow_unicode=True, sort_keys=False)
            (where / "report.yaml").write_text(text, encoding="utf-8")


def many_phrases(folder: Path, count: int, per_file: int = 1_000) -> None:
    """A team folder of `count` phrases: the built-in phrases, renumbered, over and over."""
    import yaml

    builtin = [
        phrase
        for path in sorted(PHRASEBANK.glob("*.yaml"))
        for phrase in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("phrases", [])
    ]
    if not builtin:
        raise SystemExit("内置表述库为空，无法生成测试表述")
    folder.mkdir(parents=True)
    for start in range(0, count, per_file):
        phrases = [
            {**builtin[i % len(builtin)], "id": f"bench.p{i:05d}"}
            for i in range(start, min(start + per_file, count))
        ]
        text = yaml.safe_dump({"phrases": phrases}, allow_unicode=True, sort_keys=False)
        (folder / f"bench{start // per_file:02d}.yaml").write_text(text, encoding="utf-8")


def flattened_reports(folder: Path, count: int) -> list[Path]:
    """`count` published reports as portals' crawlers save them: the whole page on one line,
    the figures of each row run together (「…申请数量9000009二、…」), 表四 one string of digits.
    The example's figures, under other agency names, with 行政处罚 and the new applications
    varied so that the rows cut differently."""
    import yaml

    from report_writer.formats.spec import load_format

    fmt = load_format("gov2021")
    tables = yaml.safe_load((EXAMPLE / "report.yaml").read_text(encoding="utf-8"))["tables"]
    folder.mkdir(parents=True)
    paths = []
    for i in range(count):
        extra = i % 13  # applications granted to natural persons, added to 新收 and 总计
        name = "".join("〇一二三四五六七八九"[int(d)] for d in f"{i:04d}")  # no digits in a name
        parts = [
            f"某某区第{name}局2023年政府信息公开工作年度报告",
            "一、总体情况本年度，我局依法公开政府信息。",
        ]
        parts.append("二、主动公开政府信息情况")
        for spec_key in ("proactive", "applications", "reviews"):
            spec = fmt.tables[spec_key]
            if spec_key == "applications":
                parts.append(f"三、收到和处理政府信息公开申请情况{spec.corner}")
            if spec_key == "reviews":
                parts.append("四、政府信息公开行政复议、行政诉讼情况行政复议行政诉讼结果维持总计")
            digits = []
            for row in spec.rows:
                values = []
                for col in row.columns:
                    value = (tables[spec_key].get(row.key) or {}).get(col.key, 0)
                    if spec_key == "applications" and col.key == "total":
                        value = sum(values)
                    elif spec_key == "applications" and row.key in (
                        "new",
                        "granted",
                        "handled_total",
                    ):
                        if col.key == "natural_person":
                            value = (value or 0) + extra
                        if row.key == "handled_total":
                            value = sum(
                                (tables[spec_key].get(r) or {}).get(col.key, 0)
                                for r in fmt.rules[3].params["terms"]
                            ) + (extra if col.key == "natural_person" else 0)
                    elif spec_key == "reviews" and col.key == "total":
                        value = sum(values)
                    elif spec_key == "proactive" and row.key == "penalty":
                        value = 60 + i
                    values.append(value or 0)
                if spec_key == "reviews":
                    digits += values
                else:
                    parts.append(row.label + "".join(str(v) for v in values))
            if digits:
                parts.append("".join(str(v) for v in digits))
        parts.append("五、存在的主要问题及改进情况公开深度不够。六、其他需要报告的事项无。")
        path = folder / f"第{i:04d}局.txt"
        path.write_text("".join(parts), encoding="utf-8")
        paths.append(path)
    return paths


def long_report(path: Path, repeat: int) -> None:
    """The reference report with the prose of sections 一 and 五 repeated `repeat` times."""
    lines = REFERENCE.read_text(encoding="utf-8").splitlines()[:-2]  # last 2: scraper noise
    starts = {
        text: i for i, text in enumerate(lines) if text[:2] in ("一、", "二、", "五、", "六、")
    }
    one, two = starts["一、总体情况"], starts["二、主动公开政府信息情况"]
    five, six = starts["五、存在的主要问题及改进情况"], starts["六、其他需要报告的事项"]
    longer = (
        lines[: one + 1]
        + lines[one + 1 : two] * repeat
        + lines[two : five + 1]
        + lines[five + 1 : six] * repeat
        + lines[six:]
    )
    path.write_text("\n".join(longer) + "\n", encoding="utf-8")


# --- the cases ----------------------------------------------------------------------------


def cases(scratch: Path) -> list[Case]:
    rw = cli()
    ws = scratch / "build" / "dongli-2023"

    def prepare_build(scratch: Path, run: int) -> None:
        fresh_copy(EXAMPLE, ws)

    many = scratch / "many"
    many_workspaces(many, 1_000)
    team = scratch / "team"
    many_phrases(team, 10_000)
    report = scratch / "long-report.txt"
    long_report(report, 30)
    published = flattened_reports(scratch / "published", 1_000)
    pdf = ROOT / "tests" / "fixtures" / "dongli-2023.pdf"

    def fresh_folder(scratch: Path, run: int) -> None:
        shutil.rmtree(scratch / "imported-many", ignore_errors=True)

    office = scratch / "全区2023"
    office_units(office, 50)
    page = scratch / "总览.html"
    blank = scratch / "blank.html"
    blank.write_text("<!DOCTYPE html><title>空白</title>", encoding="utf-8")

    def overview_page(scratch: Path, run: int) -> None:
        if not page.exists():
            subprocess.run([*rw, "overview", str(office), "--to", str(page)], check=True)

    def chromium(target: Path) -> Callable[[Path, int], list[str]]:
        return lambda s, r: [
            "chromium",
            *CHROMIUM_FLAGS,
            f"--user-data-dir={s / 'chromium' / str(r)}",
            f"--screenshot={s / 'shot.png'}",
            "--window-size=1280,2000",
            target.as_uri(),
        ]

    return [
        Case("`report-writer --help`", lambda s, r: [*rw, "--help"]),
        Case('`python -c "import typer"`', lambda s, r: [sys.executable, "-c", "import typer"]),
        # A subcommand costs a little more than the bare --help: typer builds its parameters.
        Case(
            "`report-writer check --help`（子命令的启动开销）",
            lambda s, r: [*rw, "check", "--help"],
        ),
        Case(
            "build 示例（Markdown）",
            lambda s, r: [*rw, "build", str(ws), "--format", "md"],
            prepare_build,
            ("build",),
            (0, 1),
            0.2,
        ),
        Case(
            "build 示例（Markdown；缓存为空，如首次运行或升级后）",
            lambda s, r: [*rw, "build", str(ws), "--format", "md"],
            prepare_build,
            ("build",),
            (0, 1),
            cold=True,
        ),
        Case(
            "build 示例（全部格式：md、html、docx）",
            lambda s, r: [*rw, "build", str(ws), "--format", "md,html,docx"],
            prepare_build,
            ("build",),
            (0, 1),
            0.5,
        ),
        Case(
            "check 1,000 个工作区（一次调用）",
            lambda s, r: [*rw, "check", str(many)],
            requires=(),
            ok_codes=(0, 1),
            target=5.0,
        ),
        Case(
            "phrasebank lint 10,000 条表述",
            lambda s, r: [*rw, "phrasebank", "lint", str(team)],
            requires=("phrasebank", "lint"),
            target=1.0,
        ),
        Case(
            f"import 长报告（{report.stat().st_size // 1024} KB，正文重复30遍）",
            lambda s, r: [*rw, "import", str(report), "-o", str(s / "imported" / str(r))],
            requires=("import",),
            ok_codes=(0, 1),
        ),
        Case(
            "import --check 1,000 份网页文本报告（一次调用；整页一行、数字连写，各写成工作区）",
            lambda s, r: [
                *rw,
                "import",
                *map(str, published),
                "--check",
                "-o",
                str(s / "imported-many"),
            ],
            fresh_folder,
            requires=("import",),
            ok_codes=(0, 1),
        ),
        Case(
            "import --check 一份真实的多页 PDF（示例草稿经 LibreOffice 转成的5页 PDF）",
            lambda s, r: [
                *rw,
                "import",
                str(pdf),
                "--check",
                "-o",
                str(s / "imported-pdf" / str(r)),
            ],
            requires=("import",),
            ok_codes=(0, 1),
        ),
        Case(
            "overview 50 个单位（网页，含图表）",
            lambda s, r: [*rw, "overview", str(office), "--to", str(s / f"o{r}.html")],
            requires=("overview",),
        ),
        Case(
            "overview 50 个单位（电子表格）",
            lambda s, r: [*rw, "overview", str(office), "--to", str(s / f"o{r}.xlsx")],
            requires=("overview",),
        ),
        Case(
            "aggregate 50 个单位（其中 5 个有错误，不计入）",
            lambda s, r: [
                *rw,
                "aggregate",
                str(office),
                "-o",
                str(s / f"gov{r}"),
                "--agency",
                "某某区人民政府",
            ],
            requires=("aggregate",),
            ok_codes=(1,),
        ),
        Case(
            "headless chromium 打开 50 个单位的总览并截图",
            chromium(page),
            overview_page,
            requires=("overview",),
            program="chromium",
        ),
        Case(
            "headless chromium 打开空白页并截图（对照：浏览器自身的启动）",
            chromium(blank),
            program="chromium",
        ),
    ]


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    with_name = Path("/proc/cpuinfo")
    if with_name.exists():
        for line in with_name.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return (
        f"{cpu}，{os.cpu_count()} 核；{platform.system()} {platform.release()}；"
        f"Python {platform.python_version()}"
    )


def seconds(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs per case (median)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="rw-bench-") as tmp:
        scratch = Path(tmp)
        every = cases(scratch)
        results = list(zip(every, measure(every, scratch, args.runs), strict=True))
    rows = []
    for case, outcome in results:
        verdict = ""
        if outcome.seconds is not None and case.target is not None:
            verdict = "达标" if outcome.seconds < case.target else "未达标"
        target = f"< {case.target:g} s" if case.target else ""
        rows.append([case.name, outcome.note or seconds(outcome.seconds), target, verdict])
    help_time, typer_time = results[0][1].seconds, results[1][1].seconds
    if help_time and typer_time:  # the start-up target is relative to typer's own import
        ratio = help_time / typer_time
        verdict = "达标" if ratio <= 1.5 else "未达标"
        rows.insert(2, ["`--help` ÷ `import typer`", f"{ratio:.2f}×", "≤ 1.5×", verdict])
    print(f"机器：{machine()}；每项 {args.runs} 次的中位数（另有 1 次预热不计）\n")
    print("| 项目 | 用时 | 目标 | 结果 |")
    print("|---|---:|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
