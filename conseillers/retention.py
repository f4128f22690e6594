"""Retention of candidates' personal data (docs/rgpd.md): the service behind the daily task
``conseillers.tasks.anonymiser_candidats_inactifs``.

A candidate profile that never led to a recruitment and shows no activity (login, profile
update) for ``RETENTION_MONTHS`` months is anonymised: identity, contact, address and point,
CV (the file too), Pix result and diploma are erased, the profile's history (django-simple-history)
and the emails still in the outbox for the address are deleted, the admin log's labels are
replaced. What remains (département, dates, the structures' candidature rows) keeps the
programme's statistics right without naming anyone. The account is closed and its address
replaced when the person has no other role (structure member, staff, other habilitation).

Idempotent: an anonymised profile is recognised (empty first name, ``ANONYMISED_NAME``) and
never selected again.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from conumapp.enums import Role
from conumapp.models import Habilitation, OutboxEmail, User
from structures.models import Membre

from .enums import MiseEnRelationStatut as S
from .models import Candidat, Conseiller, MiseEnRelation

RETENTION_MONTHS = 24
ANONYMISED_NAME = "[anonymisé]"
ANONYMISED_EMAIL_DOMAIN = "anonymise.invalid"  # reserved top-level domain: never delivered

# A candidate who reached any of these was recruited: the profile is an advisor's, kept.
RECRUITED = [
    S.RECRUTEE,
    S.FINALISEE,
    S.NOUVELLE_RUPTURE,
    S.FINALISEE_RUPTURE,
    S.RENOUVELLEMENT_INITIEE,
    S.TERMINEE,
]


def retention_limit(now: datetime) -> datetime:
    """``now`` minus RETENTION_MONTHS months (29 February falls back to the 28th)."""
    years, months = divmod(RETENTION_MONTHS, 12)
    month = now.month - months
    year = now.year - years
    if month < 1:
        month += 12
        year -= 1
    try:
        return now.replace(year=year, month=month)
    except ValueError:
        return now.replace(year=year, month=month, day=28)


def candidats_inactifs(now: datetime):
    """Profiles to anonymise at ``now``: never recruited, no activity since the limit."""
    limit = retention_limit(now)
    recruited = MiseEnRelation.objects.filter(statut__in=RECRUITED).values("conseiller_id")
    return (
        Conseiller.objects.filter(statut="", created_at__lt=limit, updated_at__lt=limit)
        .filter(Q(user__last_login__isnull=True) | Q(user__last_login__lt=limit))
        .exclude(pk__in=recruited)
        .exclude(prenom="", nom=ANONYMISED_NAME)
    )


def _has_other_role(user: User) -> bool:
    if user.is_staff or user.is_superuser:
        return True
    if Membre.objects.filter(user=user).exists():
        return True
    return Habilitation.objects.filter(user=user).exclude(role__in=[Role.CANDIDAT, Role.CONSEILLER]).exists()


def _close_account(user: User) -> None:
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.socialaccount.models import SocialAccount

    EmailAddress.objects.filter(user=user).delete()
    SocialAccount.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    user.email = f"anonyme-{user.pk}@{ANONYMISED_EMAIL_DOMAIN}"
    user.first_name = ""
    user.last_name = ""
    user.telephone = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()


def anonymiser_candidat(conseiller: Conseiller, *, now: datetime | None = None) -> bool:
    """Anonymise one profile (see the module's docstring). Returns False if already done or,
    with ``now``, if the profile is no longer inactive (it was checked again under lock)."""
    with transaction.atomic():
        conseiller = Conseiller.objects.select_for_update().select_related("user").get(pk=conseiller.pk)
        if conseiller.prenom == "" and conseiller.nom == ANONYMISED_NAME:
            return False
        if now is not None and not candidats_inactifs(now).filter(pk=conseiller.pk).exists():
            return False
        user = conseiller.user
        email = user.email.lower()
        cv_name, cv_storage = conseiller.cv.name, conseiller.cv.storage

        # update(): no new history row; the existing ones are deleted below.
        Conseiller.objects.filter(pk=conseiller.pk).update(
            prenom="",
            nom=ANONYMISED_NAME,
            telephone="",
            code_postal="",
            commune=None,
            latitude=None,
            longitude=None,
            disponible=False,
            date_disponibilite=None,
            situation="",
            diplome_nom="",
            pix_niveau=None,
            pix_partage=False,
            cv="",
            cv_nom="",
            legacy_id="",
            updated_at=timezone.now(),
        )
        conseiller.history.all().delete()
        content_types = ContentType.objects.get_for_models(Conseiller, Candidat, for_concrete_models=False)
        LogEntry.objects.filter(content_type__in=content_types.values(), object_id=str(conseiller.pk)).update(
            object_repr=f"Candidat anonymisé n° {conseiller.pk}"
        )
        for outbox in OutboxEmail.objects.filter(to__icontains=email):
            if any(address.lower() == email for address in outbox.to):
                outbox.delete()
        if not _has_other_role(user):
            _close_account(user)
        if cv_name:
            transaction.on_commit(lambda: cv_storage.delete(cv_name))
    return True


def anonymiser_candidats_inactifs(*, now: datetime | None = None) -> int:
    """Anonymise every profile :func:`candidats_inactifs` selects; returns how many."""
    now = now or timezone.now()
    done = 0
    for pk in candidats_inactifs(now).values_list("pk", flat=True).iterator():
        done += anonymiser_candidat(Conseiller(pk=pk), now=now)
    return done
