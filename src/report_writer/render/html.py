"""HTML: one self-contained page from templates/draft.html.j2, every text escaped. Table column
widths follow the Word layout (templates/docx-layout.yaml), as shares of the table's width.

Floor: output. Must not import from the floors above (phrases and up).
"""

from __future__ import annotations

from report_writer.document import Document
from report_writer.render.docx import load_layout, title_parts
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
        # The compiled template is kept between runs (about 40 ms a build) in jinja's own per-user
        # folder, which it creates private to this user and checks before use.
        bytecode_cache=jinja2.FileSystemBytecodeCache(),
    )
    env.globals["kind"] = lambda block: type(block).__name__
    env.globals["title_parts"] = title_parts
    widths = {
        key: [round(100 * mm / sum(mms), 2) for mm in mms]
        for key, mms in load_layout()["tables"].items()
    }
    return env.get_template(TEMPLATE).render(doc=doc, widths=widths)
