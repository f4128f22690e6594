"""A filed CRA's first history row is written at its first change, not at its filing.

Filing is the hot path (``make bench``: 200 CRAs a second): ``services.cra_creer`` saves the
CRA without a history row (``skip_history_when_saving``). Before the first change of such a
CRA (edit, deletion, restoration, or an operator's change in the admin), ``pre_save`` writes
the row its filing would have written: type "+", the values as filed, dated at the filing, by
the advisor. The history of every changed CRA therefore starts with what was filed; a CRA
never changed has no history row, its own row (``created_at``) being its filing.
"""

from __future__ import annotations


def ecrire_la_saisie(sender, instance, raw=False, **kwargs):
    """``pre_save`` of ``Cra``: write the filing's history row if the CRA has none yet."""
    if raw or instance._state.adding or instance.pk is None:
        return
    history = sender.history
    if history.filter(id=instance.pk).exists():
        return
    filed = sender.objects.select_related("conseiller__user").filter(pk=instance.pk).first()
    if filed is not None:
        history.bulk_history_create(
            [filed], default_date=filed.created_at, default_user=filed.conseiller.user
        )
