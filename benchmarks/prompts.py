"""How many questions an interview asks: the interview driven in-process through its injectable
`ask` (no terminal), answering from the scripts the tests use (tests/interview_script.py) and
pressing Enter at every other prompt. Prints a Markdown table: prompts (suggestion prompts
included), Enter presses (a multi-line answer takes one per line and one to end it), and what
the officer typed.

    python benchmarks/prompts.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from interview_script import DONGLI, MIDSIZE, NEXT_YEAR, TOWNSHIP, Driver  # noqa: E402
from report_writer.importer.previous import init_from  # noqa: E402
from report_writer.interview.run import run_interview  # noqa: E402

EXAMPLE = ROOT / "examples" / "dongli-2023"
CASES = [
    ("乡镇，本年无事可报（只输入机关、年度、类型）", TOWNSHIP, False, "≤ 20 次回车"),
    ("示例（东丽区应急管理局2023）从零开始", DONGLI, False, "≤ 40 个问题"),
    ("示例的下一年（init --from 示例）", NEXT_YEAR, True, "≤ 25 个问题"),
    ("中等规模（两类申请人45件、6类办理结果、2件行政复议）", MIDSIZE, False, ""),
]


def main() -> None:
    rows = ["| 情形 | 问题数 | 回车次数 | 其中输入了内容的 | 目标 |", "|---|---:|---:|---:|---|"]
    with tempfile.TemporaryDirectory() as scratch:
        for i, (name, script, second_year, target) in enumerate(CASES):
            ws = Path(scratch) / f"case{i}"
            if second_year:
                init_from(ws, EXAMPLE)
            driver = Driver(script)
            result = run_interview(ws, driver.ask, lambda text: None)
            if result.status != "finished" or driver.script:
                raise SystemExit(
                    f"{name}：问答未按脚本完成（{result.status}，余下 {driver.script}）"
                )
            typed = sum(1 for _, text in script if text)
            rows.append(
                f"| {name} | {len(driver.prompts)} | {driver.enters} | {typed} | {target} |"
            )
    print("\n".join(rows))


if __name__ == "__main__":
    main()
