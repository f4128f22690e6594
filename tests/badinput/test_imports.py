"""Every import path fed malformed rows, wrong file types, zip bombs and oversize files.

* admin imports (django-import-export): structures, candidates;
* formation results (admin CSV import), legacy CRA (admin upload and ``import_cra`` command).

Malformed rows: French errors with line numbers and nothing written (all-or-nothing). Wrong
files: refused with a French message, never a 500.
"""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from conseillers.models import Conseiller
from cra.models import Cra, ImportCra
from formation.models import Certification, FormationInitiale
from structures.models import Structure
from tests.structures.factories import valid_siret

from .hostile import IMG, PNG_BYTES, SCRIPT, assert_french, assert_no_payload, flash_messages, form_errors

pytestmark = pytest.mark.django_db


def xlsx_bomb(uncompressed_mb: int = 120) -> bytes:
    """A well-formed XLSX whose sheet inflates to ``uncompressed_mb`` MB (tiny compressed)."""
    buffer = io.BytesIO()
    row = '<row><c t="inlineStr"><is><t>' + "A" * 1000 + "</t></is></c></row>"
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            "</Types>",
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>",
        )
        archive.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="Feuille1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            "</Relationships>",
        )
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(
                b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            )
            chunk = (row * 1000).encode()
            for _ in range(uncompressed_mb * 1024 * 1024 // len(chunk) + 1):
                sheet.write(chunk)
            sheet.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    content = xlsx_bomb()
    assert len(content) < 2 * 1024 * 1024  # small on the wire, > 100 MB once inflated
    return content


@pytest.fixture(autouse=True)
def _import_export_template_variable():
    """django-import-export's import page reads ``fields_list.0.1`` even when the list is empty
    (a refused file): harmless (renders nothing), tolerated here only."""
    from tests.conftest import THIRD_PARTY_OPTIONAL_VARIABLES

    added = "fields_list.0.1" not in THIRD_PARTY_OPTIONAL_VARIABLES
    THIRD_PARTY_OPTIONAL_VARIABLES.add("fields_list.0.1")
    yield
    if added:
        THIRD_PARTY_OPTIONAL_VARIABLES.discard("fields_list.0.1")


@pytest.fixture
def admin_client(world) -> Client:
    client = Client()
    client.force_login(world.operateur)
    return client


def _format_index(client, url: str, extension: str) -> str:
    form = client.get(url).context["form"]
    for value, label in form.fields["format"].choices:
        if str(label).lower() == extension:
            return str(value)
    raise AssertionError(f"format {extension} absent de {url}")


def _check_page(response, where: str) -> str:
    assert response.status_code < 500, f"{where}: HTTP {response.status_code}"
    content = response.content.decode("utf-8", errors="replace")
    # django-import-export folds a (hidden) traceback under its French message: not shown text.
    content = re.sub(r'<div class="traceback">.*?</div>', "", content, flags=re.S)
    assert_no_payload(content, where)
    assert_french(content, form_errors(response) + flash_messages(response), where)
    return content


# --- django-import-export admin imports ------------------------------------------------------

IMPORTS = {
    "structures": ("admin:structures_structure_import", Structure),
    "candidats": ("admin:conseillers_candidat_import", Conseiller),
}

STRUCTURES_CSV = (
    "siret,nom,type,departement,adresse,code_postal,contact_email\n"
    f"{valid_siret(8101)},Mairie {SCRIPT},COMMUNE,69,1 rue {IMG},69001,a@exemple.fr\n"
    "123,Mauvais SIRET,COMMUNE,69,1 rue,69001,b@exemple.fr\n"
    f"{valid_siret(8102)},Type inconnu,INCONNU,69,1 rue,69001,c@exemple.fr\n"
    f"{valid_siret(8103)},Département inconnu,COMMUNE,999,1 rue,69001,d@exemple.fr\n"
)
CANDIDATS_CSV = (
    "email,prenom,nom,code_postal,disponible,date_disponibilite,distance_max,situation\n"
    f"bon@exemple.fr,Camille,{SCRIPT},69001,1,2030-01-01,20,demandeur_emploi\n"
    "pas-une-adresse,Camille,Martin,69001,1,2030-01-01,20,demandeur_emploi\n"
    "autre@exemple.fr,Camille,Martin,00000,1,2030-02-30,-5,INCONNUE\n"
)
BAD_ROWS = {"structures": STRUCTURES_CSV, "candidats": CANDIDATS_CSV}


def _import(client, name: str, filename: str, content: bytes, extension: str):
    url_name, _model = IMPORTS[name]
    url = reverse(url_name)
    upload = SimpleUploadedFile(filename, content, content_type="application/octet-stream")
    return client.post(
        url, {"import_file": upload, "format": _format_index(client, url, extension), "resource": "0"}
    )


@pytest.mark.parametrize("name", sorted(IMPORTS))
def test_admin_import_bad_rows_are_listed_in_french_and_nothing_is_written(admin_client, name):
    model = IMPORTS[name][1]
    before = model.objects.count()
    response = _import(admin_client, name, "lignes.csv", BAD_ROWS[name].encode(), "csv")
    content = _check_page(response, name)
    assert model.objects.count() == before
    assert "confirm_form" not in (response.context or {}) or response.context["confirm_form"] is None
    assert "Ligne" in content or "ligne" in content


BAD_FILES = {
    "png renamed csv": ("donnees.csv", PNG_BYTES, "csv"),
    "png renamed xlsx": ("donnees.xlsx", PNG_BYTES, "xlsx"),
    "binary csv": ("donnees.csv", bytes(range(256)) * 50, "csv"),
    "nul bytes csv": ("donnees.csv", b"siret;nom\n\x00\x00;\x00\n", "csv"),
    "latin-1 csv": ("donnees.csv", "siret;nom\n1;Préfecture\n".encode("latin-1"), "csv"),
    "empty csv": ("donnees.csv", b"", "csv"),
    "huge field csv": ("donnees.csv", b"siret;nom\n1;" + b"x" * 200_000 + b"\n", "csv"),
    "truncated xlsx": ("donnees.xlsx", b"PK\x03\x04" + b"\x00" * 50, "xlsx"),
}


@pytest.mark.parametrize("bad", sorted(BAD_FILES))
@pytest.mark.parametrize("name", sorted(IMPORTS))
def test_admin_import_refuses_wrong_files_cleanly(admin_client, name, bad):
    filename, content, extension = BAD_FILES[bad]
    model = IMPORTS[name][1]
    before = model.objects.count()
    response = _import(admin_client, name, filename, content, extension)
    _check_page(response, f"{name} / {bad}")
    assert model.objects.count() == before


@pytest.mark.parametrize("name", sorted(IMPORTS))
def test_admin_import_refuses_an_xlsx_zip_bomb_before_reading_it(admin_client, name, bomb):
    response = _import(admin_client, name, "bombe.xlsx", bomb, "xlsx")
    content = _check_page(response, f"{name} / bombe")
    assert response.status_code == 200
    assert "trop volumineux" in content


# --- Formation results (admin CSV) -----------------------------------------------------------


def _formation_upload(client, content: bytes, filename="resultats.csv"):
    return client.post(
        reverse("admin:formation_formationinitiale_import"),
        {"fichier": SimpleUploadedFile(filename, content, content_type="text/csv")},
    )


def test_formation_import_bad_rows_numbered_and_nothing_written(admin_client, world):
    email = world.conseiller_formation.user.email
    content = (
        "conseiller;parcours;organisme;date_entree;date_sortie;ccp1\n"
        f"{email};70;;2024-01-01;2024-02-01;reussi\n"
        f"{SCRIPT};999;{IMG};2024-02-30;31/13/2024;peut-etre\n"
    ).encode()
    before = (FormationInitiale.objects.count(), Certification.objects.count())
    response = _formation_upload(admin_client, content)
    page = _check_page(response, "formation")
    assert "Ligne 3" in page
    confirm = admin_client.post(
        reverse("admin:formation_formationinitiale_import"), {"confirmer": "1", "contenu": content.decode()}
    )
    _check_page(confirm, "formation confirmer")
    assert (FormationInitiale.objects.count(), Certification.objects.count()) == before


@pytest.mark.parametrize("bad", sorted(BAD_FILES))
def test_formation_import_refuses_wrong_files_cleanly(admin_client, bad):
    filename, content, _extension = BAD_FILES[bad]
    before = FormationInitiale.objects.count()
    _check_page(_formation_upload(admin_client, content, filename), f"formation / {bad}")
    assert FormationInitiale.objects.count() == before


def test_formation_import_confirm_with_hostile_content(admin_client):
    for contenu in ["conseiller\n\x00\n", "conseiller\n" + "x" * 200_000, "\x00", ""]:
        response = admin_client.post(
            reverse("admin:formation_formationinitiale_import"), {"confirmer": "1", "contenu": contenu}
        )
        _check_page(response, "formation confirmer")


# --- Legacy CRA: admin upload and command ----------------------------------------------------


@pytest.mark.parametrize("bad", sorted(BAD_FILES))
def test_cra_admin_import_refuses_wrong_files_cleanly(admin_client, bad):
    filename, content, _extension = BAD_FILES[bad]
    before = Cra.objects.count()
    response = admin_client.post(
        reverse("admin:cra_importcra_importer"),
        {"format": "v1", "fichier": SimpleUploadedFile(filename, content), "dry_run": ""},
    )
    if response.status_code == 302:  # accepted as a (fully refused) run: its report must be French
        run = ImportCra.objects.latest("pk")
        assert run.importees == 0
        response = admin_client.get(response["Location"])
    _check_page(response, f"cra / {bad}")
    assert Cra.objects.count() == before


@pytest.mark.parametrize("bad", ["png renamed csv", "binary csv", "latin-1 csv", "nul bytes csv"])
def test_cra_command_refuses_wrong_files_with_a_french_error(tmp_path, bad):
    _filename, content, _extension = BAD_FILES[bad]
    path = tmp_path / "cras.jsonl"
    path.write_bytes(content)
    out = io.StringIO()
    try:
        call_command("import_cra", str(path), "--format", "v1", stdout=out)
    except CommandError as error:
        assert not any(word in str(error) for word in ("codec", "decode", "Traceback")), str(error)
        assert "fichier" in str(error).lower()
    assert Cra.objects.count() == 0
