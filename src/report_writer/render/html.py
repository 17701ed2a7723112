"""HTML: one self-contained page from templates/draft.html.j2, every text escaped."""

from __future__ import annotations

from report_writer.document import Document
from report_writer.resources import shipped_dir

TEMPLATE = "draft.html.j2"


def render_html(doc: Document) -> str:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(shipped_dir("templates")),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.globals["kind"] = lambda block: type(block).__name__
    return env.get_template(TEMPLATE).render(doc=doc)
