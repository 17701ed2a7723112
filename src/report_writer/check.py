"""`check`: every cross-check of a report, against last year's report where one is given."""

from __future__ import annotations

from dataclasses import dataclass

from report_writer.formats.checks import Context, Finding, run_rules
from report_writer.model import Report


@dataclass(frozen=True)
class CheckResult:
    findings: list[Finding]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    def failed(self, strict: bool = False) -> bool:
        return bool(self.errors or (strict and self.warnings))


def check_report(report: Report, previous: Report | None = None) -> CheckResult:
    ctx = Context(
        level=report.meta.level,
        tier=report.meta.tier,
        previous=previous.figures if previous else None,
    )
    return CheckResult(run_rules(report.figures, ctx))
