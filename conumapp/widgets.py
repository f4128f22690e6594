"""Form widgets and bounds shared by the apps."""

from __future__ import annotations

from django import forms

# Largest value of a PostgreSQL integer column: a number field above it would fail in the database
# (a 500) instead of giving the form's French error.
ENTIER_MAX = 2**31 - 1


class DateISO(forms.DateInput):
    """``<input type="date">``: browsers read and write its value as ISO 8601 (YYYY-MM-DD) whatever
    the locale, so the widget renders dates that way (French formats would show an empty field)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")
