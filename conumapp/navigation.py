"""Role-dependent navigation, contributed by each app without editing this file.

Each app may have a ``navigation.py`` module with ``items(request) -> list[NavItem]``;
items are collected in app order (conumapp first). Import is by discovery, so lower apps
never import higher ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module

from django.apps import apps

from .periodic import CONUM_APPS


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    description: str = ""
    order: int = 100


def collect(request) -> list[NavItem]:
    found: list[NavItem] = []
    for config in apps.get_app_configs():
        if config.name.split(".")[0] not in CONUM_APPS:
            continue
        try:
            module = import_module(f"{config.name}.navigation")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.navigation":
                raise
            continue
        if module.__name__ == __name__:
            found.extend(items(request))
        else:
            found.extend(module.items(request))
    return sorted(found, key=lambda item: item.order)


def items(request) -> list[NavItem]:
    from django.urls import reverse

    from .permissions import is_operateur

    result = []
    if is_operateur(request.user):
        result.append(
            NavItem("Back office", reverse("admin:index"), "Décisions, conventions, imports et exports", 900)
        )
    return result
