"""What the conventions app adds to a structure's page ("Ma structure"), through ``structures.hooks``."""

from __future__ import annotations

from django.template.loader import render_to_string

from .models import Convention


def section_structure(structure, user) -> str:
    """The structure's conventions (status, period, committed and paid, link), in one query.

    Scoped like the conventions list: members, operators, the prefecture of the département and
    the hub of the région see them; others who can see the structure get an empty section.
    """
    conventions = list(
        Convention.objects.visible_to(user)
        .filter(structure=structure)
        .with_totaux()
        .order_by("-date_debut", "-pk")
    )
    return render_to_string("conventions/_structure_section.html", {"conventions": conventions})
