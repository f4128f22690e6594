"""seed_demo: the demo CRAs are bulk-inserted (no signals): rebuild the statistics rollup."""

from __future__ import annotations


def seed(ctx) -> None:
    from .cumuls import reconstruire

    reconstruire()
