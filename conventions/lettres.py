"""Amounts in French words, for the convention PDF ("cinquante mille euros")."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

_UNITS = [
    "zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix",
    "onze", "douze", "treize", "quatorze", "quinze", "seize", "dix-sept", "dix-huit", "dix-neuf",
]  # fmt: skip
_TENS = {2: "vingt", 3: "trente", 4: "quarante", 5: "cinquante", 6: "soixante"}


def _below_100(n: int) -> str:
    if n < 20:
        return _UNITS[n]
    tens, unit = divmod(n, 10)
    if tens in (7, 9):  # soixante-dix…, quatre-vingt-dix…
        base = "soixante" if tens == 7 else "quatre-vingt"
        if tens == 7 and unit == 1:
            return "soixante et onze"
        return f"{base}-{_UNITS[10 + unit]}"
    if tens == 8:
        return "quatre-vingts" if unit == 0 else f"quatre-vingt-{_UNITS[unit]}"
    if unit == 0:
        return _TENS[tens]
    if unit == 1:
        return f"{_TENS[tens]} et un"
    return f"{_TENS[tens]}-{_UNITS[unit]}"


def _below_1000(n: int, *, final: bool) -> str:
    hundreds, rest = divmod(n, 100)
    parts = []
    if hundreds:
        if hundreds == 1:
            parts.append("cent")
        else:
            parts.append(f"{_UNITS[hundreds]} cents" if rest == 0 and final else f"{_UNITS[hundreds]} cent")
    if rest:
        word = _below_100(rest)
        if rest == 80 and not final:
            word = "quatre-vingt"
        parts.append(word)
    return " ".join(parts)


def nombre_en_lettres(n: int) -> str:
    """Integer in French words (traditional spelling, 1990 hyphen rules not applied)."""
    if n < 0:
        return "moins " + nombre_en_lettres(-n)
    if n == 0:
        return "zéro"
    parts = []
    for value, singular, plural in ((10**9, "milliard", "milliards"), (10**6, "million", "millions")):
        count, n = divmod(n, value)
        if count:
            parts.append(f"{nombre_en_lettres(count)} {singular if count == 1 else plural}")
    thousands, n = divmod(n, 1000)
    if thousands:
        parts.append("mille" if thousands == 1 else f"{_below_1000(thousands, final=False)} mille")
    if n:
        parts.append(_below_1000(n, final=True))
    return " ".join(parts)


def montant_en_lettres(montant: Decimal) -> str:
    """``Decimal("50000")`` → "cinquante mille euros"; cents as "et douze centimes"."""
    montant = Decimal(montant).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    euros = int(montant)
    centimes = int((montant - euros) * 100)
    words = nombre_en_lettres(euros)
    # "un million d'euros", "deux millions d'euros"
    unit = (
        "d'euros"
        if euros and words.endswith(("million", "millions", "milliard", "milliards"))
        else ("euro" if euros in (0, 1) else "euros")
    )
    text = f"{words} {unit}"
    if centimes:
        text += f" et {nombre_en_lettres(centimes)} centime{'s' if centimes > 1 else ''}"
    return text
