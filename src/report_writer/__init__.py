"""报告起草助手 — drafts the yearly 政府信息公开工作年度报告.

The package root holds only the version; it imports nothing (tests/test_architecture.py keeps the
floors of the modules below it, as DESIGN.md lists them).
"""

__version__ = "0.1.0"
