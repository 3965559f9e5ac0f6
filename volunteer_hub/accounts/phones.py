"""Mainland China mobile numbers, validated and normalised to E.164 with the phonenumbers library."""

import phonenumbers
from phonenumbers import PhoneNumberType


def normalise_mobile(raw: str) -> str | None:
    """'138 1234 5678' or '+86 138-1234-5678' -> '+8613812345678'; None when not a valid CN mobile."""
    if not raw or len(raw) > 32:
        return None
    try:
        number = phonenumbers.parse(raw, "CN")
    except phonenumbers.NumberParseException:
        return None
    if number.country_code != 86 or not phonenumbers.is_valid_number(number):
        return None
    if phonenumbers.number_type(number) not in (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
