"""LibreOffice as the tests run it: one headless conversion with a private profile, so a
LibreOffice the user has open does not take the job."""

from __future__ import annotations

import subprocess
from pathlib import Path


def convert(source: Path, to: str, outdir: Path, profile: Path) -> subprocess.CompletedProcess[str]:
    """`soffice --convert-to TO` of `source` into `outdir` (e.g. to "pdf")."""
    return subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            to,
            "--outdir",
            str(outdir),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
