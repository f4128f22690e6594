"""Legacy import v1/v2: normalisation, refusals with line numbers, idempotence, placeholders,
dry run, admin upload and report, and the round trip of a Conum v2 export."""

import json
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from conseillers.models import Conseiller
from cra.enums import Thematique, bits_of
from cra.importer import import_lines
from cra.models import Cra, ImportCra

from .factories import CraFactory, StructureFactory, conseiller_en_poste, operateur

pytestmark = pytest.mark.django_db


def v1(oid, **cra):
    data = {
        "codePostal": "69001", "nomCommune": "Lyon", "codeCommune": "69123", "canal": "rattachement",
        "activite": "individuel", "nbParticipants": 1, "nbParticipantsRecurrents": None,
        "age": {"de35a60ans": 1}, "statut": {"enEmploi": 1}, "themes": ["courriel", "internet"],
        "sousThemes": None, "duree": "30-60", "dateAccompagnement": {"$date": "2022-03-04T10:00:00.000Z"},
        "organismes": None,
    }  # fmt: skip
    data.update(cra)
    return json.dumps({"_id": {"$oid": oid}, "cra": data, "conseiller": {"$oid": "c0ffee"},
                       "structure": {"$oid": "5eb"}, "createdAt": {"$date": "2022-03-04T11:00:00Z"}})  # fmt: skip


V1_FILE = [
    v1("a1"),
    v1("a2", codeCommune="1053", codePostal="1000", duree=75, organismes=[{"CAF": 1}]),  # leading zero lost
    v1("a3", themes=[]),  # no theme
    v1("a4", dateAccompagnement={"$date": "2019-12-31T00:00:00Z"}),  # before 2020
    "{not json",
    v1("a6", nbParticipants=0),
    v1("a7", themes=["telepathie"]),
    v1("a8", activite="collectif", nbParticipants=8, age={"plus60ans": 5}, statut=None, themes=None),
    v1(
        "a9",
        activite="collectif",
        nbParticipants=8,
        age={"plus60ans": 5},
        statut={"retraite": 8},
        themes=["securite"],
        duree="0-30",
    ),  # fmt: skip
]


def test_v1_normalises_and_refuses_with_line_numbers():
    structure = StructureFactory(legacy_id="5eb")
    result = import_lines(V1_FILE, fmt="v1", dry_run=False)
    assert result.importees == 3
    assert [(n, reason.split(" :")[0]) for n, _id, reason in result.refus] == [
        (3, "aucune thématique"), (4, "date antérieure au 1er janvier 2020"), (5, "JSON illisible"),
        (6, "0 participant"), (7, "thématique inconnue"), (8, "aucune thématique"),
    ]  # fmt: skip
    first = Cra.objects.get(source_id="a1")
    assert first.duree == 45 and first.thematiques == bits_of(
        ["email", "navigation_sur_internet"], Thematique
    )
    assert (first.age_quarante_cinquante_neuf, first.statut_en_emploi, first.genre_non_communique) == (
        1,
        1,
        1,
    )
    assert (first.structure, first.departement_code, first.source_data["cra"]["canal"]) == (
        structure,
        "69",
        "rattachement",
    )
    second = Cra.objects.get(source_id="a2")
    assert (second.commune_code, second.code_postal, second.duree) == ("01053", "01000", 75)
    assert (second.oriente, second.structure_redirection) == (True, "operateur_ou_organisme_en_charge")
    group = Cra.objects.get(source_id="a9")
    assert (group.type, group.age_soixante_soixante_neuf, group.age_non_communique, group.duree) == (
        "collectif",
        5,
        3,
        15,
    )
    # One placeholder advisor for the unknown legacy id, reused by every row.
    placeholder = Conseiller.objects.get(legacy_id="c0ffee")
    assert set(Cra.objects.values_list("conseiller", flat=True)) == {placeholder.pk}
    assert not placeholder.user.is_active


def test_v1_rerun_is_idempotent_and_resumes_after_fixes():
    import_lines(V1_FILE, fmt="v1", dry_run=False)
    again = import_lines(V1_FILE + [v1("a3", themes=["courriel"])], fmt="v1", dry_run=False)
    assert (again.importees, again.deja_presentes) == (1, 3)
    assert Cra.objects.count() == 4 and Conseiller.objects.filter(legacy_id="c0ffee").count() == 1


def test_existing_advisor_is_linked_by_legacy_id():
    conseiller = conseiller_en_poste()
    Conseiller.objects.filter(pk=conseiller.pk).update(legacy_id="c0ffee")
    import_lines([v1("b1")], fmt="v1", dry_run=False)
    assert Cra.objects.get().conseiller_id == conseiller.pk


def test_dry_run_writes_nothing_and_reports_everything(capsys, tmp_path):
    path = tmp_path / "cras.jsonl"
    path.write_text("\n".join(V1_FILE), encoding="utf-8")
    out = StringIO()
    call_command("import_cra", str(path), "--format", "v1", "--dry-run", stdout=out)
    assert not Cra.objects.exists() and not Conseiller.objects.exists()
    assert "9 lignes lues, 3 seraient importées, 0 déjà présentes, 6 refusées." in out.getvalue()
    assert "refusée : 7;a7;thématique inconnue : telepathie" in out.getvalue()
    run = ImportCra.objects.get()
    assert run.dry_run and run.refusees == 6


def test_batches_are_transactional_small_batch_size():
    result = import_lines(V1_FILE, fmt="v1", dry_run=False, batch_size=1)
    assert result.importees == 3 and Cra.objects.count() == 3


def test_v2_export_reimports_to_the_same_cras(client):
    conseiller = conseiller_en_poste()
    cras = [CraFactory(conseiller=conseiller), CraFactory(conseiller=conseiller, collectif=True)]
    client.force_login(conseiller.user)
    page = client.get(reverse("cra:export")).content.decode()
    result = import_lines([page], fmt="v2", dry_run=False)
    assert (result.importees, result.deja_presentes, result.refus) == (0, 2, [])
    assert Cra.objects.count() == len(cras)


def test_v2_imports_la_coop_pages_and_refuses_unknown_codes():
    resource = {
        "type": "activite", "id": "5f1c-uuid",
        "attributes": {
            "type": "collectif", "mediateur_id": "m-1", "date": "2024-05-02", "duree": 90, "type_lieu": "autre",
            "lieu_code_postal": "6000", "lieu_code_insee": "6088", "materiel": ["tablette"],
            "thematiques": ["intelligence_artificielle"], "tags": ["IA"], "titre_atelier": "IA au quotidien",
            "niveau_atelier": "debutant", "participants_recurrents": 2,
            "beneficiaires": {"total": 6, "genres": {"feminin": 4, "masculin": 2},
                              "tranches_age": {"soixante_dix_plus": 6}, "statuts": {"retraite": 6}},
        },
    }  # fmt: skip
    bad = json.loads(json.dumps(resource))
    bad["id"] = "bad"
    bad["attributes"]["thematiques"] = ["astrologie"]
    page = json.dumps({"data": [resource, bad], "links": {}})
    result = import_lines([page], fmt="v2", dry_run=False)
    assert result.importees == 1 and result.refus == [(2, "bad", "thématique inconnue : astrologie")]
    cra = Cra.objects.get()
    assert (cra.code_postal, cra.commune_code, cra.participants, cra.genre_feminin) == (
        "06000",
        "06088",
        6,
        4,
    )
    assert (cra.departement_code, cra.tags, cra.source, cra.source_id) == ("06", "IA", "v2", "5f1c-uuid")


def test_admin_upload_and_report_download(client):
    client.force_login(operateur())
    upload = SimpleUploadedFile("cras.jsonl", "\n".join(V1_FILE).encode(), content_type="application/json")
    response = client.post(reverse("admin:cra_importcra_importer"), {"format": "v1", "fichier": upload})
    run = ImportCra.objects.get()
    assert response.status_code == 302 and not run.dry_run and run.importees == 3
    report = client.get(reverse("admin:cra_importcra_rapport", args=[run.pk]))
    lines = report.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "ligne;identifiant;motif" and len(lines) == 7
    assert (
        "Télécharger le rapport"
        in client.get(reverse("admin:cra_importcra_change", args=[run.pk])).content.decode()
    )
    assert client.get(reverse("admin:cra_importcra_importer")).status_code == 200
