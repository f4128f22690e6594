"""Demo data: every initial path, certification outcome, dispensation, session and registration status.

Runs after the conseillers demo: it uses the advisors in post it created (the demo ``conseiller``
account first). Deterministic through ``ctx.rng``; volume through ``ctx.scale``.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from conseillers.models import Conseiller, MiseEnRelation
from conumapp.enums import Role
from conumapp.models import Region

from .enums import (
    MotifDispense,
    Parcours,
    ResultatPositionnement,
    StatutAbsence,
    StatutCertification,
    StatutInscription,
    StatutSession,
    StatutValidation,
    TypeCertification,
)
from .models import (
    Certification,
    Dispense,
    FormationInitiale,
    Inscription,
    ModuleThematique,
    OrganismeFormation,
    Session,
    StructureFormation,
)

RESULTAT = {70: ResultatPositionnement.AVANCE, 175: ResultatPositionnement.INTERMEDIAIRE}


def seed(ctx) -> None:
    if Session.objects.exists():
        ctx.log("  formation : déjà présente")
        return
    users = ctx.shared.get("users", {})
    operateur = users.get(Role.OPERATEUR)
    today = timezone.localdate()
    en_poste = MiseEnRelation.objects.en_poste().values("conseiller_id")
    conseillers = list(Conseiller.objects.filter(pk__in=en_poste).select_related("user").order_by("pk"))
    demo = users.get(Role.CONSEILLER)
    conseillers.sort(key=lambda c: (demo is None or c.user_id != demo.pk, c.pk))
    conseillers = conseillers[: 40 * ctx.scale]
    if not conseillers or operateur is None:
        ctx.log("  formation : aucun conseiller en poste, rien à créer")
        return
    fabrik = OrganismeFormation.objects.get_or_create(nom="La Fabrik")[0]
    region = Region.objects.filter(code="84").first() or Region.objects.first()
    if region is None:
        return
    contrats = {
        m.conseiller_id: m
        for m in MiseEnRelation.objects.en_poste().filter(conseiller__in=conseillers).order_by("date_debut")
    }
    # Initial training: every path (historical ones too), some dispensed instead.
    parcours = [p.value for p in Parcours]
    formations, dispenses, certifications = [], [], []
    for index, conseiller in enumerate(conseillers):
        if index % 7 == 6:
            statut = [StatutValidation.SOUMISE, StatutValidation.VALIDEE, StatutValidation.REFUSEE][index % 3]
            dispenses.append(
                Dispense(
                    conseiller=conseiller,
                    motif=list(MotifDispense)[index % len(MotifDispense)],
                    statut=statut,
                    validee_par=operateur if statut != StatutValidation.SOUMISE else None,
                    validee_le=timezone.now() if statut != StatutValidation.SOUMISE else None,
                )
            )
            if statut != StatutValidation.VALIDEE:
                continue
        else:
            heures = parcours[len(formations) % len(parcours)] if index else 70
            entree = today - timedelta(days=ctx.rng.randint(120, 900))
            formations.append(
                FormationInitiale(
                    conseiller=conseiller,
                    mise_en_relation=contrats.get(conseiller.pk),
                    date_positionnement=entree - timedelta(days=10),
                    resultat_positionnement=RESULTAT.get(heures, ResultatPositionnement.DEBUTANT),
                    parcours=heures,
                    organisme=fabrik,
                    date_entree=entree,
                    date_sortie=entree + timedelta(weeks=5 + heures // 35),
                )
            )
        ccp1 = (
            list(StatutCertification)[index % len(StatutCertification)]
            if index
            else StatutCertification.CONVOQUE
        )
        certifications.append(
            Certification(
                conseiller=conseiller,
                type=TypeCertification.CCP1,
                statut=ccp1,
                date_convocation=today - timedelta(days=60) if ccp1 != StatutCertification.INSCRIT else None,
            )
        )
        certifications.append(
            Certification(
                conseiller=conseiller,
                type=TypeCertification.PIX,
                statut=list(StatutCertification)[(index + 2) % 5],
            )
        )
        if index % 5 == 0:
            certifications.append(
                Certification(
                    conseiller=conseiller,
                    type=TypeCertification.TITRE_REMN,
                    statut=StatutCertification.INSCRIT,
                )
            )
    FormationInitiale.objects.bulk_create(formations)
    Dispense.objects.bulk_create(dispenses)
    Certification.objects.bulk_create(certifications)
    structures = {m.structure_id for m in contrats.values()}
    StructureFormation.objects.bulk_create(
        [
            StructureFormation(structure_id=pk, habilitation_aidants_connect=True)
            for pk in sorted(structures)[::2]
        ]
    )

    # Sessions: past (held), upcoming planned/confirmed, cancelled.
    modules = list(ModuleThematique.objects.filter(prerequis_aidants_connect=False).order_by("ordre"))
    specs = [
        (-200, StatutSession.CONFIRMEE),
        (-60, StatutSession.CONFIRMEE),
        (-20, StatutSession.CONFIRMEE),
        (30, StatutSession.ANNULEE),
        (45, StatutSession.CONFIRMEE),
        (60, StatutSession.PLANIFIEE),
        (90, StatutSession.PLANIFIEE),
    ]
    sessions = Session.objects.bulk_create(
        [
            Session(
                module=modules[i % len(modules)],
                organisme=fabrik,
                region=region,
                date_debut=today + timedelta(days=delta),
                date_fin=today + timedelta(days=delta + 7),
                lieu="Lyon" if i % 2 else "",
                a_distance=not i % 2,
                capacite=15,
                minimum_inscrits=4,
                statut=statut,
                motif_annulation="Nombre minimum d'inscrits non atteint."
                if statut == StatutSession.ANNULEE
                else "",
            )
            for i, (delta, statut) in enumerate(specs)
        ]
    )
    passees, annulee, futures = sessions[:3], sessions[3], sessions[4:]
    inscriptions = []
    for index, conseiller in enumerate(conseillers):
        contrat = contrats.get(conseiller.pk)
        structure_id = contrat.structure_id if contrat else None

        def inscrire(
            session,
            statut,
            absence="",
            financee=True,
            motif="",
            conseiller=conseiller,
            structure_id=structure_id,
        ):
            justifiee = absence in (StatutAbsence.JUSTIFICATIF_ENVOYE, StatutAbsence.JUSTIFIEE)
            inscriptions.append(
                Inscription(
                    session=session, conseiller=conseiller, structure_id=structure_id, annee=session.date_debut.year,
                    financee=financee, statut=statut, absence_statut=absence, motif_refus=motif,
                    demandee_par=conseiller.user, decidee_par=operateur if statut != StatutInscription.DEMANDEE else None,
                    absence_motif="Arrêt maladie" if justifiee else "",
                )
            )  # fmt: skip

        variant = index % 8
        if variant == 0:
            inscrire(passees[1], StatutInscription.SUIVIE)
            inscrire(futures[0], StatutInscription.CONFIRMEE, financee=False)
        elif variant == 1:
            inscrire(passees[2], StatutInscription.ABSENT, StatutAbsence.A_JUSTIFIER)
        elif variant == 2:
            inscrire(passees[2], StatutInscription.ABSENT, StatutAbsence.MANQUEMENT)
        elif variant == 3:
            inscrire(passees[0], StatutInscription.ABSENT, StatutAbsence.JUSTIFICATIF_ENVOYE)
            inscrire(futures[1], StatutInscription.DEMANDEE)
        elif variant == 4:
            inscrire(passees[0], StatutInscription.ABSENT, StatutAbsence.JUSTIFIEE)
            inscrire(futures[1], StatutInscription.ELIGIBLE)
        elif variant == 5:
            inscrire(futures[2], StatutInscription.REFUSEE, motif="Dossier administratif incomplet.")
        elif variant == 6:
            inscrire(annulee, StatutInscription.ANNULEE)
        # variant 7: no module this year (reminder target)
    Inscription.objects.bulk_create(inscriptions)
    ctx.log(
        f"  formation : {len(formations)} parcours, {len(dispenses)} dispenses, {len(certifications)} certifications, "
        f"{len(sessions)} sessions, {len(inscriptions)} inscriptions"
    )
