"""DSFR markup rules that a browser test would only catch page by page."""

import re
from pathlib import Path

from django.conf import settings

GROUP = re.compile(r'<ul class="([^"]*\bfr-btns-group\b[^"]*)"[^>]*>(.*?)</ul>', re.S)


def test_button_groups_with_icon_buttons_declare_the_icon_side():
    """Inside ``fr-btns-group``, DSFR ignores a button's own ``fr-btn--icon-left`` and shows an
    icon-only button (the label disappears) unless the group says ``fr-btns-group--icon-left``."""
    wrong = []
    for path in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        for classes, body in GROUP.findall(path.read_text()):
            if "fr-btn--icon-left" in body and "fr-btns-group--icon-left" not in classes:
                wrong.append(str(path.relative_to(settings.BASE_DIR)))
            if "fr-btn--icon-right" in body and "fr-btns-group--icon-right" not in classes:
                wrong.append(str(path.relative_to(settings.BASE_DIR)))
    assert not wrong, f"groupes de boutons sans fr-btns-group--icon-left/right : {sorted(set(wrong))}"
