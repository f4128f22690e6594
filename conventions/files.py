"""Upload checks and private file serving for the documents (minimal; conumapp/files.py was not
available when this app was written — switch to it when it lands)."""

from __future__ import annotations

import mimetypes

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse

SIGNATURES = {
    ".pdf": [b"%PDF-"],
    ".jpg": [b"\xff\xd8\xff"],
    ".jpeg": [b"\xff\xd8\xff"],
    ".png": [b"\x89PNG\r\n\x1a\n"],
}


def validate_document(uploaded) -> None:
    """PDF, JPEG or PNG only, size-limited, and the content must match the extension."""
    name = (uploaded.name or "").lower()
    extension = "." + name.rsplit(".", 1)[-1] if "." in name else ""
    if extension not in SIGNATURES:
        raise ValidationError("Format non accepté : déposez un fichier PDF, JPEG ou PNG.")
    limit = settings.UPLOAD_MAX_BYTES
    if uploaded.size > limit:
        raise ValidationError(f"Le fichier dépasse la taille maximale de {limit // (1024 * 1024)} Mo.")
    head = uploaded.read(16)
    uploaded.seek(0)
    if not any(head.startswith(signature) for signature in SIGNATURES[extension]):
        raise ValidationError("Le contenu du fichier ne correspond pas à un PDF, JPEG ou PNG valide.")


def serve_private_file(field_file, filename: str) -> FileResponse:
    content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    response = FileResponse(
        field_file.open("rb"), as_attachment=True, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
