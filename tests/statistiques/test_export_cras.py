"""Row export of CRAs (statistiques/export_cras.py, views_export.py): streamed CSV, XLSX, scope,
filters, and the background task for large exports.

Data (``donnees``): structures s1 "Médiathèque de Lyon" (advisors a1, a2) and s2 (advisor a3),
both in Rhône; a4 in Paris (s3).

| cra | advisor | type       | themes         | note                         |
| --- | ------- | ---------- | -------------- | ---------------------------- |
| k1  | a1      | individuel | email, santé   | "Démarche réussie"           |
| k2  | a1      | collectif  | email          | 12 participants              |
| k3  | a2      | individuel | email          |                              |
| k4  | a1      | individuel | email          | deleted: never exported      |
| k5  | a3      | individuel | email          | other structure (s2)         |
| k6  | a4      | individuel | logement       | other département (75)       |
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conumapp.enums import Role
from conumapp.models import OutboxEmail
from conumapp.permissions import grant_role
from cra.enums import Thematique, bits_of
from cra.models import Cra
from statistiques import export_cras
from statistiques.models import ExportCra
from statistiques.tasks import exporter_cras
from tests.conventions.factories import (
    StructureFactory,
    UserFactory,
    departement,
    membre,
    operateur,
    prefecture,
)
from tests.cra.factories import CraFactory, conseiller_en_poste, coordinateur

URL = "statistiques:export_cras"


def _rows(response) -> list[list[str]]:
    raw = b"".join(response.streaming_content)
    assert raw.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))


@pytest.fixture
def donnees(db):
    rhone, paris = departement("69", "Rhône", "84"), departement("75", "Paris", "11")
    s1 = StructureFactory(nom="Médiathèque de Lyon", departement=rhone, region=rhone.region)
    s2 = StructureFactory(nom="Centre social Croix-Rousse", departement=rhone, region=rhone.region)
    s3 = StructureFactory(nom="Mairie de Paris", departement=paris, region=paris.region)
    a1, a2, a3, a4 = (
        conseiller_en_poste(s1),
        conseiller_en_poste(s1),
        conseiller_en_poste(s2),
        conseiller_en_poste(s3),
    )
    hier = timezone.localdate() - timedelta(days=1)
    k = {
        1: CraFactory(conseiller=a1, date=hier, thematiques=bits_of(["email", "sante"], Thematique),
                      note="Démarche réussie", autonomie="autonome", oriente=False),
        2: CraFactory(conseiller=a1, date=hier - timedelta(days=3), collectif=True),
        3: CraFactory(conseiller=a2, date=hier - timedelta(days=5)),
        4: CraFactory(conseiller=a1, date=hier, supprime=True),
        5: CraFactory(conseiller=a3, date=hier),
        6: CraFactory(conseiller=a4, date=hier, thematiques=bits_of(["logement"], Thematique),
                      commune_code="75056", code_postal="75001"),
    }  # fmt: skip
    return {"s1": s1, "s2": s2, "s3": s3, "a1": a1, "a2": a2, "a3": a3, "a4": a4, "k": k}


def _ids(rows) -> set[int]:
    return {int(row[0]) for row in rows[1:]}


# --- The streamed CSV ----------------------------------------------------------------------


def test_csv_is_streamed_with_bom_header_accents_and_one_row_per_cra(client, donnees):
    client.force_login(membre(donnees["s1"]))
    response = client.get(reverse(URL), {"format": "csv"})
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="cra-')
    rows = _rows(response)
    assert tuple(rows[0]) == export_cras.HEADERS
    assert _ids(rows) == {donnees["k"][1].pk, donnees["k"][2].pk, donnees["k"][3].pk}
    k1 = next(dict(zip(rows[0], row, strict=True)) for row in rows[1:] if int(row[0]) == donnees["k"][1].pk)
    assert k1["Structure"] == "Médiathèque de Lyon"
    # The enumeration's order, one value per line (DOMAIN.md §6).
    assert k1["Thématique(s) d'accompagnement"] == "E-mail\nSanté"
    assert k1["Notes supplémentaires"] == "Démarche réussie"
    assert k1["Commune"] == "Lyon" and k1["Code INSEE de la commune"] == "69123"
    assert (
        k1["Type"] == "Accompagnement individuel" and k1["Niveau d'autonomie (ou de l'atelier)"] == "Autonome"
    )
    assert k1["Bénéficiaire réorienté"] == "Non" and k1["Matériel numérique utilisé"] == "Ordinateur"
    assert k1["Identifiant de la structure"] == f"STR-{donnees['s1'].pk:06d}"
    assert k1["Identifiant du conseiller"] == str(donnees["a1"].pk)
    k2 = next(dict(zip(rows[0], row, strict=True)) for row in rows[1:] if int(row[0]) == donnees["k"][2].pk)
    assert k2["Nombre de participants"] == "12" and k2["Âge : Non communiqué"] == "12"
    assert k2["Niveau d'autonomie (ou de l'atelier)"] == "Débutant" and k2["Type"] == "Atelier collectif"


def test_no_personal_data_of_the_public_or_advisor_names(client, donnees):
    client.force_login(operateur())
    body = b"".join(client.get(reverse(URL), {"format": "csv"}).streaming_content).decode("utf-8-sig")
    for a in ("a1", "a2", "a3", "a4"):
        assert donnees[a].nom not in body and donnees[a].user.email not in body


def test_row_scope_of_each_role(client, donnees):
    k = donnees["k"]
    cases = [
        (membre(donnees["s1"]), {k[1].pk, k[2].pk, k[3].pk}),
        (membre(donnees["s2"]), {k[5].pk}),
        (donnees["a1"].user, {k[1].pk, k[2].pk}),  # an advisor: own CRAs only
        (coordinateur(donnees["a2"], donnees["a4"]), {k[3].pk, k[6].pk}),
        (operateur(), {k[1].pk, k[2].pk, k[3].pk, k[5].pk, k[6].pk}),
    ]
    for user, expected in cases:
        client.force_login(user)
        assert _ids(_rows(client.get(reverse(URL), {"format": "csv"}))) == expected


def test_statistics_only_roles_and_anonymous_are_refused(client, donnees):
    assert client.get(reverse(URL), {"format": "csv"}).status_code == 302  # login
    hub = UserFactory()
    grant_role(hub, Role.HUB, region=departement("69").region)
    for user in (prefecture("69"), hub):
        client.force_login(user)
        assert client.get(reverse(URL), {"format": "csv"}).status_code == 403
        assert client.get(reverse(URL)).status_code == 403


def test_filters_and_a_forged_scope(client, donnees):
    k = donnees["k"]
    client.force_login(operateur())
    rows = _rows(client.get(reverse(URL), {"format": "csv", "type": "collectif"}))
    assert _ids(rows) == {k[2].pk}
    rows = _rows(client.get(reverse(URL), {"format": "csv", "departement": "75"}))
    assert _ids(rows) == {k[6].pk}
    rows = _rows(client.get(reverse(URL), {"format": "csv", "thematique": "sante"}))
    assert _ids(rows) == {k[1].pk}
    client.force_login(membre(donnees["s1"]))
    forged = f"structure:{donnees['s2'].pk}"
    assert client.get(reverse(URL), {"format": "csv", "perimetre": forged}).status_code == 403


def test_choice_page_lists_formats_and_filters(client, donnees):
    client.force_login(membre(donnees["s1"]))
    response = client.get(reverse(URL))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="format" value="csv"' in body and 'name="format" value="xlsx"' in body


def test_xlsx_is_a_file_response_with_the_same_rows(client, donnees):
    from openpyxl import load_workbook

    client.force_login(membre(donnees["s1"]))
    response = client.get(reverse(URL), {"format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"] == export_cras.CONTENT_TYPES["xlsx"]
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0] == export_cras.HEADERS
    assert {row[0] for row in rows[1:]} == {donnees["k"][1].pk, donnees["k"][2].pk, donnees["k"][3].pk}
    assert "Médiathèque de Lyon" in rows[1]


# --- The bench-friendly generators ----------------------------------------------------------


def test_lignes_csv_generator_and_no_query_per_row(donnees):
    queryset = export_cras.cras_ordonnes(Cra.objects.actifs())
    blocks = list(export_cras.lignes_csv(queryset, chunk_size=2))
    assert blocks[0].startswith("\ufeff".encode()) and blocks[0].endswith(b"\n")
    text = b"".join(blocks).decode("utf-8-sig")
    assert len(list(csv.reader(io.StringIO(text), delimiter=";"))) == 1 + 5
    with CaptureQueriesContext(connection) as few:
        assert len(list(export_cras.lignes(queryset))) == 5
    for _ in range(20):
        CraFactory(conseiller=donnees["a1"], date=timezone.localdate())
    with CaptureQueriesContext(connection) as many:
        assert len(list(export_cras.lignes(queryset))) == 25
    assert len(many) == len(few)  # one for the rows, one for the commune names


# --- Large exports: the background task -----------------------------------------------------


def test_large_export_runs_as_a_task_with_progress_file_and_one_email(
    client, donnees, settings, django_capture_on_commit_callbacks, mailoutbox
):
    settings.EXPORT_CRAS_SYNC_MAX = 2
    user = membre(donnees["s1"])
    client.force_login(user)
    small = client.get(reverse(URL), {"format": "csv", "type": "collectif"})  # 1 row: streamed at once
    assert isinstance(small, StreamingHttpResponse)
    response = client.get(reverse(URL), {"format": "csv"})  # 3 rows > 2: confirmation first
    assert response.status_code == 200 and "Lancer la préparation" in response.content.decode()
    assert not ExportCra.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{reverse(URL)}?perimetre=structure:{donnees['s1'].pk}", {"format": "csv"})
    job = ExportCra.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "statistiques:export_cras_statut", args=[job.pk]
    )
    assert (job.user, job.statut, job.progression, job.lignes, job.format) == (user, "termine", 100, 3, "csv")
    assert job.fichier.name.startswith("exports-cra/") and job.fichier.storage.exists(job.fichier.name)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [user.email]
    assert reverse("statistiques:export_cras_telecharger", args=[job.pk]) in mailoutbox[0].body
    # The status page shows the finished export; it no longer refreshes itself.
    page = client.get(reverse("statistiques:export_cras_statut", args=[job.pk])).content.decode()
    assert 'value="100"' in page and "http-equiv" not in page
    # Downloading: the owner gets the CSV; the rows are those of the synchronous export.
    download = client.get(reverse("statistiques:export_cras_telecharger", args=[job.pk]))
    assert download.status_code == 200
    rows = _rows(download)
    assert _ids(rows) == {donnees["k"][1].pk, donnees["k"][2].pk, donnees["k"][3].pk}
    # A second run (duplicate delivery) does nothing and sends nothing.
    with django_capture_on_commit_callbacks(execute=True):
        assert exporter_cras.delay(job.pk).get() == "deja_fait"
    # Even a forced re-run after a failure writes the file again but never a second email.
    ExportCra.objects.filter(pk=job.pk).update(statut="echec")
    with django_capture_on_commit_callbacks(execute=True):
        assert exporter_cras.delay(job.pk).get() == "termine"
    assert len(mailoutbox) == 1
    assert OutboxEmail.objects.filter(key=f"statistiques-export-cras:{job.pk}").count() == 1


def test_xlsx_task_and_progress_while_running(client, donnees, settings, django_capture_on_commit_callbacks):
    from openpyxl import load_workbook

    settings.EXPORT_CRAS_SYNC_MAX = 1
    user = operateur()
    client.force_login(user)
    response = client.post(f"{reverse(URL)}?type=individuel", {"format": "xlsx"})
    job = ExportCra.objects.get()
    page = client.get(reverse("statistiques:export_cras_statut", args=[job.pk])).content.decode()
    assert '<meta http-equiv="refresh"' in page and "<progress" in page  # waiting: refreshes itself
    with django_capture_on_commit_callbacks(execute=True):
        exporter_cras.delay(job.pk)
    job.refresh_from_db()
    assert response.status_code == 302 and job.statut == "termine" and job.lignes == 4
    with job.fichier.open("rb") as handle:
        rows = list(load_workbook(handle, read_only=True).active.iter_rows(values_only=True))
    assert len(rows) == 1 + 4


def test_only_the_owner_sees_and_downloads_an_export(
    client, donnees, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_CRAS_SYNC_MAX = 1
    owner = membre(donnees["s1"])
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse(URL), {"format": "csv"})
    job = ExportCra.objects.get()
    assert job.statut == "termine"
    for other in (membre(donnees["s1"]), operateur(), donnees["a1"].user):
        client.force_login(other)
        assert client.get(reverse("statistiques:export_cras_telecharger", args=[job.pk])).status_code == 404
        assert client.get(reverse("statistiques:export_cras_statut", args=[job.pk])).status_code == 404
    client.logout()
    assert client.get(reverse("statistiques:export_cras_telecharger", args=[job.pk])).status_code == 302


def test_refused_roles_cannot_start_a_task(client, donnees, settings):
    settings.EXPORT_CRAS_SYNC_MAX = 1
    client.force_login(prefecture("69"))
    assert client.post(reverse(URL), {"format": "csv"}).status_code == 403
    assert not ExportCra.objects.exists()


def test_old_exports_are_purged_with_their_files(
    donnees, settings, django_capture_on_commit_callbacks, client
):
    from statistiques.tasks import purger_exports_cras

    settings.EXPORT_CRAS_SYNC_MAX = 1
    client.force_login(membre(donnees["s1"]))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse(URL), {"format": "csv"})
    job = ExportCra.objects.get()
    name, storage = job.fichier.name, job.fichier.storage
    assert purger_exports_cras.delay().get() == 0  # still within its 7 days
    ExportCra.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(days=8))
    assert purger_exports_cras.delay().get() == 1
    assert not ExportCra.objects.exists() and not storage.exists(name)
    assert purger_exports_cras.delay().get() == 0


def test_postgresql_copy_writes_exactly_the_python_csv(donnees, postgres_only):
    """On PostgreSQL the database writes the CSV (COPY); it must equal the portable path, byte
    for byte, including quoting, empty values, labels and the formula guard."""
    a1 = donnees["a1"]
    CraFactory(conseiller=a1, note='=HYPERLINK("x");2', tags="a;b", titre_atelier='Dit "bonjour"\nà tous',
               thematiques=bits_of(list(Thematique)[:30], Thematique), materiel=31, oriente=None,
               structure=None, departement_code="", region_code="", commune_code="99999")  # fmt: skip
    CraFactory(conseiller=a1, note="-5 points", tags="", type_lieu="domicile", structure_redirection="autre",
               oriente=True, autonomie="partiellement_autonome")  # fmt: skip
    queryset = export_cras.cras_ordonnes(Cra.objects.actifs())
    python = "".join(text for _count, text in export_cras._lignes_texte(queryset, 3)).encode()
    blocks = list(export_cras._copy_csv(queryset))
    assert b"".join(block for _count, block in blocks) == python
    assert sum(count for count, _block in blocks) == 7
    assert b"'=HYPERLINK" in python and b"'-5 points" in python


def test_formula_injection_is_neutralised(client, donnees):
    CraFactory(conseiller=donnees["a1"], note="=1+1", tags="@SUM(A1)", titre_atelier="")
    client.force_login(donnees["a1"].user)
    rows = _rows(client.get(reverse(URL), {"format": "csv"}))
    assert any(r[rows[0].index("Notes supplémentaires")] == "'=1+1" for r in rows[1:])
    assert any(r[rows[0].index("Tags")] == "'@SUM(A1)" for r in rows[1:])


def test_postgresql_stream_in_id_slices_equals_one_copy(donnees, postgres_only, monkeypatch):
    """The streamed CSV runs one COPY per id range (no sort of the whole selection before the
    first row): same bytes, same id order as a single COPY, with ranges of 1 then 2 ids."""
    for _ in range(4):
        CraFactory(conseiller=donnees["a1"])
    queryset = export_cras.cras_ordonnes(Cra.objects.actifs())
    whole = b"".join(block for _count, block in export_cras._copy_csv(queryset))
    monkeypatch.setattr(export_cras, "PREMIERE_TRANCHE_IDS", 1)
    monkeypatch.setattr(export_cras, "TRANCHE_IDS", 2)
    blocks = list(export_cras._blocs_csv(queryset))
    assert blocks[0] == (0, export_cras._entete())
    assert b"".join(block for _count, block in blocks[1:]) == whole
    assert sum(count for count, _block in blocks) == queryset.count() > 4
    assert len(blocks) > 3  # several COPY statements
    ids = [int(line.split(b";")[0]) for line in whole.splitlines() if line[:1].isdigit()]
    assert ids == sorted(ids)
    assert list(export_cras._blocs_csv(queryset.none()))[1:] == []


def test_tag_filter_matches_whole_tags_like_the_statistics_page(client, donnees):
    """The export and the page share one filter: ``sen`` is not the tag ``senior``."""
    from statistiques.filtres import Filtres
    from statistiques.perimetres import Perimetre
    from statistiques.services import calculer

    a1, hier = donnees["a1"], timezone.localdate() - timedelta(days=1)
    senior = CraFactory(conseiller=a1, date=hier, tags="numérique, senior")
    CraFactory(conseiller=a1, date=hier, tags="sénior-plus")
    client.force_login(membre(donnees["s1"]))
    debut = (hier - timedelta(days=30)).isoformat()
    assert _ids(_rows(client.get(reverse(URL), {"format": "csv", "debut": debut, "tag": "senior"}))) == {
        senior.pk
    }
    assert _ids(_rows(client.get(reverse(URL), {"format": "csv", "debut": debut, "tag": "sen"}))) == set()
    page = calculer(
        Perimetre("structure", (donnees["s1"].pk,)), Filtres(debut=hier - timedelta(days=30), tag="sen")
    )
    assert page.cras == 0
