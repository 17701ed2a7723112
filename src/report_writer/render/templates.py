"""The jinja environment over the shipped templates/ folder that every HTML page is rendered in:
every text escaped, an unknown name an error.

Floor: output. Must not import from the floors above (phrases and up).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from report_writer.resources import shipped_dir

if TYPE_CHECKING:
    import jinja2


def templates_env() -> jinja2.Environment:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(shipped_dir("templates")),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        # The compiled templates are kept between runs (about 40 ms a build) in jinja's own
        # per-user folder, which it creates private to this user and checks before use.
        bytecode_cache=jinja2.FileSystemBytecodeCache(),
    )
