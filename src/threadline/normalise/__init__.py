"""Cleaning of the values that link records: names, phones, postcodes, addresses, e-mails,
accounts and vehicles.

Every function here is pure (no database, clock or environment) and takes text exactly as a call
handler wrote it. ``None`` comes back when the text holds no usable value, never an exception, so
callers can map a normaliser over a column. Each module's docstring states its rules.
"""

from threadline.normalise.accounts import normalise_account, normalise_platform
from threadline.normalise.addresses import address_key, house_number, normalise_address
from threadline.normalise.emails import normalise_email
from threadline.normalise.names import (
    are_nickname_equivalent,
    canonical_forename,
    first_forename,
    is_initial,
    nickname_group,
    normalise_name,
    phonetic_key,
    split_forenames,
    surname_key,
)
from threadline.normalise.phones import Phone, clean_phone, clean_phones, normalise_phone
from threadline.normalise.postcodes import (
    normalise_postcode,
    outward_code,
    postcode_area,
    postcode_district,
    postcode_sector,
)
from threadline.normalise.text import fold_text
from threadline.normalise.vehicles import format_registration, normalise_registration

__all__ = [
    "Phone",
    "address_key",
    "are_nickname_equivalent",
    "canonical_forename",
    "clean_phone",
    "clean_phones",
    "first_forename",
    "fold_text",
    "format_registration",
    "house_number",
    "is_initial",
    "nickname_group",
    "normalise_account",
    "normalise_address",
    "normalise_email",
    "normalise_name",
    "normalise_phone",
    "normalise_platform",
    "normalise_postcode",
    "normalise_registration",
    "outward_code",
    "phonetic_key",
    "postcode_area",
    "postcode_district",
    "postcode_sector",
    "split_forenames",
    "surname_key",
]
