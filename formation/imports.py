"""Import of training results sent by the training bodies (CSV).

Columns: ``conseiller`` (advisor email or id), ``parcours`` (hours), ``organisme``,
``date_positionnement``, ``date_entree``, ``date_sortie``, ``ccp1``, ``pix`` (reussi, echec,
absent, convoque, inscrit or empty). Dates as AAAA-MM-JJ or JJ/MM/AAAA. All rows are checked
first; nothing is written if one row is wrong (errors are reported with their line numbers).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction

from conseillers.models import Conseiller

from .enums import Parcours, StatutCertification, TypeCertification
from .models import Certification, FormationInitiale, OrganismeFormation

COLONNES = [
    "conseiller",
    "parcours",
    "organisme",
    "date_positionnement",
    "date_entree",
    "date_sortie",
    "ccp1",
    "pix",
]


@dataclass
class Ligne:
    numero: int
    conseiller: Conseiller
    parcours: int | None
    organisme: OrganismeFormation | None
    date_positionnement: date | None
    date_entree: date | None
    date_sortie: date | None
    ccp1: str
    pix: str


@dataclass
class Rapport:
    lignes: list[Ligne] = field(default_factory=list)
    erreurs: list[str] = field(default_factory=list)
    applique: bool = False

    @property
    def valide(self) -> bool:
        return not self.erreurs


def _date(value: str, numero: int, nom: str, erreurs: list[str]) -> date | None:
    value = (value or "").strip()
    if not value:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    erreurs.append(f"Ligne {numero} : date « {value} » invalide pour {nom} (AAAA-MM-JJ ou JJ/MM/AAAA).")
    return None


def analyser(contenu: bytes | str) -> Rapport:
    if isinstance(contenu, bytes):
        try:
            contenu = contenu.decode("utf-8-sig")
        except UnicodeDecodeError:
            return Rapport(erreurs=["Le fichier doit être encodé en UTF-8."])
    if "\x00" in contenu:  # never a CSV text; PostgreSQL would refuse it in a query anyway
        return Rapport(
            erreurs=["Le fichier contient des caractères nuls : ce n'est pas un fichier CSV texte."]
        )
    entete = (contenu.splitlines() or [""])[0]
    lecteur = csv.DictReader(
        io.StringIO(contenu), delimiter=";" if entete.count(";") > entete.count(",") else ","
    )
    rapport = Rapport()
    try:
        colonnes = lecteur.fieldnames or []
    except csv.Error:
        return Rapport(erreurs=["Ligne 1 : en-tête illisible (fichier CSV mal formé)."])
    manquantes = [c for c in ("conseiller",) if c not in colonnes]
    if manquantes:
        rapport.erreurs.append("Colonne obligatoire absente : conseiller.")
        return rapport
    organismes = {o.nom.casefold(): o for o in OrganismeFormation.objects.all()}
    try:
        _analyser_lignes(lecteur, organismes, rapport)
    except csv.Error:  # NUL byte, field over the csv module's limit...
        return Rapport(
            erreurs=[
                f"Ligne {lecteur.line_num} : contenu illisible (fichier CSV mal formé ou cellule trop longue)."
            ]
        )
    if not rapport.lignes and not rapport.erreurs:
        rapport.erreurs.append("Le fichier ne contient aucune ligne.")
    return rapport


def _analyser_lignes(lecteur, organismes, rapport: Rapport) -> None:
    for numero, row in enumerate(lecteur, start=2):
        erreurs: list[str] = []
        ident = (row.get("conseiller") or "").strip()
        conseiller = None
        if ident.isdigit():
            conseiller = Conseiller.objects.filter(pk=int(ident)).first()
        elif ident:
            conseiller = Conseiller.objects.filter(user__email__iexact=ident).first()
        if conseiller is None:
            erreurs.append(f"Ligne {numero} : conseiller « {ident} » introuvable (courriel ou identifiant).")
        parcours = None
        if (row.get("parcours") or "").strip():
            try:
                parcours = int(row["parcours"].strip().lower().removesuffix("h").strip())
            except ValueError:
                parcours = -1
            if parcours not in Parcours.values:
                erreurs.append(
                    f"Ligne {numero} : parcours « {row['parcours']} » inconnu (70, 175, 315, 105, 280, 350, 420)."
                )
        organisme = None
        if (row.get("organisme") or "").strip():
            organisme = organismes.get(row["organisme"].strip().casefold())
            if organisme is None:
                erreurs.append(f"Ligne {numero} : organisme de formation « {row['organisme']} » inconnu.")
        dates = {
            nom: _date(row.get(nom, ""), numero, nom.replace("_", " "), erreurs)
            for nom in ("date_positionnement", "date_entree", "date_sortie")
        }
        if dates["date_entree"] and dates["date_sortie"] and dates["date_sortie"] < dates["date_entree"]:
            erreurs.append(f"Ligne {numero} : la date de sortie précède la date d'entrée.")
        resultats = {}
        for nom in ("ccp1", "pix"):
            value = (row.get(nom) or "").strip().lower()
            if value and value not in StatutCertification.values:
                erreurs.append(f"Ligne {numero} : résultat {nom.upper()} « {value} » inconnu.")
            resultats[nom] = value
        if erreurs:
            rapport.erreurs.extend(erreurs)
            continue
        rapport.lignes.append(Ligne(numero, conseiller, parcours, organisme, **dates, **resultats))


def importer(contenu: bytes | str, *, dry_run: bool = True) -> Rapport:
    """Check every row; write all of them in one transaction only when none is wrong."""
    rapport = analyser(contenu)
    if dry_run or not rapport.valide:
        return rapport
    with transaction.atomic():
        for ligne in rapport.lignes:
            formation = (
                FormationInitiale.objects.select_for_update()
                .filter(conseiller=ligne.conseiller)
                .order_by("-pk")
                .first()
            ) or FormationInitiale(conseiller=ligne.conseiller)
            for nom in ("parcours", "organisme", "date_positionnement", "date_entree", "date_sortie"):
                value = getattr(ligne, nom)
                if value is not None:
                    setattr(formation, nom, value)
            formation.full_clean()
            formation.save()
            for type_, statut in ((TypeCertification.CCP1, ligne.ccp1), (TypeCertification.PIX, ligne.pix)):
                if statut:
                    Certification.objects.update_or_create(
                        conseiller=ligne.conseiller, type=type_, defaults={"statut": statut}
                    )
    rapport.applique = True
    return rapport
