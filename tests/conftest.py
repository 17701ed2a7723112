"""Shared fixtures: the example workspace, and workspaces written from plain dicts."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "dongli-2023"
# ../shared beside the checkout (as in CI); REPORT_WRITER_SHARED names it where it lies elsewhere.
SHARED = Path(os.environ.get("REPORT_WRITER_SHARED") or ROOT.parent / "shared")
REFERENCE = SHARED / "reference" / "000_cb66867b0d9d4dcd.txt"
CORPUS = SHARED / "corpus"
# The six headings of the official format, in order (FORMAT.md).
SECTION_HEADINGS = [
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
]
# The reference report lies in ../shared beside the checkout (as in CI); a bare clone lacks it.
needs_reference = pytest.mark.skipif(
    not REFERENCE.exists(), reason="../shared/reference/ is not beside this checkout"
)


@pytest.fixture(scope="session", autouse=True)
def private_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """One cache folder (see cache.py) for the whole run, not the user's own; commands that
    the tests run in a subprocess inherit it."""
    os.environ["REPORT_WRITER_CACHE"] = str(tmp_path_factory.mktemp("cache"))


@pytest.fixture
def example_ws(tmp_path: Path) -> Path:
    """A private copy of examples/dongli-2023 that a test may change."""
    target = tmp_path / "dongli-2023"
    # not a lock or draft record of a build of the example that happens to be running
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns(".report-writer*"))
    return target


@pytest.fixture
def write_ws(tmp_path: Path) -> Callable[..., Path]:
    """Write a workspace from a report dict (or raw YAML text); returns its folder."""
    counter = iter(range(10_000))

    def write(data: dict[str, Any] | str, name: str | None = None) -> Path:
        folder = tmp_path / (name or f"ws{next(counter)}")
        folder.mkdir(parents=True, exist_ok=True)
        text = data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True)
        (folder / "report.yaml").write_text(text, encoding="utf-8")
        return folder

    return write


def base_report(**tables: Any) -> dict[str, Any]:
    """A 2024 report whose table cells are those given, every other leaf cell 0 (as `init` writes
    them: a leaf left out would be 「未填写」)."""
    from report_writer.formats.spec import load_format

    filled: dict[str, Any] = {}
    for spec in load_format("gov2021").tables.values():
        for row, col in spec.cells():
            if not spec.is_derived(row, col):
                filled.setdefault(spec.key, {}).setdefault(row.key, {})[col.key] = 0
    for table, rows in tables.items():
        for row, cells in rows.items():
            if isinstance(cells, dict) and isinstance(filled.get(table, {}).get(row), dict):
                filled[table][row].update(cells)
            else:
                filled.setdefault(table, {})[row] = cells
    return {
        "meta": {"agency": "测试市测试局", "year": 2024, "level": "department"},
        "tables": filled,
    }
