"""A whole interview that reproduces examples/dongli-2023 from scratch, shared by the in-process
and the pseudo-terminal tests: (a piece of the question, what the officer types), in order.

Suggestion prompts are not listed: the phrasebank grows, so a test answers them with Enter (the
first sentence) whenever one appears. A list is one multi-line answer (lines joined by \\n).
"""

from __future__ import annotations

from typing import Any

DONGLI = [
    ("机关全称", "东丽区应急管理局"),
    ("报告年度", "2023"),
    ("机关类型", "部门"),
    # 一、总体情况
    ("主责主业", "应急管理、防灾减灾和安全生产"),
    ("重点举措", ""),
    ("组织领导方面", "1 2 3"),
    ("负责同志", "分管领导"),
    ("牵头科室", "办公室"),
    ("承办政务公开工作", "1人"),
    ("门户网站名称", "东丽区人民政府门户网站"),
    (
        "主动公开了哪些信息",
        "行政处罚信息 20\n年度部门决算和“三公”经费决算信息 6\n重大民生信息 21\n其他法定公开信息 5",
    ),
    ("依申请公开的办理情况", "1"),
    ("按时答复率", "100"),
    ("政府信息管理方面", ""),
    ("政务新媒体", "微信公众号 366\n今日头条 108"),
    ("监督保障方面", "2 3"),
    ("社会监督员", "41"),
    ("社会监督活动", "以特邀社会监督员交流座谈为主题的“政府开放周”活动"),
    # 二、表二
    ("表二", "行政处罚 60"),
    # 三、表三
    ("有没有收到政府信息公开申请", "是"),
    ("哪些类型的申请人", ""),
    ("本年新收申请：自然人", "9"),
    ("上年结转的申请：自然人", ""),
    ("结转下年度继续办理的：自然人", ""),
    ("下一类办理结果", "不掌握 8"),
    ("下一类办理结果", "信访 1"),
    # 四、表四
    ("表四", "行政复议 0 0 0 1"),
    # 五
    ("主要问题", "1 2 3"),
    ("其他问题", ""),
    (
        "改进措施",
        "系统清理本局应公开事项，借助微信公众号、微博等新媒体拓展公开的范围和层次\n"
        "聚焦安全生产、防灾减灾领域群众关心的热点难点，提升信息发布的质量和速度\n"
        "组织政务公开专题培训，让培训内容更贴近实际、更成体系",
    ),
    ("上年度报告所列的问题", ""),
    # 六
    ("第六部分", ""),
]

# The questions answered with several lines (Enter starts a new line; Enter on an empty line, or
# Esc Enter, ends the answer): a terminal test types them so.
MULTILINE = ("重点举措", "主动公开了哪些信息", "政务新媒体", "社会监督活动", "表二", "表四")
MULTILINE += ("其他问题", "改进措施", "上年度报告所列的问题")


class Driver:
    """An officer for counting: answers a prompt from the script when the script's next piece
    is in its question, and presses Enter otherwise. Counts the prompts and the Enter presses
    (a multi-line answer takes one per line typed, and one on the empty line that ends it)."""

    def __init__(self, script: list[tuple[str, str]]) -> None:
        self.script = list(script)
        self.prompts: list[Any] = []
        self.screen: list[str] = []
        self.enters = 0

    def ask(self, prompt: Any) -> str:
        self.prompts.append(prompt)
        self.screen.append(prompt.text)
        typed = ""
        if self.script and self.script[0][0] in prompt.text:
            typed = self.script.pop(0)[1]
        self.enters += 1 + (len(typed.split("\n")) if prompt.multiline and typed else 0)
        return typed

    def say(self, text: str) -> None:
        self.screen.append(text)


# A township with nothing to report: only the agency, the year and the type are typed.
TOWNSHIP = [("机关全称", "某某镇人民政府"), ("报告年度", "2024"), ("机关类型", "乡镇街道")]

# The example's next year, from `init --from examples/dongli-2023`: what stays is taken over
# with Enter; the figures of 2024 and what changed are typed.
NEXT_YEAR = [
    ("主动公开了哪些信息", "行政处罚信息 35\n年度部门决算和“三公”经费决算信息 6\n重大民生信息 30"),
    ("政务新媒体", "微信公众号 402\n今日头条 95"),
    ("表二", "行政处罚 48"),
    ("本年新收申请：自然人", "12"),
    ("下一类办理结果", "予以公开 5"),
    ("下一类办理结果", "不掌握 6"),
    ("下一类办理结果", "撤回申请 1"),
    (
        "整改得怎样",
        "公开的深度和广度不够：已系统梳理应公开事项\n"
        "信息发布的时效性不强：已建立信息发布时限台账\n"
        "政策解读不够深入：已增加图解和问答解读",
    ),
]

# A mid-size report: a city's 生态环境局 with 45 requests from two applicant types, six kinds of
# outcome and two 行政复议 cases.
MIDSIZE = [
    ("机关全称", "某市生态环境局"),
    ("报告年度", "2024"),
    ("机关类型", "部门"),
    ("主责主业", "生态环境保护和污染防治"),
    ("组织领导方面", "1 2 3"),
    ("负责同志", "分管副局长"),
    ("牵头科室", "办公室"),
    ("承办政务公开工作", "2"),
    ("门户网站名称", "某市人民政府门户网站"),
    ("主动公开了哪些信息", "行政处罚信息 35\n环境影响评价信息 120\n突发环境事件应急信息 3条"),
    ("依申请公开的办理情况", "1 2"),
    ("按时答复率", "100"),
    ("咨询", "60人次"),
    ("政务新媒体", "微信公众号 200"),
    ("表二", "行政处罚 35\n行政许可 120"),
    ("有没有收到政府信息公开申请", "是"),
    ("哪些类型的申请人", "1 2"),
    ("本年新收申请：自然人", "30"),
    ("本年新收申请：商业企业", "15"),
    ("下一类办理结果", "予以公开"),
    ("自然人", "12"),
    ("商业企业", "8"),
    ("下一类办理结果", "部分公开"),
    ("自然人", "4"),
    ("商业企业", "2"),
    ("下一类办理结果", "不掌握"),
    ("自然人", "6"),
    ("商业企业", "3"),
    ("下一类办理结果", "撤回申请"),
    ("自然人", "3"),
    ("商业企业", "1"),
    ("下一类办理结果", "信访件"),
    ("自然人", "3"),
    ("商业企业", "0"),
    ("下一类办理结果", "重复申请"),
    ("自然人", "2"),
    ("商业企业", "1"),
    ("表四", "行政复议 1 0 0 1"),
    ("主要问题", "1 3"),
]
