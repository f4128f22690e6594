"""axe-core accessibility check for Playwright pages.

axe-core comes from the npm registry and is never committed: install it at the project root with
``npm install --no-save axe-core@4`` (→ ``node_modules/axe-core/axe.min.js``), or point the
``AXE_CORE_JS`` environment variable at an ``axe.min.js``. Without it the check skips locally and
fails when ``REQUIRE_SERVICES=1`` (CI).

The pages run under a strict Content-Security-Policy (scripts from this site with the request's
nonce only): a ``<script>`` tag added by the test would be blocked. axe-core is therefore
evaluated through the DevTools protocol (``page.evaluate``), which the page's CSP does not
govern; the application's policy stays as it is and the audit runs in every context.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

import pytest

from tests.conftest import service_unavailable

ROOT = Path(__file__).resolve().parents[2]
BLOCKING = ("serious", "critical")


def axe_js_path() -> Path:
    candidates = [os.environ.get("AXE_CORE_JS", ""), str(ROOT / "node_modules" / "axe-core" / "axe.min.js")]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    service_unavailable(
        "axe-core introuvable : lancez `npm install --no-save axe-core@4` ou définissez AXE_CORE_JS"
    )
    raise AssertionError("unreachable")  # pragma: no cover


@cache
def _axe_source(path: Path) -> str:
    # Wrapped in a function body: evaluated as a script, not as a value; defines window.axe.
    return "() => {\n" + path.read_text(encoding="utf-8") + "\n}"


def violations(page, *, impacts=BLOCKING) -> list[dict]:
    """Evaluate axe-core in ``page``, run it on the whole document, return the blocking violations."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source(axe_js_path()))
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in results["violations"] if v.get("impact") in impacts]


def assert_accessible(page, *, impacts=BLOCKING) -> None:
    found = violations(page, impacts=impacts)
    if found:
        details = "\n".join(
            f"- {v['id']} ({v['impact']}) : {v['help']} — {', '.join(n['target'][0] for n in v['nodes'][:5])}"
            for v in found
        )
        pytest.fail(
            f"axe-core : {len(found)} violation(s) bloquante(s) sur {page.url}\n{details}", pytrace=False
        )
