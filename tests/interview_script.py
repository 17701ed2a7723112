"""A whole interview that reproduces examples/dongli-2023 from scratch, shared by the in-process
and the pseudo-terminal tests: (a piece of the question, what the officer types), in order.

Suggestion prompts are not listed: the phrasebank grows, so a test answers them with Enter (the
first sentence) whenever one appears. A list is one multi-line answer (lines joined by \\n).
"""

from __future__ import annotations

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
