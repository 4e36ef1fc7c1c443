"""The public face of threadline.normalise."""

from __future__ import annotations

import inspect

import threadline.normalise as normalise

REQUIRED = {
    "normalise_name",
    "split_forenames",
    "first_forename",
    "is_initial",
    "nickname_group",
    "are_nickname_equivalent",
    "canonical_forename",
    "phonetic_key",
    "surname_key",
    "Phone",
    "clean_phone",
    "normalise_phone",
    "normalise_postcode",
    "outward_code",
    "postcode_sector",
    "postcode_district",
    "normalise_address",
    "address_key",
    "house_number",
    "normalise_email",
    "normalise_account",
    "normalise_registration",
    "format_registration",
}


def test_all_names_the_agreed_api() -> None:
    assert REQUIRED <= set(normalise.__all__)
    for name in normalise.__all__:
        assert hasattr(normalise, name), name


def test_normalisers_return_nothing_for_none() -> None:
    """Every normaliser maps over a column with gaps: None in, nothing out, no exception."""
    takes_optional_text = [
        name
        for name in normalise.__all__
        if name not in {"Phone", "fold_text", "is_initial", "format_registration"}
    ]
    for name in takes_optional_text:
        function = getattr(normalise, name)
        parameters = inspect.signature(function).parameters.values()
        required = [p for p in parameters if p.default is inspect.Parameter.empty]
        result = function(*[None] * len(required))
        assert result in (None, [], frozenset(), False), name


def test_public_functions_are_documented_and_annotated() -> None:
    for name in normalise.__all__:
        function = getattr(normalise, name)
        assert inspect.getdoc(function), name
        if callable(function) and not inspect.isclass(function):
            assert "return" in function.__annotations__, name
