"""The README's links to the documentation point to files that exist, and every document in
docs/ is reachable from the README."""

import re

from django.conf import settings


def test_readme_links_to_every_document_and_only_existing_ones():
    readme = (settings.BASE_DIR / "README.md").read_text()
    linked = set(re.findall(r"\]\((docs/[^)#]+)\)", readme))
    missing = sorted(path for path in linked if not (settings.BASE_DIR / path).exists())
    assert not missing, f"liens du README vers des documents absents : {missing}"
    documents = {f"docs/{path.name}" for path in (settings.BASE_DIR / "docs").glob("*.md")}
    assert not sorted(documents - linked), f"documents absents du README : {sorted(documents - linked)}"
