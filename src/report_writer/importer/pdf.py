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
        from pypdf.errors import LimitReachedError
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
    except LimitReachedError:  # a deflate bomb, too many operators, loops: pypdf's own limits
        raise InputError(
            f"无法读取 PDF 文件 {path}：内容超出安全上限（如解压后过大、指令过多），疑似恶意构造，已拒绝读取"
        ) from None
    except Exception:  # an untrusted file: pypdf raises many kinds of error on a broken one
        raise InputError(
            f"无法读取 PDF 文件 {path}：文件结构有误或已损坏。"
            "请用 PDF 阅读器打开确认，或把文字复制到 .txt 文件再导入"
        ) from None
    text = "\n".join(pages)
    if not text.strip():
        raise InputError(f"{path} 中没有可提取的文字（可能是扫描件），请先做文字识别（OCR）再导入")
    return pdftext.read(text)
