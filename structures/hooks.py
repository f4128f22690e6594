"""Hooks through which higher apps react to changes of a structure's posts, without structures
importing them.

``structures`` sits below ``conventions`` in the layering. The conventions app registers, in its
``AppConfig.ready()``, a handler called whenever the active posts of a structure change (committee
decision, accepted request to add or return posts, transfer): a signed convention in force then
gets its amendment, in the same transaction as the change of posts.

A handler is ``func(structure, *, by, date_effet)``; it may raise ``DomainError`` to refuse the
change (the whole transaction is rolled back).
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
