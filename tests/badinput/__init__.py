"""Bad input: hostile values posted to every form and import of the project (issue #9, item 3).

Invariants checked on every response (``hostile.post_and_check``): no exception and no 5xx;
on a refusal, the form comes back with French errors (no Django English default), the typed
text kept (escaped) and nothing written (row counts, or the edited row's values); on a
success, the stored text is never rendered raw (``<script>``/``<img onerror>`` payloads are
looked for on the pages that show it).

Hostile values (``hostile.py``), chosen per field type from the form class itself: 10,000-char
strings, emoji, RTL override, NUL byte, template and SQL syntax, fullwidth and Arabic-Indic
digits; numbers negative, huge (10**30, "1e309"), "NaN", "inf"; dates "2024-02-30",
"31/13/2024", "0000-00-00", "0001-01-01", "9999-12-31"; unknown choice codes; missing fields;
bad uploads. Hypothesis runs derandomized (reproducible in CI), 20 examples per form.

Inventory (``test_inventory`` fails when a new URL or admin page is neither covered nor
listed as formless):

* ``test_forms`` — structures: candidature (anonymous), demande_ajout, demande_retrait,
  inviter, prefecture_detail (opinion); conventions: piece_deposer, reconventionnement,
  non_interesse; conseillers: candidature (anonymous, CV), profil (CV), contrat,
  prolongation, rupture, conge (proof); formation: justifier_absence (proof); cra: saisir,
  modifier. Each with hypothesis mutations, and once with valid data full of payloads.
* ``test_uploads`` — every upload (convention pièces, leave proofs, CV, absence proofs): empty,
  EXE/HTML/ZIP/SVG renamed, oversize → refused in French, nothing stored; hostile names
  (``../../etc/passwd.pdf``, ``..\\x.pdf``, NUL, newline, 300 chars, ``<script>``…) → stored
  under a generated ``<uuid>.pdf`` inside the private storage, the shown name sanitised.
* ``test_imports`` — admin imports of structures and candidates (django-import-export):
  malformed rows listed in French with line numbers and nothing written; PNG renamed
  .csv/.xlsx, binary, NUL bytes, Latin-1, empty, over-long cell, truncated zip; an XLSX zip
  bomb (> 100 MB inflated, < 2 MB sent) refused before parsing. Formation results import
  (upload and confirmation) and legacy CRA import (admin upload and ``import_cra`` command).
* ``test_allauth`` — the account pages (django-allauth): login, sign-up, password reset, change
  and set, re-authentication, email addresses, TOTP activation and the login's code step; each
  test signs in its own users (rate limits and axes' lockout never reach the others).
* ``test_admin`` — the add form of every project model in the back office (hostile values
  derived from the admin's form), and the change lists' search and filters.
* ``test_inventory`` — the formless views (buttons, GET filters, exports, statistics, open
  data) fed junk parameters, GET and POST.
"""
