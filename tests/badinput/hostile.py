"""Hostile values, hypothesis strategies derived from a form's fields, and the bad-input checks.

``post_and_check`` posts one set of values and asserts the invariants every form must keep:
no exception (the test client re-raises it) and no 5xx; on failure, the form re-rendered with
French errors, the typed text kept (escaped), no row written; on success, stored text never
rendered raw on the pages that show it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# --- Hypothesis profile for this directory ----------------------------------------------------

FORM_SETTINGS = settings(
    max_examples=20,
    deadline=None,
    derandomize=True,  # reproducible in CI, whatever the database
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
    database=None,
)

# --- Hostile values ---------------------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
PAYLOADS = (SCRIPT, IMG)

HOSTILE_TEXT = [
    "",
    "   ",
    SCRIPT,
    IMG,
    "Mairie " + SCRIPT,
    "x" * 10_000,
    "é" * 3_000,
    "🙂👩🏽‍💻" * 200,
    "\u202eevil\u202c txt",  # right-to-left override
    "שלום עולם مرحبا",
    "a\x00b",
    "{{ request }} {% now 'Y' %}",
    "'; DROP TABLE structures_structure; --",
    "ligne 1\r\nligne 2\n\tligne 3",
    "\ufeff\u200b\u00a0",
    "１２３４５",  # fullwidth digits
    "٣٤٥٦٧",  # Arabic-Indic digits
    "Ā" * 256,
]
HOSTILE_NUMBERS = [
    "-1",
    "0",
    "-999999999999999999999",
    str(10**30),
    "1e309",
    "-1e309",
    "NaN",
    "inf",
    "1.5",
    "1,5",
    "0x10",
    " 3 ",
    "1_000",
    "１２",
    "9" * 400,
    "abc",
    "",
    "\x00",
]
HOSTILE_DATES = [
    "2024-02-30",
    "31/13/2024",
    "0000-00-00",
    "0001-01-01",
    "9999-12-31",
    "2024-13-01",
    "99999-01-01",
    "-2024-01-01",
    "2024-1-1",
    "demain",
    "",
    "2024-02-29T25:61",
    "9" * 100,
    "\x00",
]
HOSTILE_CHOICES = ["INCONNU", "", "0", "-1", SCRIPT, "' OR 1=1 --", "x" * 500, "\x00", "None"]
HOSTILE_BOOLEANS = ["on", "off", "", "true", "false", "2", SCRIPT]
HOSTILE_EMAILS = [
    "",
    "pas-une-adresse",
    "a@b",
    f"{'x' * 300}@exemple.fr",
    "<script>@exemple.fr",
    "é@é.fr",
    "a@exemple.fr\r\nBcc: b@exemple.fr",
    "a\x00@exemple.fr",
    "@exemple.fr",
]

HOSTILE_URLS = [
    "javascript:alert(1)",
    "https://exemple.fr/" + "a" * 300,  # valid, longer than a model URLField (200)
    f"https://exemple.fr/{SCRIPT}",
    "exemple.fr/chemin",
    "http://[::1",
    "\x00",
    "data:text/html,<script>alert(1)</script>",
]

MISSING = object()  # "leave the field out of the POST"

# Django's own English defaults: with LANGUAGE_CODE "fr" none of them may reach a page.
ENGLISH_DEFAULTS = [
    "This field is required",
    "Enter a valid",
    "Enter a whole number",
    "Enter a number",
    "Ensure this value",
    "Ensure that there are no more than",
    "Select a valid choice",
    "is not one of the available choices",
    "The submitted file is empty",
    "No file was submitted",
    "Upload a valid",
    "Null characters are not allowed",
    "This password is too",
    "The two password fields",
    "already exists",
    "Please correct the error",
    "Traceback (most recent call last)",
    "Server Error",
]
ENGLISH_WORDS = {
    "the", "this", "field", "value", "enter", "please", "ensure", "must", "valid", "invalid",
    "required", "select", "file", "submitted", "should", "cannot", "not", "is", "a", "an", "of",
}  # fmt: skip


def looks_english(message: str) -> bool:
    words = re.findall(r"[a-z]+", message.lower())
    return sum(word in ENGLISH_WORDS for word in words) >= 3 or any(
        english.lower() in message.lower() for english in ENGLISH_DEFAULTS
    )


# --- Strategies derived from a form's fields -------------------------------------------------


def hostile_for(form_field: forms.Field) -> st.SearchStrategy:
    """Hostile POST values for one form field, by its type."""
    if isinstance(form_field, forms.FileField):
        return st.sampled_from(sorted(BAD_UPLOADS)).map(lambda name: BAD_UPLOADS[name]())
    if isinstance(form_field, forms.BooleanField):
        return st.sampled_from(HOSTILE_BOOLEANS)
    if isinstance(form_field, forms.MultipleChoiceField):
        return st.lists(st.sampled_from(HOSTILE_CHOICES), min_size=1, max_size=3)
    if isinstance(form_field, forms.ChoiceField | forms.ModelChoiceField):
        return st.sampled_from(HOSTILE_CHOICES)
    if isinstance(form_field, forms.IntegerField | forms.DecimalField | forms.FloatField):
        return st.sampled_from(HOSTILE_NUMBERS)
    if isinstance(form_field, forms.DateField | forms.DateTimeField):
        return st.sampled_from(HOSTILE_DATES)
    if isinstance(form_field, forms.EmailField):
        return st.sampled_from(HOSTILE_EMAILS)
    if isinstance(form_field, forms.URLField):
        return st.sampled_from(HOSTILE_URLS)
    return st.one_of(st.sampled_from(HOSTILE_TEXT), st.text(max_size=40))


def mutations(form: forms.BaseForm, valid: dict, *, skip: Iterable[str] = ()) -> st.SearchStrategy:
    """Dicts starting from ``valid`` where any field may be hostile or missing."""
    skip = set(skip)
    per_field = {}
    for name, form_field in form.fields.items():
        key = form.add_prefix(name)
        if name in skip:
            if key in valid:
                per_field[key] = st.just(valid[key])
            continue
        options = [hostile_for(form_field), st.just(MISSING)]
        if key in valid:
            options.insert(0, st.just(valid[key]))
        per_field[key] = st.one_of(*options)
    extra = {key: st.just(value) for key, value in valid.items() if key not in per_field}
    return st.fixed_dictionaries({**extra, **per_field}).map(
        lambda data: {key: value for key, value in data.items() if value is not MISSING}
    )


# --- Bad uploads ------------------------------------------------------------------------------

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _upload(name: str, content: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


BAD_UPLOADS: dict[str, Callable[[], SimpleUploadedFile]] = {
    "empty": lambda: _upload("vide.pdf", b""),
    "exe renamed pdf": lambda: _upload("cv.pdf", b"MZ\x90\x00" + b"\x00" * 200),
    "html renamed pdf": lambda: _upload("cv.pdf", f"<html>{SCRIPT}</html>".encode()),
    "svg script": lambda: _upload(
        "image.svg", f"<svg onload=alert(1)>{SCRIPT}</svg>".encode(), "image/svg+xml"
    ),
    "zip renamed pdf": lambda: _upload("cv.pdf", b"PK\x03\x04" + b"\x00" * 100),
    "oversize pdf": lambda: _upload("gros.pdf", PDF_BYTES + b"0" * (5 * 1024 * 1024 + 1)),
    "text renamed png": lambda: _upload("photo.png", b"bonjour", "image/png"),
}
# Valid content under hostile names: accepted, but never stored under that name.
TRICKY_NAMES = [
    "../../etc/passwd.pdf",
    "..\\..\\windows\\x.pdf",
    "/absolu/racine.pdf",
    "nul\x00octet.pdf",
    "ligne\nnouvelle.pdf",
    "x" * 300 + ".pdf",
    SCRIPT + ".pdf",
    IMG + ".pdf",
    ".pdf",
    "....pdf",
    "C:\\Users\\a\\cv.pdf",
    "cv.pdf.exe",
    "🙂.pdf",
]


# --- The checks -------------------------------------------------------------------------------


@dataclass
class Outcome:
    response: object
    saved: bool
    errors: list[str] = field(default_factory=list)


def assert_no_payload(content: str, where: str = "") -> None:
    for payload in PAYLOADS:
        assert payload not in content, f"{where}: contenu hostile rendu sans échappement : {payload!r}"


def assert_french(content: str, messages: Iterable[str], where: str = "") -> None:
    for english in ENGLISH_DEFAULTS:
        assert english not in content, f"{where}: message anglais dans la page : {english!r}"
    for message in messages:
        assert not looks_english(message), f"{where}: message non traduit : {message!r}"


def _contexts(response):
    context = getattr(response, "context", None)
    if context is None:
        return []
    return list(context) if isinstance(context, list) else [context]


def form_errors(response) -> list[str]:
    found = []
    for context in _contexts(response):
        for layer in getattr(context, "dicts", [context]):
            if not isinstance(layer, dict):
                continue
            for item in layer.values():
                if isinstance(item, forms.BaseForm) and item.is_bound:
                    for messages in item.errors.values():
                        found.extend(str(m) for m in messages)
    return list(dict.fromkeys(found))


def flash_messages(response) -> list[str]:
    for context in _contexts(response):
        try:
            messages = context.get("messages")
        except (AttributeError, KeyError):
            continue
        if messages is not None:
            return [str(m) for m in messages]
    return []


def _context_value(response, key):
    for context in _contexts(response):
        try:
            value = context.get(key)
        except (AttributeError, KeyError):
            continue
        if value is not None:
            return value
    return None


def kept_values(data: dict, form: forms.BaseForm | None) -> list[str]:
    """Submitted free-text values that must come back in the re-rendered form."""
    if form is None:
        return []
    kept = []
    for name, form_field in form.fields.items():
        value = data.get(form.add_prefix(name))
        if not isinstance(value, str) or not value.strip() or "\x00" in value:
            continue
        if isinstance(form_field.widget, forms.PasswordInput | forms.HiddenInput | forms.FileInput):
            continue
        if isinstance(form_field, forms.ChoiceField | forms.BooleanField | forms.ModelChoiceField):
            continue
        kept.append(value)
    return kept


def _page(client, url: str):
    page = client.get(url)
    assert page.status_code < 500, f"{url}: HTTP {page.status_code}"
    content = page.content.decode("utf-8", errors="replace")
    assert_no_payload(content, url)
    assert_french(content, flash_messages(page), url)
    return page


def post_and_check(
    client,
    url: str,
    data: dict,
    *,
    state: Callable[[], object],
    form_key: str | None = "form",
    display: Callable[[], list] = lambda: [],
    keeps_input: bool = True,
    login: Callable | None = None,
) -> Outcome:
    """POST ``data`` to ``url`` and assert the bad-input invariants. Returns the outcome.

    ``state()`` is what a refusal must leave untouched (row counts, the edited row's values).
    ``display()`` lists ``(user, url)`` pages showing the stored text after a success.
    """
    before = state()
    response = client.post(url, data)  # an exception in the view fails the test here
    assert response.status_code < 500, f"{url}: HTTP {response.status_code}"
    content = response.content.decode("utf-8", errors="replace")
    assert_no_payload(content, url)
    errors = form_errors(response) + flash_messages(response)
    assert_french(content, errors, url)
    redirected = response.status_code in (301, 302, 303)
    saved = state() != before
    if saved:
        assert redirected, f"{url}: écriture partielle (HTTP {response.status_code}) : {errors}"
    if redirected:
        _page(client, response["Location"])
        if saved and login is not None:
            for user, other in display():
                _page(login(user), other)
        return Outcome(response, saved, errors)
    form = _context_value(response, form_key) if form_key else None
    unbound = isinstance(form, forms.BaseForm) and not form.is_bound  # empty POST: blank form again
    assert response.status_code not in (200, 400) or errors or unbound, (
        f"{url}: refus sans message d'erreur ({response.status_code})"
    )
    if keeps_input and isinstance(form, forms.BaseForm) and form.is_bound:
        for value in kept_values(data, form):
            assert escape(value) in content, f"{url}: saisie perdue : {value[:60]!r}"
    return Outcome(response, saved, errors)
