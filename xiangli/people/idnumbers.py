"""Resident ID numbers (居民身份证号码) as GB 11643-1999 defines them."""

from __future__ import annotations

import datetime as dt
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def check_digit(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def normalise_id_number(raw: str) -> str:
    """Strip spaces and upper-case the check character, then validate.

    Raises ValidationError with a message a clerk can act on.
    """
    # NFKC: full-width digits from a Chinese input method become ASCII ones; any
    # other script's digits are refused, or one person could be on file twice.
    value = "".join(unicodedata.normalize("NFKC", str(raw)).split()).upper()
    if len(value) != 18 or not value.isascii() or not value[:17].isdigit() or value[17] not in "0123456789X":
        raise ValidationError(_("An ID number has 18 characters: 17 digits, then a digit or X."))
    try:
        birth = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise ValidationError(_("The birth date inside this ID number does not exist.")) from None
    if birth > dt.date.today() or birth.year < 1900:
        raise ValidationError(_("The birth date inside this ID number does not exist."))
    if check_digit(value[:17]) != value[17]:
        raise ValidationError(_("This ID number is wrong: its last character does not match."))
    return value


def birth_date(id_number: str) -> dt.date:
    return dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))


def gender(id_number: str) -> str:
    """'M' or 'F' from the 17th digit (odd for men)."""
    return "M" if int(id_number[16]) % 2 else "F"


def make_id_number(region: str, birth: dt.date, sequence: int, gender: str) -> str:
    """A well-formed ID number, for demo and test data only."""
    seq = sequence % 500 * 2 + (1 if gender == "M" else 0)
    first17 = f"{region[:6]}{birth:%Y%m%d}{seq:03d}"
    return first17 + check_digit(first17)
