"""Look-alike usernames refused at sign-up, with the Unicode confusables data of the
`confusable-homoglyphs` package (Unicode TR39), not a table of our own.

Two rules:
- a name that mixes scripts with characters confusable across them (`owner` with a Cyrillic
  o, U+043E, before Latin letters) is refused whoever holds `owner`: such a name exists only to look like another;
- a name in one script whose characters all read as Latin ones (`oeo` in Cyrillic letters) is refused
  when the Latin reading, case-folded, is an existing username.

Not covered: a Latin name that reads like an existing name written in another script (whoever
signed up first in that script keeps it), and look-alikes within one script (`rn` and `m`).
"""

from __future__ import annotations

import unicodedata

from confusable_homoglyphs import confusables
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

PREFERRED = ["latin", "common"]


def latin_reading(name: str) -> str | None:
    """`name` with each character that looks like a Latin one replaced by it; None when a
    character looks like no Latin one (the name cannot be read as a Latin name)."""
    found = confusables.is_confusable(name, greedy=True, preferred_aliases=PREFERRED) or []
    swaps: dict[str, str] = {}
    for entry in found:
        latin = [g["c"] for g in entry["homoglyphs"] if g["n"].startswith("LATIN ")]
        if not latin:
            return None
        swaps[entry["character"]] = latin[0]
    return "".join(swaps.get(char, char) for char in name)


def check_username(name: str) -> None:
    """ValidationError when `name` is a look-alike of another (see the module's docstring)."""
    if confusables.is_dangerous(name, preferred_aliases=PREFERRED):
        raise ValidationError(
            "This username mixes alphabets with look-alike letters (such as a Cyrillic o among "
            "Latin letters); write it in one alphabet.",
            code="confusable",
        )
    reading = latin_reading(name)
    if reading is None or reading == name:
        return
    folded = unicodedata.normalize("NFKC", reading).casefold()
    if get_user_model().objects.filter(username__iexact=folded).exists():
        raise ValidationError(
            "This username looks like an existing one; choose another.", code="confusable"
        )
