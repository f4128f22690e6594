"""Every ``<input type="date">`` of the project renders its value as YYYY-MM-DD: browsers ignore
any other format (with the French locale Django would write 05/03/2024 and the field would look
empty, losing what the user or the URL gave)."""

import importlib
from datetime import date

from django import forms
from django.apps import apps
from django.conf import settings
from django.utils import translation


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _project_form_classes():
    project_apps = [
        a
        for a in apps.get_app_configs()
        if a.path.startswith(f"{settings.BASE_DIR}/") and ".venv" not in a.path
    ]
    for config in project_apps:
        for module in ("forms", "admin", "views", "filtres"):
            try:
                importlib.import_module(f"{config.name}.{module}")
            except ModuleNotFoundError as error:
                if error.name != f"{config.name}.{module}":
                    raise
    names = {config.name for config in project_apps}
    for cls in set(_subclasses(forms.BaseForm)):
        if cls.__module__.split(".")[0] in names:
            yield cls


def test_every_date_input_renders_iso_dates():
    checked, wrong = 0, []
    with translation.override("fr"):
        for form_class in _project_form_classes():
            for name, field in getattr(form_class, "base_fields", {}).items():
                widget = field.widget
                if isinstance(widget, forms.DateInput) and widget.input_type == "date":
                    checked += 1
                    if widget.format_value(date(2024, 3, 5)) != "2024-03-05":
                        wrong.append(f"{form_class.__module__}.{form_class.__name__}.{name}")
    assert checked >= 10, "les formulaires du projet n'ont pas été trouvés"
    assert not wrong, f"champs date au mauvais format pour <input type=date> : {wrong}"
