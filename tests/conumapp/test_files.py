"""Private uploads: checked by content and size, random names, served as attachments after a
permission check."""

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import request_finished
from django.db import close_old_connections
from django.db.models.fields.files import FieldFile
from django.http import Http404

from conumapp.files import (
    PrivateFileField,
    PrivateFileFormField,
    PrivateUploadTo,
    clean_filename,
    serve_private_file,
    validate_upload,
)
from conumapp.storage import private_storage
from conumapp.views_files import PrivateFileView

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
RANDOM_NAME = re.compile(r"^[0-9a-f]{32}\.(pdf|png|jpg|bin)$")


def upload(name, content, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.mark.parametrize(("content", "kind"), [(PDF, "pdf"), (PNG, "png"), (JPEG, "jpeg")])
def test_accepted_kinds_are_recognised_by_content(content, kind):
    assert validate_upload(upload("scan.bin", content, "application/octet-stream")) == kind


def test_a_non_pdf_renamed_pdf_is_refused_whatever_the_browser_says():
    fake = upload("cv.pdf", b"MZ\x90\x00 this is an executable", content_type="application/pdf")
    with pytest.raises(ValidationError) as error:
        validate_upload(fake, allowed=("pdf",))
    assert error.value.messages == [
        "Le contenu du fichier n'est pas un PDF valide : déposez un fichier au format PDF."
    ]


@pytest.mark.parametrize(
    ("content", "declared"),
    [(PDF, "application/pdf"), (PDF, "application/x-pdf"), (PDF, "application/octet-stream"), (PDF, ""),
     (JPEG, "image/jpeg"), (JPEG, "image/pjpeg"), (PNG, "image/png"), (PNG, "IMAGE/PNG")],
)  # fmt: skip
def test_usual_declared_content_types_are_accepted(content, declared):
    assert validate_upload(upload("fichier", content, declared))


@pytest.mark.parametrize(
    ("content", "declared"),
    [(PDF, "text/plain"), (PDF, "text/html"), (PDF, "image/png"), (PNG, "application/pdf"),
     (JPEG, "image/svg+xml")],
)  # fmt: skip
def test_a_declared_content_type_naming_another_kind_is_refused(content, declared):
    with pytest.raises(ValidationError) as error:
        validate_upload(upload("fichier", content, declared))
    assert error.value.code == "bad_declared_type"
    assert error.value.messages == [
        "Le type de fichier annoncé par votre navigateur ne correspond pas à un PDF, JPEG ou PNG : "
        "déposez un fichier au format PDF, JPEG ou PNG."
    ]


def test_a_stored_file_has_no_declared_type_and_is_checked_by_content():
    assert validate_upload(ContentFile(PDF, name="a.pdf")) == "pdf"


def test_a_png_is_refused_where_only_pdf_is_allowed():
    with pytest.raises(ValidationError, match="PDF"):
        validate_upload(upload("contrat.pdf", PNG), allowed=("pdf",))


def test_oversize_and_empty_files_are_refused(settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    big = upload("gros.pdf", PDF + b"0" * (1024 * 1024))
    with pytest.raises(ValidationError) as error:
        validate_upload(big)
    assert error.value.messages == ["Le fichier dépasse la taille maximale autorisée (1 Mo)."]
    assert validate_upload(upload("petit.pdf", PDF)) == "pdf"
    with pytest.raises(ValidationError, match="vide"):
        validate_upload(upload("vide.pdf", b""))


def test_validation_leaves_the_file_readable_from_the_start():
    file = upload("a.pdf", PDF)
    validate_upload(file)
    assert file.read() == PDF


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\Windows\\win.ini.pdf", "win.ini.pdf"),
        ("/abs/path/CV Léa Dupont.pdf", "CV Léa Dupont.pdf"),
        ("bad\x00name\r\n<script>.pdf", "badname_script_.pdf"),
        ("....", "document"),
        ("", "document"),
        (".htaccess", "htaccess"),
    ],
)
def test_file_names_are_neutralised(name, expected):
    assert clean_filename(name) == expected


def test_long_names_keep_their_extension():
    name = clean_filename("a" * 300 + ".pdf")
    assert len(name) == 100 and name.endswith(".pdf")


def test_stored_names_are_random_and_never_the_users():
    upload_to = PrivateUploadTo("cv")
    path = upload_to(None, "../../etc/Léa Dupont.PDF")
    prefix, year, month, name = path.split("/")
    assert prefix == "cv" and len(year) == 4 and len(month) == 2
    assert RANDOM_NAME.match(name) and name.endswith(".pdf")
    assert RANDOM_NAME.match(upload_to(None, "script.php").rsplit("/", 1)[1]).group(1) == "bin"
    assert upload_to(None, "a.pdf") != upload_to(None, "a.pdf")


class CvForm(forms.Form):
    cv = PrivateFileFormField(allowed=("pdf",))


def test_form_field_checks_content_keeps_original_name_and_renames():
    form = CvForm(files={"cv": upload("../../etc/passwd.pdf", PDF)})
    assert form.is_valid(), form.errors
    cleaned = form.cleaned_data["cv"]
    assert cleaned.original_name == "passwd.pdf"
    assert RANDOM_NAME.match(cleaned.name) and cleaned.name.endswith(".pdf")

    refused = CvForm(files={"cv": upload("cv.pdf", b"<html>not a pdf</html>")})
    assert not refused.is_valid()
    assert refused.errors["cv"] == [
        "Le contenu du fichier n'est pas un PDF valide : déposez un fichier au format PDF."
    ]
    assert 'accept="application/pdf"' in str(CvForm()["cv"])


def test_private_file_field_stores_in_the_private_storage_outside_static(settings):
    field = PrivateFileField(prefix="contrats")
    assert field.storage is private_storage()
    _name, path, _args, kwargs = field.deconstruct()
    assert path == "conumapp.files.PrivateFileField"
    assert kwargs["prefix"] == "contrats" and kwargs["storage"] is private_storage
    assert isinstance(field.formfield(), PrivateFileFormField)

    name = field.storage.save(field.generate_filename(None, "contrat.pdf"), ContentFile(PDF))
    location = Path(settings.STORAGES["private"]["OPTIONS"]["location"])
    assert (location / name).read_bytes() == PDF  # the per-test storage: the proxy follows settings
    assert storages["private"].exists(name)
    for public in (settings.STATIC_ROOT, settings.MEDIA_ROOT):
        assert not str(location / name).startswith(str(public))


def stored_file(name="contrats/2026/01/abc.bin", content=PDF):
    field = PrivateFileField(prefix="contrats")
    saved = field.storage.save(name, ContentFile(content))
    return FieldFile(None, field, saved)


def _close(response):
    """Close the served file as the server does, without ``request_finished``'s database
    clean-up (as Django's test client does): these tests have no database, and a connection
    left open by an earlier test in the same process must not be touched."""
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def test_served_as_attachment_with_the_content_type_of_the_content(rf):
    response = serve_private_file(rf.get("/"), stored_file(), "../../Contrat de Léa.pdf")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Contrat" in response["Content-Disposition"] and ".." not in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert "sandbox" in response["Content-Security-Policy"]
    _close(response)


def test_unknown_content_is_served_as_octet_stream_never_html(rf):
    response = serve_private_file(rf.get("/"), stored_file("x/page.html", b"<html><script>"), "page.html")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    _close(response)


def test_missing_file_is_a_404(rf):
    field = PrivateFileField(prefix="x")
    with pytest.raises(Http404):
        serve_private_file(rf.get("/"), FieldFile(None, field, "x/absent.pdf"), "absent.pdf")


class DocumentView(PrivateFileView):
    file_field = "fichier"
    filename_field = "nom"
    allowed = False

    def get_object(self, request, **kwargs):
        return SimpleNamespace(pk=kwargs["pk"], fichier=stored_file(), nom="justificatif.pdf")

    def has_permission(self, request, obj):
        return self.allowed


def test_view_refuses_without_permission_and_serves_with_it(rf):
    with pytest.raises(PermissionDenied):
        DocumentView.as_view()(rf.get("/"), pk=1)
    response = DocumentView.as_view(allowed=True)(rf.get("/"), pk=1)
    assert response.status_code == 200
    assert 'filename="justificatif.pdf"' in response["Content-Disposition"]
    _close(response)


def test_base_view_denies_by_default(rf):
    class Careless(PrivateFileView):
        file_field = "fichier"

        def get_object(self, request, **kwargs):
            return SimpleNamespace(fichier=stored_file())

    with pytest.raises(PermissionDenied):
        Careless.as_view()(rf.get("/"), pk=1)
