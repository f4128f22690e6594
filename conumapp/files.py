"""Private uploads: CVs, contracts, proofs. Checked by content, stored under random names.

* Storage: ``STORAGES["private"]`` (outside static and media, never served by the web server);
  a :class:`PrivateFileField` stores there under ``<prefix>/<year>/<month>/<random>.<ext>``:
  the user's file name is never part of the path. Keep the (sanitised) original name in a
  separate field if it must be shown: :func:`clean_filename`.
* Checks: :func:`validate_upload` reads the first bytes (magic numbers), not the extension,
  enforces ``UPLOAD_MAX_BYTES``, and refuses an upload whose declared content type (sent by
  the browser) names another kind than its content (:data:`DECLARED_TYPES`). Forms use
  :class:`PrivateFileFormField`, which validates, remembers the original name in
  ``file.original_name`` and renames the upload to a random name with the extension of its
  actual content.
* Imports: :func:`validate_spreadsheet` refuses oversize CSV/XLSX files and XLSX "zip bombs"
  (declared uncompressed size or entry count too large) before any parser opens them;
  :class:`SafeImportForm` applies it to django-import-export's admin import form.
* Serving: an app's view checks the permission, then returns
  :func:`serve_private_file` (attachment, ``nosniff``, not cached). See
  :class:`conumapp.views_files.PrivateFileView` for a ready-made view.
"""

from __future__ import annotations

import os
import re
import unicodedata
import uuid
import zipfile

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from import_export.forms import ImportForm

from .storage import private_storage

# kind -> (magic prefixes, stored extension, content type, label for messages)
FILE_KINDS = {
    "pdf": ((b"%PDF-",), ".pdf", "application/pdf", "PDF"),
    "jpeg": ((b"\xff\xd8\xff",), ".jpg", "image/jpeg", "JPEG"),
    "png": ((b"\x89PNG\r\n\x1a\n",), ".png", "image/png", "PNG"),
}
EXTENSION_KINDS = {".pdf": "pdf", ".jpg": "jpeg", ".jpeg": "jpeg", ".png": "png"}
#: Content types a browser may declare for each kind (the usual one and older aliases).
DECLARED_TYPES = {
    "pdf": {"application/pdf", "application/x-pdf", "application/acrobat", "application/vnd.pdf"},
    "jpeg": {"image/jpeg", "image/jpg", "image/pjpeg"},
    "png": {"image/png", "image/x-png"},
}
#: Declared types that say nothing about the content: accepted, the magic bytes decide. Browsers
#: send ``application/octet-stream`` (or nothing) when the operating system has no type
#: registered for the file's extension (e.g. a ``.PDF`` on some Windows setups, or a file without
#: extension); refusing it would reject genuine files, and the content check still applies.
UNDECLARED_TYPES = {"", "application/octet-stream", "binary/octet-stream"}
DEFAULT_ALLOWED = ("pdf", "jpeg", "png")
HEAD_BYTES = 16
MAX_NAME_LENGTH = 100


def detect_kind(file) -> str | None:
    """The kind of a file from its first bytes (``pdf``, ``jpeg``, ``png``) or None."""
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(HEAD_BYTES)
    file.seek(position)
    for kind, (prefixes, *_rest) in FILE_KINDS.items():
        if any(head.startswith(prefix) for prefix in prefixes):
            return kind
    return None


def _file_size(file) -> int:
    size = getattr(file, "size", None)
    if size is None:
        position = file.tell()
        file.seek(0, os.SEEK_END)
        size = file.tell()
        file.seek(position)
    return size


def _labels(kinds) -> str:
    labels = [FILE_KINDS[kind][3] for kind in kinds]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " ou " + labels[-1]


def validate_upload(file, allowed=DEFAULT_ALLOWED, max_bytes: int | None = None) -> str:
    """Refuse empty, oversize or wrong-content files (French messages); returns the detected kind.

    The kind is read from the content (magic bytes), never from the name. An upload from a
    browser (a Django ``UploadedFile``) also carries the content type the browser declared: it
    must be one of :data:`DECLARED_TYPES` for the detected kind (a real PDF declared
    ``text/plain`` is refused), or say nothing (:data:`UNDECLARED_TYPES`, see there why
    ``application/octet-stream`` is accepted). Files without a declared type (read from disk or
    storage) are checked by content only.
    """
    unknown = set(allowed) - set(FILE_KINDS)
    if unknown:
        raise ValueError(f"types de fichier inconnus : {sorted(unknown)}")
    max_bytes = settings.UPLOAD_MAX_BYTES if max_bytes is None else max_bytes
    size = _file_size(file)
    if size == 0:
        raise ValidationError("Le fichier est vide.", code="empty")
    if size > max_bytes:
        limit = f"{max_bytes / (1024 * 1024):.0f} Mo" if max_bytes >= 1024 * 1024 else f"{max_bytes} octets"
        raise ValidationError(f"Le fichier dépasse la taille maximale autorisée ({limit}).", code="too_big")
    kind = detect_kind(file)
    if kind not in allowed:
        raise ValidationError(
            f"Le contenu du fichier n'est pas un {_labels(allowed)} valide : "
            f"déposez un fichier au format {_labels(allowed)}.",
            code="bad_type",
        )
    declared = (getattr(file, "content_type", None) or "").split(";")[0].strip().lower()
    if declared not in UNDECLARED_TYPES and declared not in DECLARED_TYPES[kind]:
        raise ValidationError(
            f"Le type de fichier annoncé par votre navigateur ne correspond pas à un {_labels(allowed)} : "
            f"déposez un fichier au format {_labels(allowed)}.",
            code="bad_declared_type",
        )
    return kind


IMPORT_MAX_BYTES = 20 * 1024 * 1024
IMPORT_MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
IMPORT_MAX_ZIP_ENTRIES = 1000


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} Mo"


def validate_spreadsheet(
    file,
    max_bytes: int = IMPORT_MAX_BYTES,
    max_uncompressed: int = IMPORT_MAX_UNCOMPRESSED_BYTES,
    max_entries: int = IMPORT_MAX_ZIP_ENTRIES,
) -> None:
    """Refuse (French messages) an import file too large, or a zip (XLSX, ODS) inflating too much.

    Reads only the zip's central directory: the declared sizes bound what any Python reader
    inflates, so nothing is decompressed here.
    """
    size = _file_size(file)
    if size == 0:
        raise ValidationError("Le fichier est vide.", code="empty")
    if size > max_bytes:
        raise ValidationError(
            f"Le fichier dépasse la taille maximale autorisée ({_megabytes(max_bytes)}).", code="too_big"
        )
    position = file.tell()
    file.seek(0)
    try:
        if file.read(4) != b"PK\x03\x04":
            return
        file.seek(0)
        try:
            with zipfile.ZipFile(file) as archive:
                entries = archive.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as error:
            raise ValidationError(
                "Le fichier est illisible : ce n'est pas un classeur valide.", code="bad_zip"
            ) from error
        if len(entries) > max_entries or sum(entry.file_size for entry in entries) > max_uncompressed:
            raise ValidationError(
                f"Le fichier est trop volumineux une fois décompressé (plus de {_megabytes(max_uncompressed)}) : "
                "découpez-le en plusieurs fichiers.",
                code="too_big_uncompressed",
            )
    finally:
        file.seek(position)


def first_non_utf8_line(file) -> int | None:
    """Number (from 1) of the first line of a binary file that is not UTF-8, or None (one pass)."""
    position = file.tell()
    file.seek(0)
    try:
        for number, line in enumerate(file, start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                return number
        return None
    finally:
        file.seek(position)


class SafeImportForm(ImportForm):
    """django-import-export's admin import form, with :func:`validate_spreadsheet` on the file."""

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        validate_spreadsheet(upload)
        return upload


def clean_filename(name: str | None, default: str = "document") -> str:
    """A displayable, harmless file name: no directory, no control or special characters."""
    name = unicodedata.normalize("NFKC", str(name or ""))
    name = re.split(r"[\\/]", name)[-1]  # no directory part, whatever the client's OS
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = re.sub(r"[^\w.()\- ]+", "_", name).strip(" ._")
    name = re.sub(r"\.{2,}", ".", name)
    name = re.sub(r"[ _]{2,}", "_", name)
    if not name:
        return default
    stem, ext = os.path.splitext(name)
    if len(name) > MAX_NAME_LENGTH:
        ext = ext[:10]
        name = stem[: MAX_NAME_LENGTH - len(ext)] + ext
    return name


def random_name(kind_or_ext: str) -> str:
    ext = FILE_KINDS[kind_or_ext][1] if kind_or_ext in FILE_KINDS else kind_or_ext
    return f"{uuid.uuid4().hex}{ext}"


@deconstructible
class PrivateUploadTo:
    """``upload_to`` giving ``<prefix>/<yyyy>/<mm>/<random>.<ext>``: never the user's file name."""

    def __init__(self, prefix: str):
        self.prefix = prefix.strip("/")

    def __call__(self, instance, filename: str) -> str:
        ext = os.path.splitext(filename or "")[1].lower()
        kind = EXTENSION_KINDS.get(ext)
        today = timezone.localdate()
        return f"{self.prefix}/{today:%Y/%m}/{random_name(kind or '.bin')}"

    def __eq__(self, other):
        return isinstance(other, PrivateUploadTo) and other.prefix == self.prefix


class PrivateFileFormField(forms.FileField):
    """Validates by content and declared type (:func:`validate_upload`); ``cleaned.original_name``
    keeps the sanitised name, the file is renamed."""

    def __init__(self, *args, allowed=DEFAULT_ALLOWED, max_bytes: int | None = None, **kwargs):
        self.allowed = tuple(allowed)
        self.max_bytes = max_bytes
        kwargs.setdefault(
            "help_text",
            f"Format {_labels(self.allowed)}, {((max_bytes or settings.UPLOAD_MAX_BYTES) // (1024 * 1024))} Mo maximum.",
        )
        super().__init__(*args, **kwargs)
        accept = ",".join(FILE_KINDS[kind][2] for kind in self.allowed)
        self.widget.attrs.setdefault("accept", accept)

    def clean(self, data, initial=None):
        file = super().clean(data, initial)
        if file and file is not initial and hasattr(file, "read"):
            kind = validate_upload(file, allowed=self.allowed, max_bytes=self.max_bytes)
            if not getattr(file, "original_name", None):
                file.original_name = clean_filename(file.name)
                file.name = random_name(kind)
        return file


class PrivateFileField(models.FileField):
    """A FileField in the private storage, random names, content-checked uploads in forms."""

    def __init__(self, *args, prefix: str = "fichiers", allowed=DEFAULT_ALLOWED, **kwargs):
        self.prefix = prefix
        self.allowed = tuple(allowed)
        kwargs.setdefault("storage", private_storage)
        kwargs.setdefault("upload_to", PrivateUploadTo(prefix))
        kwargs.setdefault("max_length", 200)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("upload_to", None)
        if kwargs.get("max_length") == 200:
            kwargs.pop("max_length")
        kwargs["prefix"] = self.prefix
        if self.allowed != DEFAULT_ALLOWED:
            kwargs["allowed"] = self.allowed
        return name, path, args, kwargs

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": PrivateFileFormField, "allowed": self.allowed, **kwargs})


def serve_private_file(request, fieldfile, filename: str | None = None) -> FileResponse:
    """Send a private file as a download. Call it only AFTER the view checked the permission.

    The content type comes from the stored content (never from the name); the download name
    is sanitised; the response is an attachment, ``nosniff``, sandboxed and not cached.
    """
    if not fieldfile or not fieldfile.name or not fieldfile.storage.exists(fieldfile.name):
        raise Http404("Fichier introuvable.")
    handle = fieldfile.storage.open(fieldfile.name, "rb")
    kind = detect_kind(handle)
    content_type = FILE_KINDS[kind][2] if kind else "application/octet-stream"
    download_name = clean_filename(filename or os.path.basename(fieldfile.name))
    if kind and not download_name.lower().endswith(tuple(e for e, k in EXTENSION_KINDS.items() if k == kind)):
        download_name += FILE_KINDS[kind][1]
    response = FileResponse(handle, as_attachment=True, filename=download_name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
