"""Reading of source files: v1 (JSON lines) and v2 (JSON:API pages) into numbered documents,
unreadable lines reported as errors rather than raised."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator


def read_v1(lines: Iterable[str]) -> Iterator[tuple[int, dict | None, str]]:
    for number, doc, error, _raw in _read_v1(lines):
        yield number, doc, error


def _read_v1(lines: Iterable[str]) -> Iterator[tuple[int, dict | None, str, str | None]]:
    """(line number, document, error, the line's JSON text)."""
    loads = json.loads
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            yield number, loads(line), "", line
        except json.JSONDecodeError:
            yield number, None, "JSON illisible", None


def _read_v2(lines: Iterable[str]) -> Iterator[tuple[int, dict | None, str, str | None]]:
    for number, doc, error in read_v2(lines):
        yield number, doc, error, None


def read_v2(lines: Iterable[str]) -> Iterator[tuple[int, dict | None, str]]:
    """JSON:API pages, one per line (or one pretty-printed page): rows are numbered by line for
    one-resource-per-line files, by position for pages."""
    text_lines = list(lines) if not isinstance(lines, list) else lines
    content = "".join(text_lines).strip()
    documents: list[tuple[int, object]]
    try:
        documents = [(1, json.loads(content))] if content else []
    except json.JSONDecodeError:
        documents = []
        for number, line in enumerate(text_lines, start=1):
            if line.strip():
                try:
                    documents.append((number, json.loads(line)))
                except json.JSONDecodeError:
                    yield number, None, "JSON illisible"
    position = 0
    for number, doc in documents:
        resources = doc.get("data", []) if isinstance(doc, dict) and "data" in doc else [doc]
        for resource in resources:
            position += 1
            yield (position if len(documents) == 1 else number), resource, ""
