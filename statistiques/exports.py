"""Exports of the statistics page: CSV, XLSX and PDF of exactly what the page shows.

Everything comes from ``Statistiques.tableaux()`` (the single source of the page's tables and
charts), and the cells are written with the same formatting as the page (``texte``): integers
as digits, decimals with a French decimal comma, months as "janvier 2026".
"""

from __future__ import annotations

import csv
import io
from datetime import date

from django.template.loader import render_to_string
from django.utils import timezone

from .resultats import Statistiques, Tableau

FORMATS = ("csv", "xlsx", "pdf")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
MOIS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip
MESSAGE_CELLULE_MASQUEE = (
    "Moins de 5 conseillers ont une activité dans ce territoire sur la période : "
    "les chiffres ne sont pas publiés pour protéger leur anonymat."
)


def mois_libelle(d: date) -> str:
    return f"{MOIS[d.month - 1]} {d.year}"


def texte(value) -> str:
    """A cell as the page shows it (and the CSV and PDF write it)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value == int(value) and abs(value) < 1e15:
            return str(int(value))
        return f"{value:.1f}".replace(".", ",")
    if isinstance(value, date):
        return mois_libelle(value)
    return str(value)


def _date_fr(d: date) -> str:
    return d.strftime("%d/%m/%Y")


def entete(
    stats: Statistiques, filtres_libelles: list[tuple[str, str]] | None = None
) -> list[tuple[str, str]]:
    """The lines describing the scope and the filters (page heading, file headers)."""
    f = stats.filtres
    lignes = [
        ("Périmètre", stats.perimetre.libelle),
        ("Période", f"du {_date_fr(f.debut)} au {_date_fr(f.fin)}"),
    ]
    lignes.extend(filtres_libelles or [])
    return lignes


def tableaux(stats: Statistiques) -> list[Tableau]:
    return stats.tableaux()


def nom_fichier(stats: Statistiques, fmt: str) -> str:
    cle = stats.perimetre.cle.replace(":", "-").replace(",", "-") or "national"
    return f"statistiques-conum-{cle}-{stats.filtres.debut.isoformat()}-{stats.filtres.fin.isoformat()}.{fmt}"


# --- CSV ----------------------------------------------------------------------------------------


def csv_bytes(stats: Statistiques, filtres_libelles=None) -> bytes:
    """``;``-separated, UTF-8 with a BOM (spreadsheets then read the accents right)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Statistiques Conum"])
    for label, value in entete(stats, filtres_libelles):
        writer.writerow([label, value])
    if stats.secret:
        writer.writerow([])
        writer.writerow([MESSAGE_CELLULE_MASQUEE])
    for tableau in tableaux(stats):
        writer.writerow([])
        writer.writerow([tableau.titre])
        writer.writerow(tableau.colonnes)
        for ligne in tableau.lignes:
            writer.writerow([texte(v) for v in ligne])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# --- XLSX ---------------------------------------------------------------------------------------


def _xlsx_value(value):
    if isinstance(value, date):
        return mois_libelle(value)
    return value


def xlsx_bytes(stats: Statistiques, filtres_libelles=None) -> bytes:
    """One sheet with the scope, the filters and every table in sections (numbers as numbers)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Statistiques"
    bold = Font(bold=True)
    sheet.append(["Statistiques Conum"])
    sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
    for label, value in entete(stats, filtres_libelles):
        sheet.append([label, value])
    if stats.secret:
        sheet.append([])
        sheet.append([MESSAGE_CELLULE_MASQUEE])
    for tableau in tableaux(stats):
        sheet.append([])
        sheet.append([tableau.titre])
        sheet.cell(row=sheet.max_row, column=1).font = bold
        sheet.append(list(tableau.colonnes))
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        for ligne in tableau.lignes:
            sheet.append([_xlsx_value(v) for v in ligne])
    sheet.column_dimensions["A"].width = 60
    for column in ("B", "C"):
        sheet.column_dimensions[column].width = 18
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- PDF ----------------------------------------------------------------------------------------


def _no_network(url, *args, **kwargs):
    raise ValueError(f"Ressource externe refusée dans le PDF : {url}")


def barres_svg(tableau: Tableau, colonne: int = 1) -> dict | None:
    """Geometry of a horizontal bar chart (drawn as SVG in the PDF template)."""
    if not tableau.lignes:
        return None
    valeurs = [ligne[colonne] or 0 for ligne in tableau.lignes]
    maximum = max(valeurs) or 1
    hauteur_barre, ecart, marge = 14, 6, 230
    largeur = 480
    barres = []
    for index, (ligne, valeur) in enumerate(zip(tableau.lignes, valeurs, strict=True)):
        y = index * (hauteur_barre + ecart)
        barres.append({
            "libelle": texte(ligne[0]), "valeur": texte(valeur), "y": y, "y_texte": y + hauteur_barre - 3,
            "x": marge, "largeur": round((largeur - marge - 50) * valeur / maximum, 1),
        })  # fmt: skip
        barres[-1]["x_valeur"] = marge + barres[-1]["largeur"] + 4
    return {
        "largeur": largeur,
        "hauteur": len(barres) * (hauteur_barre + ecart),
        "hauteur_barre": hauteur_barre,
        "barres": barres,
        "marge": marge,
    }


def contexte_pdf(stats: Statistiques, filtres_libelles=None) -> dict:
    sections = []
    for tableau in tableaux(stats):
        if tableau.cle == "chiffres":
            continue
        sections.append({
            "tableau": tableau, "lignes": [[texte(v) for v in ligne] for ligne in tableau.lignes],
            "graphique": barres_svg(tableau) if tableau.graphique else None,
        })  # fmt: skip
    return {
        "stats": stats,
        "entete": entete(stats, filtres_libelles),
        "chiffres": [(label, texte(value)) for _k, label, value in stats.chiffres()],
        "sections": sections,
        "message_secret": MESSAGE_CELLULE_MASQUEE,
        "genere_le": timezone.localdate(),
    }


def pdf_bytes(stats: Statistiques, filtres_libelles=None) -> bytes:
    from weasyprint import HTML

    html = render_to_string("statistiques/rapport_pdf.html", contexte_pdf(stats, filtres_libelles))
    return HTML(string=html, url_fetcher=_no_network).write_pdf()


def produire(stats: Statistiques, fmt: str, filtres_libelles=None) -> bytes:
    if fmt == "csv":
        return csv_bytes(stats, filtres_libelles)
    if fmt == "xlsx":
        return xlsx_bytes(stats, filtres_libelles)
    if fmt == "pdf":
        return pdf_bytes(stats, filtres_libelles)
    raise ValueError(f"format inconnu : {fmt}")
