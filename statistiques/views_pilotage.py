"""Programme steering page (``/statistiques/pilotage/``): operators (national, filter by région
or département) and prefectures (their départements). Everyone else: 403."""

from __future__ import annotations

import csv
import io
import tempfile
from decimal import Decimal

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from conumapp.models import Departement, Region

from . import pilotage

FORMATS = ("csv", "xlsx")


class PilotageForm(forms.Form):
    region = forms.ChoiceField(label="Région", required=False)
    departement = forms.ChoiceField(label="Département", required=False)

    def __init__(self, data=None, *, autorises: set[str] | None, **kwargs):
        super().__init__(data, **kwargs)
        departements = Departement.objects.order_by("code")
        if autorises is None:
            self.fields["region"].choices = [
                ("", "Toutes les régions"),
                *Region.objects.order_by("nom").values_list("code", "nom"),
            ]
        else:
            del self.fields["region"]
            departements = departements.filter(code__in=autorises)
        self.fields["departement"].choices = [
            ("", "Tous les départements" if autorises is None else "Tous mes départements"),
            *((code, f"{code} - {nom}") for code, nom in departements.values_list("code", "nom")),
        ]

    def clean(self):
        data = super().clean()
        region, departement = data.get("region"), data.get("departement")
        if (
            region
            and departement
            and not Departement.objects.filter(code=departement, region_id=region).exists()
        ):
            self.add_error("departement", "Ce département n'appartient pas à la région choisie.")
        return data

    def selection(self, autorises: set[str] | None) -> dict:
        """Arguments of ``pilotage.calculer``; an invalid value keeps the default (everything)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        departement = data.get("departement") or ""
        if departement:
            return {"departements": {departement}}
        return {"departements": autorises, "region": data.get("region") or ""}


@require_http_methods(["GET", "HEAD"])
def pilotage_view(request):
    autorises = pilotage.departements_autorises(request.user)
    if autorises is not None and not autorises:
        raise PermissionDenied("Le pilotage est réservé aux opérateurs et aux préfectures.")
    params = request.GET.copy()
    fmt = params.pop("format", [""])[0]
    form = PilotageForm(params or None, autorises=autorises)
    tableau = pilotage.calculer(**form.selection(autorises))
    if fmt in FORMATS:
        return _export(tableau, fmt)
    return render(request, "statistiques/pilotage.html", {
        "form": form, "pilotage": tableau, "colonnes": pilotage.COLONNES, "montants": pilotage.MONTANTS,
        "querystring": params.urlencode(),
    })  # fmt: skip


def _nom(fmt: str) -> str:
    return f"pilotage-{timezone.localdate():%Y-%m-%d}.{fmt}"


def _csv_value(value):
    # French spreadsheets read "1234,56" as a number in a ";"-separated file.
    return str(value).replace(".", ",") if isinstance(value, Decimal) else value


def _export(tableau: pilotage.Pilotage, fmt: str):
    entete, rows = tableau.tableau()
    if fmt == "csv":
        buffer = io.StringIO()
        buffer.write("\ufeff")
        writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
        writer.writerow(entete)
        writer.writerows([_csv_value(v) for v in row] for row in rows)
        response = HttpResponse(buffer.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{_nom("csv")}"'
    else:
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("Pilotage")
        sheet.append(entete)
        for row in rows:
            sheet.append(row)
        handle = tempfile.TemporaryFile()  # noqa: SIM115 - closed by the FileResponse
        workbook.save(handle)
        handle.seek(0)
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=_nom("xlsx"),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Cache-Control"] = "private, no-store"
    return response
