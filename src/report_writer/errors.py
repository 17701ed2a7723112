"""The one error type the core raises; the CLI turns it into a message and an exit code.

Every message is already finished, in Chinese, and names the file, line or key it is about.

Floor: ground. Must not import from the floors above (data and up).
"""

from __future__ import annotations


class ReportWriterError(Exception):
    """An input or environment problem the user can fix. `exit_code` is what the CLI returns."""

    exit_code = 2

    def __init__(self, message: str, *, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []

    def __str__(self) -> str:
        return "\n".join([self.message, *("  " + d for d in self.details)])


class WorkspaceError(ReportWriterError):
    """A workspace is missing, locked or cannot be written."""


class InputError(ReportWriterError):
    """A file cannot be used: YAML syntax, unknown keys, wrong structure, bad encoding."""


class ChecksFailed(ReportWriterError):
    """Cross-checks found errors (or warnings under --strict)."""

    exit_code = 1
