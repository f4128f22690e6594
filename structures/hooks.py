"""Hooks through which higher apps react to changes of a structure's posts, without structures
importing them.

``structures`` sits below ``conventions`` in the layering. The conventions app registers, in its
``AppConfig.ready()``, a handler called whenever the active posts of a structure change (committee
decision, accepted request to add or return posts, transfer): a signed convention in force then
gets its amendment, in the same transaction as the change of posts.

A handler is ``func(structure, *, by, date_effet)``; it may raise ``DomainError`` to refuse the
change (the whole transaction is rolled back).

The conseillers app registers an **occupant provider** ``func(poste_ids) -> {poste_id: name}``
so that a structure's page shows who occupies each post (one query, whatever the number of posts).

The conventions app registers a **section provider** ``func(structure, user) -> html`` so that
the structure's page lists its conventions, without structures importing conventions.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

PostesHandler = Callable[..., object]

_handlers: list[PostesHandler] = []


def on_postes_modifies(func: PostesHandler) -> PostesHandler:
    if func not in _handlers:
        _handlers.append(func)
    return func


def postes_modifies(structure, *, by, date_effet: date) -> None:
    for handler in list(_handlers):
        handler(structure, by=by, date_effet=date_effet)


OccupantProvider = Callable[[list[int]], dict[int, str]]

_occupant_providers: list[OccupantProvider] = []


def register_occupants(func: OccupantProvider) -> OccupantProvider:
    if func not in _occupant_providers:
        _occupant_providers.append(func)
    return func


def occupants(poste_ids: list[int]) -> dict[int, str]:
    """Name of the advisor occupying each post (posts without an advisor are absent)."""
    result: dict[int, str] = {}
    if not poste_ids:
        return result
    for provider in _occupant_providers:
        result.update(provider(list(poste_ids)))
    return result


# Sections that higher apps add to a structure's page ("Ma structure"), e.g. its conventions.
# A provider is ``func(structure, user) -> str``: HTML already rendered and escaped (a template's
# output), or "" to add nothing. Each provider runs its own queries, a fixed number per page.
SectionProvider = Callable[..., str]

_section_providers: list[SectionProvider] = []


def register_section(func: SectionProvider) -> SectionProvider:
    if func not in _section_providers:
        _section_providers.append(func)
    return func


def sections(structure, user) -> list[str]:
    """The sections the registered apps add to the structure's page, in registration order."""
    return [html for provider in _section_providers if (html := provider(structure, user))]
