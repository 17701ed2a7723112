"""Interview layer, the terminal front end: prompt_toolkit implements the session's `ask` and `say`.

The question stands above the input line with its default in brackets; Tab completes choices;
input is checked in place (the message appears under the line, the rejected text is selected so
that what is typed next replaces it, and arrow keys keep it for correcting); the bottom toolbar
shows the part and the progress. A multi-line answer takes Enter as a new line and ends with
Enter on an empty line or Esc Enter (Alt-Enter); Ctrl-C in it keeps the lines typed. Suggestions
are picked with ↑↓ and Enter, or by their number.

Floor: import/interview. Must not import the session (it only knows the Prompt, prompt.py), nor
from the floors above (orchestration and up).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from report_writer.interview.prompt import MULTILINE_HOW, Interrupted, Prompt, validate

if TYPE_CHECKING:
    from prompt_toolkit.input import Input
    from prompt_toolkit.output import Output

CHOSEN = "❯"  # marks the suggestion that Enter picks


class Terminal:
    def __init__(self, input: Input | None = None, output: Output | None = None) -> None:
        from prompt_toolkit import PromptSession

        self.output = output
        self.current = Prompt("")  # the prompt being asked, for the key bindings
        self.session: Any = PromptSession(input=input, output=output, key_bindings=_bindings(self))

    def ask(self, prompt: Prompt) -> str:
        from prompt_toolkit.validation import ValidationError, Validator

        class Check(Validator):
            def validate(self, document: Any) -> None:
                error = validate(prompt, document.text)
                if error:
                    raise ValidationError(message=error, cursor_position=len(document.text))

        self.current = prompt
        head = (
            prompt.text + (f" [{prompt.default}]" if prompt.default else "") if prompt.text else ""
        )
        if prompt.multiline:
            head += ("\n" if head else "") + f"  （{MULTILINE_HOW}）"

        def message() -> str:
            lines = [self.option_line(i) for i in range(len(prompt.options))]
            return "\n".join([*lines, *([head] if head else []), prompt.marker])

        def continuation(width: int, line_number: int, wrap_count: int) -> str:
            return f"{line_number + 1}> ".rjust(width)

        answer: str = self.session.prompt(
            message if prompt.options else "\n".join([*([head] if head else []), prompt.marker]),
            default=prompt.prefill,
            validator=Check(),
            validate_while_typing=False,
            completer=completer(prompt),
            complete_while_typing=False,
            bottom_toolbar=prompt.toolbar or None,
            multiline=prompt.multiline,
            prompt_continuation=continuation if prompt.multiline else None,
        )
        return answer

    def option_line(self, index: int) -> str:
        """One suggestion, marked when it is the one Enter would pick."""
        buffer = self.session.default_buffer
        typed = buffer.text.strip() or self.current.default
        mark = CHOSEN if typed == str(index + 1) else " "
        return f"{mark} {index + 1} {self.current.options[index]}"

    def say(self, text: str) -> None:
        from prompt_toolkit import print_formatted_text

        if self.output is None:
            print_formatted_text(text)
        else:
            print_formatted_text(text, output=self.output)


def _bindings(terminal: Terminal) -> Any:
    """Enter validates (rejected text is selected, so typing replaces it; a multi-line answer is
    left as typed, for the line named to be corrected); in a multi-line answer
    Enter starts a new line unless the line is empty; ↑↓ move between suggestions."""
    from prompt_toolkit.buffer import ValidationState
    from prompt_toolkit.filters import Condition, is_searching
    from prompt_toolkit.key_binding import KeyBindings

    bindings = KeyBindings()
    multiline = Condition(lambda: terminal.current.multiline)
    options = Condition(lambda: bool(terminal.current.options))

    def accept(buffer: Any) -> None:
        buffer.validate_and_handle()
        if terminal.current.multiline:
            return  # the lines stay as typed, for the one named in the message to be corrected
        if buffer.validation_state == ValidationState.INVALID and buffer.text:
            buffer.cursor_position = 0
            buffer.start_selection()
            buffer.selection_state.enter_shift_mode()
            buffer.cursor_position = len(buffer.text)

    @bindings.add("enter", filter=~is_searching & ~multiline)
    def _accept(event: Any) -> None:
        accept(event.current_buffer)

    @bindings.add("enter", filter=~is_searching & multiline)
    def _line(event: Any) -> None:
        buffer = event.current_buffer
        if buffer.document.current_line.strip() and buffer.text.strip():
            buffer.newline(copy_margin=False)
            return
        if buffer.document.is_cursor_at_the_end and buffer.text.endswith("\n"):
            buffer.text = buffer.text.rstrip("\n")
        accept(buffer)

    @bindings.add("escape", "enter", filter=~is_searching)
    def _finish(event: Any) -> None:
        accept(event.current_buffer)

    @bindings.add("c-c", filter=multiline)
    def _interrupt(event: Any) -> None:
        event.app.exit(exception=Interrupted(event.current_buffer.text))

    def move(event: Any, step: int) -> None:
        buffer = event.current_buffer
        count = len(terminal.current.options)
        typed = buffer.text.strip() or terminal.current.default
        index = int(typed) - 1 if typed.isdigit() and 0 < int(typed) <= count else -step
        buffer.text = str((index + step) % count + 1)
        buffer.cursor_position = len(buffer.text)

    @bindings.add("up", filter=options)
    def _up(event: Any) -> None:
        move(event, -1)

    @bindings.add("down", filter=options)
    def _down(event: Any) -> None:
        move(event, 1)

    return bindings


def completer(prompt: Prompt) -> Any:
    """Tab completion over the choices, matching anywhere in a label (「信访」 finds
    「（五）不予处理1.信访举报投诉类申请」)."""
    from prompt_toolkit.completion import WordCompleter

    if not prompt.choices:
        return None
    return WordCompleter(list(prompt.choices), sentence=True, match_middle=True)
