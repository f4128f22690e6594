"""Training back office: catalogue, sessions, eligibility queue, dispensations, absences, follow-up.

Importing this package registers every model admin of the app, one module a screen:

- ``catalogue``: training organisations and thematic modules;
- ``sessions``: sessions (confirmation, cancellation) with their registrations inline;
- ``inscriptions``: registrations (eligibility queue, attendance, absences);
- ``dispenses``: dispensations;
- ``initiale``: initial training and the import of its results;
- ``habilitations``: certifications and the structures' Aidants Connect habilitation;
- ``suivi``: follow-up of the training obligation;
- ``_commun``: the confirmation page and the loop the bulk actions share.
"""

from ._commun import _appliquer, _confirmer
from .catalogue import ModuleThematiqueAdmin, OrganismeFormationAdmin
from .dispenses import DispenseAdmin
from .habilitations import CertificationAdmin, StructureFormationAdmin
from .initiale import FormationInitialeAdmin
from .inscriptions import AFaireFilter, InscriptionAdmin
from .sessions import InscriptionInline, SessionAdmin
from .suivi import SuiviFormationAdmin

__all__ = [
    "AFaireFilter",
    "CertificationAdmin",
    "DispenseAdmin",
    "FormationInitialeAdmin",
    "InscriptionAdmin",
    "InscriptionInline",
    "ModuleThematiqueAdmin",
    "OrganismeFormationAdmin",
    "SessionAdmin",
    "StructureFormationAdmin",
    "SuiviFormationAdmin",
    "_appliquer",
    "_confirmer",
]
