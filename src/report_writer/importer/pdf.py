"""A PDF report, through pypdf (the optional extra `report-writer[pdf]`): its text is read as
PDF text rows.

Floor: import/interview. Must not import from the floors above (orchestration and up).
"""

from __future__ import annotations

from pathlib import Path

from report_writer.errors import InputError
from report_writer.importer import pdftext
from report_writer.importer.tokens import Line

NAME = "pdf"
LABEL = "PDF 文件"


def read(path: Path) -> list[Line]:
    try:
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError
    except ImportError:
        raise InputError(
            "读取 PDF 需要安装 pypdf：请运行 pip install 'report-writer[pdf]'（或 pip install pypdf），"
            "也可先把 PDF 的文字复制到 .txt 文件再导入"
        ) from None
    import logging

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings would reach the terminal
    try:
        reader = PdfReader(str(path))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, OSError, ValueError) as exc:
        raise InputError(f"无法读取 PDF 文件 {path}：{exc}") from None
    text = "\n".join(pages)
    if not text.strip():
        raise InputError(f"{path} 中没有可提取的文字（可能是扫描件），请先做文字识别（OCR）再导入")
    return pdftext.read(text)
