"""Access table: Django admin (rule, exceptions) and the project's own admin views."""

from __future__ import annotations

from ._base import LOGIN, Case, E, Url, _pk

# --- Django admin ----------------------------------------------------------------------------
# Rule for every ``admin:*`` URL (and the admin's unnamed redirects): everybody but operators
# is sent to a login page (anonymous: the site's; logged-in users without staff status: the
# admin's), GET and POST, nothing written — every admin URL for ``anonyme`` and ``membre``,
# every changelist/add/change page for the other roles (the admin's gate is the staff flag).
# Operators: the index, every changelist and ADMIN_CUSTOM here (200); every other admin page
# of theirs is loaded by tests/conumapp/test_admin_smoke.py. Exceptions are declared here.
ADMIN_DEFAULT = E(LOGIN, operateur=200)
ADMIN_EXCEPTIONS: dict[str, dict] = {
    # Anonymous: sent to the site's login page; logged in without staff status: refused.
    "admin:login": E(403, anonyme=LOGIN, operateur=302),
    # Django's admin sends a non-staff user's logout back to the admin index (then to login).
    "admin:logout": E(302, anonyme=LOGIN, operateur=405),
}
# The project's own admin views (get_urls): kwargs and expected outcome for GET.
ADMIN_CUSTOM: dict[str, Url] = {
    "admin:conventions_convention_rediger": Url(Case("-", get=ADMIN_DEFAULT)),
    "admin:conventions_convention_envoyer": Url(Case("A", _pk("convention_a"), get=ADMIN_DEFAULT)),
    "admin:conventions_convention_signer": Url(Case("A", _pk("convention_a"), get=ADMIN_DEFAULT)),
    "admin:conventions_convention_avenant": Url(Case("A", _pk("convention_a"), get=ADMIN_DEFAULT)),
    "admin:conventions_convention_avoir": Url(Case("A", _pk("convention_a"), get=ADMIN_DEFAULT)),
    "admin:conventions_convention_terminer": Url(Case("A", _pk("convention_a"), get=ADMIN_DEFAULT)),
    "admin:formation_formationinitiale_import": Url(Case("-", get=ADMIN_DEFAULT)),
    "admin:cra_importcra_importer": Url(Case("-", get=ADMIN_DEFAULT)),
    "admin:cra_importcra_rapport": Url(Case("A", lambda w: {"pk": w.import_cra.pk}, get=ADMIN_DEFAULT)),
}
