"""The interview in a terminal: prompt_toolkit implements the session's `ask` and `say`.

The question stands above the input line with its default in brackets; Tab completes choices;
input is checked in place (the message appears under the line, the rejected text is selected so
that what is typed next replaces it, and arrow keys keep it for correcting); the bottom toolbar
shows the part and the progress.

Floor: import/interview. Must not import from the floors above (orchestration and up).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from report_writer.interview.session import Prompt, validate

if TYPE_CHECKING:
    from prompt_toolkit.input import Input
    from prompt_toolkit.output import Output


class Terminal:
    def __init__(self, input: Input | None = None, output: Output | None = None) -> None:
        from prompt_toolkit import PromptSession

        self.output = output
        self.session: Any = PromptSession(input=input, output=output, key_bindings=_bindings())

    def ask(self, prompt: Prompt) -> str:
        from prompt_toolkit.validation import ValidationError, Validator

        class Check(Validator):
            def validate(self, document: Any) -> None:
                error = validate(prompt, document.text)
                if error:
                    raise ValidationError(message=error, cursor_position=len(document.text))

        lines = []
        if prompt.text:
            lines.append(prompt.text + (f" [{prompt.default}]" if prompt.default else ""))
        lines.append(prompt.marker)
        answer: str = self.session.prompt(
            "\n".join(lines),
            default=prompt.prefill,
            validator=Check(),
            validate_while_typing=False,
            completer=completer(prompt),
            complete_while_typing=False,
            bottom_toolbar=prompt.toolbar or None,
        )
        return answer

    def say(self, text: str) -> None:
        from prompt_toolkit import print_formatted_text

        if self.output is None:
            print_formatted_text(text)
        else:
            print_formatted_text(text, output=self.output)


def _bindings() -> Any:
    """Enter validates; rejected text is selected, so typing replaces it (shift-selection)."""
    from prompt_toolkit.buffer import ValidationState
    from prompt_toolkit.filters import is_searching
    from prompt_toolkit.key_binding import KeyBindings

    bindings = KeyBindings()

    @bindings.add("enter", filter=~is_searching)
    def _accept(event: Any) -> None:
        buffer = event.current_buffer
        buffer.validate_and_handle()
        if buffer.validation_state == ValidationState.INVALID and buffer.text:
            buffer.cursor_position = 0
            buffer.start_selection()
            buffer.selection_state.enter_shift_mode()
            buffer.cursor_position = len(buffer.text)

    return bindings


def completer(prompt: Prompt) -> Any:
    """Tab completion over the choices, matching anywhere in a label (「信访」 finds
    「（五）不予处理1.信访举报投诉类申请」)."""
    from prompt_toolkit.completion import WordCompleter

    if not prompt.choices:
        return None
    return WordCompleter(list(prompt.choices), sentence=True, match_middle=True)
