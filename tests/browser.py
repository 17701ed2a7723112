"""Headless chromium as the browser tests and the benchmarks run it: no network, no GPU, and
(given by each caller) a private profile per run."""

from __future__ import annotations

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
