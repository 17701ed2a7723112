"""Face: the Chinese words of the command line's help pages and usage errors.

typer (pinned to 0.26–0.28 in pyproject.toml) carries its own copy of click, `typer._click`, and
words its help in English. `install()` puts Chinese words in three places of that private copy:
typer's gettext hook `typer.core._`, `decorators.help_option` and `HelpFormatter.write_usage`;
`usage_error` words its usage errors, whose two classes come from here too. This is the one module
that touches typer's private parts; tests/test_cli_i18n.py fails loudly when a typer release moves
any of them. Imports nothing of the core.

Floor: face (the top); nothing of the core imports it.
"""

from typing import Any

# main() catches these two of typer's private click to word usage errors in Chinese (usage_error).
from typer._click.exceptions import NoArgsIsHelpError, UsageError

__all__ = [
    "HELP_WORDS",
    "USAGE_ERRORS",
    "NoArgsIsHelpError",
    "UsageError",
    "install",
    "usage_error",
]

# typer's help pages (a vendored click, pinned below 0.29) label their parts in English; these
# are the labels an officer sees on every `--help`, in Chinese.
HELP_WORDS = {
    "Arguments": "参数",
    "Options": "选项",
    "Commands": "命令",
    "required": "必填",
    "default: {default}": "默认：{default}",
    "Aborted!": "已中断。",
}


def install() -> None:
    """Make every help page of this process Chinese (idempotent: a second call changes nothing)."""
    import typer.core
    from typer._click import decorators, formatting

    if getattr(formatting.HelpFormatter.write_usage, "chinese", False):
        return
    vars(typer.core)["_"] = lambda text: HELP_WORDS.get(text, text)  # typer's gettext hook
    plain_help_option = decorators.help_option

    def help_option(param_decls: list[str]) -> Any:
        decorate = plain_help_option(param_decls)

        def apply(command: Any) -> Any:
            command = decorate(command)
            command.params[-1].help = "显示本说明并退出。"
            return command

        return apply

    decorators.help_option = help_option
    plain_write_usage = formatting.HelpFormatter.write_usage

    def write_usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
        args = args.replace("[OPTIONS]", "[选项]").replace("COMMAND [ARGS]...", "命令 [参数]...")
        plain_write_usage(self, prog, args, "用法：" if prefix is None else prefix)

    write_usage.chinese = True  # type: ignore[attr-defined]
    formatting.HelpFormatter.write_usage = write_usage  # type: ignore[method-assign]


# typer's command-line parser (a vendored click) words its usage errors in English; these are
# the ones an officer meets, in Chinese. Each pattern matches the whole message.
USAGE_ERRORS = (
    (r"Missing argument '(.+)'\.", "缺少参数“{0}”"),
    (r"Missing option '(.+)'\.", "缺少选项 {0}"),
    (r"No such option: (\S+) \(Possible options: (.+)\)", "没有选项 {0}，是否应为 {1}？"),
    (r"No such option: (\S+) Did you mean (\S+)\?", "没有选项 {0}，是否应为 {1}？"),
    (r"No such option: (\S+)", "没有选项 {0}"),
    (r"No such command '(.+)'\. Did you mean '(.+)'\?", "没有命令“{0}”，是否应为“{1}”？"),
    (r"No such command '(.+)'\.", "没有命令“{0}”"),
    (r"Invalid value for '(.+?)': '(.*)' is not a valid int(?:eger)?\.", "{0} 应为整数，现为“{1}”"),
    (r"Invalid value for '(.+?)': '(.*)' is not one of (.+)\.", "{0} 应为 {2} 之一，现为“{1}”"),
    (r"Invalid value for '(.+?)': (.+)", "{0} 的值无效：{1}"),
    (r"Got unexpected extra arguments? \((.+)\)", "多余的参数：{0}"),
    (r"Option '(.+)' requires an argument\.", "选项 {0} 后面需要给出一个值"),
    (r"Missing command\.", "缺少命令"),
)


def usage_error(message: str, usage: str, command: str) -> str:
    """A usage error in Chinese, with the usage line and where to read the help."""
    import re

    for pattern, words in USAGE_ERRORS:
        match = re.fullmatch(pattern, message)
        if match:
            message = words.format(*match.groups())
            break
    return f"错误：{message}\n{usage}\n查看说明：{command} --help"
