"""Hooks through which higher apps give conventions the advisors' data, without conventions importing them.

``conventions`` sits below ``conseillers`` in the layering. The conseillers app registers its
implementations in its ``AppConfig.ready()`` (see ``conseillers/occupancy.py``):

* an **occupancy provider** ``func(structure_id, start, end) -> dict[poste_id | None, list[(start, end)]]``
  giving, per post, the periods (inclusive dates, ``end`` None when open) with an advisor in post;
* a **renewal handler** with ``candidats(structure_id)`` (advisors that can be renewed),
  ``initier(lignes)`` and ``valider(lignes)`` (create / finalise the renewed recruitments).

Without a registered provider, conventions assume no advisor is in post (tranches pro rata to 0)
only when asked to compute a pro rata; callers check ``has_provider()`` to say so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Protocol

Periods = list[tuple[date, date | None]]
OccupancyProvider = Callable[[int, date, date], dict[int | None, Periods]]

_providers: list[OccupancyProvider] = []


def register_provider(func: OccupancyProvider) -> None:
    if func not in _providers:
        _providers.append(func)


def unregister_provider(func: OccupancyProvider) -> None:
    if func in _providers:
        _providers.remove(func)


def has_provider() -> bool:
    return bool(_providers)


def occupied_periods(structure_id: int, start: date, end: date) -> dict[int | None, Periods]:
    result: dict[int | None, Periods] = {}
    for provider in _providers:
        for poste_id, periods in provider(structure_id, start, end).items():
            result.setdefault(poste_id, []).extend(periods)
    return result


@dataclass(frozen=True)
class CandidatRenouvellement:
    mise_en_relation_id: int
    nom: str
    type_contrat: str
    date_fin: date | None

    @property
    def cdi(self) -> bool:
        return self.type_contrat == "CDI"


class RenewalHandler(Protocol):
    def candidats(self, structure_id: int) -> list[CandidatRenouvellement]: ...

    def initier(self, lignes: list) -> None: ...

    def valider(self, lignes: list) -> None: ...


_renewal_handler: RenewalHandler | None = None


def register_renewal_handler(handler: RenewalHandler | None) -> None:
    global _renewal_handler  # noqa: PLW0603 - a process-wide registry, set once at start-up
    _renewal_handler = handler


def renewal_handler() -> RenewalHandler | None:
    return _renewal_handler


class sans_fournisseur:  # noqa: N801 - used as a context manager
    """Temporarily ignore the registered providers (demo data built before the advisors exist)."""

    def __enter__(self):
        self._saved = list(_providers)
        _providers.clear()
        return self

    def __exit__(self, *exc):
        _providers[:] = self._saved
        return False
