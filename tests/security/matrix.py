"""Machinery of the access matrix: URL conf walk, requests as a role, outcome, writes, leaks."""

from __future__ import annotations

import contextlib
import io
import os
import re
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from .access_table import LOGIN, forbidden_markers

IGNORED_WRITE_TABLES = ("django_session", "axes_")
WRITE_RE = re.compile(r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([\w]+)"?', re.IGNORECASE)


@dataclass(frozen=True)
class Pattern:
    key: str  # "namespace:name", or the route for unnamed patterns
    name: str | None
    route: str
    converters: tuple


def walk(patterns=None, prefix="", namespace=None):
    """Every URL pattern of the project: name (with namespaces), full route and converters."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            route = prefix + str(pattern.pattern)
            converters = tuple(sorted(getattr(pattern.pattern, "converters", {}) or {}))
            yield Pattern(key=name or route, name=name, route=route, converters=converters)


def login_paths() -> tuple[str, ...]:
    return (reverse("account_login"), reverse("admin:login"))


def outcome_of(response):
    if response.status_code in (301, 302, 303, 307, 308):
        location = response.get("Location", "")
        path = location.split("://", 1)[-1]
        path = path[path.find("/") :] if "://" in location else path
        return LOGIN if path.startswith(login_paths()) else 302
    return response.status_code


def body_of(response) -> bytes:
    if getattr(response, "streaming", False):
        # The test client's wrapper closes the response (without closing the database
        # connection) once consumed; calling response.close() here would close it.
        return b"".join(response.streaming_content)
    return response.content


def readable_texts(content: bytes) -> list[str]:
    """The body as text, plus the text inside a ZIP (XLSX…) or a PDF (extracted)."""
    texts = [content.decode("utf-8", errors="replace")]
    if content.startswith(b"PK"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                texts += [archive.read(n).decode("utf-8", errors="replace") for n in archive.namelist()]
        except zipfile.BadZipFile:
            pass
    if content.startswith(b"%PDF"):
        from pypdf import PdfReader

        # A tiny hand-made PDF is not parseable: its raw bytes were checked above.
        with contextlib.suppress(Exception):
            reader = PdfReader(io.BytesIO(content))
            texts += [page.extract_text() or "" for page in reader.pages]
    return texts


# Random values of a page (CSRF tokens, CSP nonces, invitation tokens) could contain "ZZB" by
# chance: they are blanked before looking for markers, which must not follow a letter or digit.
RANDOM_VALUES = re.compile(
    r'(csrfmiddlewaretoken" value="[^"]*"|nonce="[^"]*"|/invitation/[\w-]+/|"csrfToken": *"[^"]*")'
)


def leaked_markers(role: str, content: bytes) -> list[str]:
    """Markers of the other side found in a response given to ``role``."""
    leaks = []
    forbidden = forbidden_markers(role)
    texts = [RANDOM_VALUES.sub("", text) for text in readable_texts(content)] if forbidden else []
    for other in forbidden:
        marker = re.compile(rf"(?<![A-Za-z0-9]){other}")
        if any(marker.search(text) for text in texts):
            leaks.append(other)
    return leaks


def count_files(directory) -> int:
    return sum(len(files) for _root, _dirs, files in os.walk(directory))


def writes_in(queries) -> list[str]:
    tables = []
    for query in queries:
        match = WRITE_RE.match(query["sql"])
        if match and not match.group(2).startswith(IGNORED_WRITE_TABLES):
            tables.append(match.group(2))
    return tables


@dataclass
class Result:
    outcome: object
    status: int
    writes: list
    new_files: int
    leaks: list
    content: bytes


def request_as(user, method: str, url: str, *, data=None, query=None, files_dir=None, session=None) -> Result:
    """One request as ``user`` (None: anonymous), inside a savepoint rolled back afterwards.

    ``session``: the key of a session already logged in as ``user`` (faster than logging in).
    """
    client = Client(raise_request_exception=True)
    with transaction.atomic():
        if session is not None:
            client.cookies[settings.SESSION_COOKIE_NAME] = session
        elif user is not None:
            client.force_login(user)
        before = count_files(files_dir) if files_dir else 0
        with CaptureQueriesContext(connection) as captured:
            if method == "GET":
                response = client.get(url, query or {})
            else:
                response = client.post(url, data or {})
        content = body_of(response)
        after = count_files(files_dir) if files_dir else 0
        transaction.set_rollback(True)
    return Result(
        outcome=outcome_of(response),
        status=response.status_code,
        writes=writes_in(captured.captured_queries),
        new_files=after - before,
        leaks=[],
        content=content,
    )
