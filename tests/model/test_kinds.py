"""The registry of identifier kinds (model/kinds.py)."""

from __future__ import annotations

import pytest

from threadline.model.kinds import (
    PHONE,
    IdentifierKind,
    UnknownIdentifierKind,
    identifier_kind,
    identifier_kinds,
    kind_of_column,
    register,
    registered,
    unregister,
)


def _handle(name: str = "chat", column: str = "chats") -> IdentifierKind:
    return IdentifierKind(name, column, "chat handle", "Chat handle", lambda s: s.lower() or None)


def test_the_four_built_in_kinds_come_first_with_their_columns() -> None:
    assert [(k.name, k.column) for k in identifier_kinds()][:4] == [
        ("phone", "phones"), ("email", "emails"), ("account", "accounts"), ("vehicle", "vehicles"),
    ]  # fmt: skip
    assert identifier_kind("phone") is PHONE and kind_of_column("phones") is PHONE
    assert PHONE.normalise("07700 900123") == "+447700900123"
    assert identifier_kind("account").normalise("FB:@Jane.Doe") == "facebook:jane.doe"


def test_an_unknown_kind_is_an_error_naming_the_known_ones() -> None:
    with pytest.raises(UnknownIdentifierKind, match="'imei'.*phone, email, account, vehicle"):
        identifier_kind("imei")


def test_a_taken_name_or_column_or_a_graph_node_kind_is_refused() -> None:
    for kind in (_handle("phone", "x"), _handle("chat", "phones"), _handle("location", "places")):
        with pytest.raises(ValueError, match="taken|already"):
            register(kind)
    with pytest.raises(ValueError, match="built-in"):
        unregister("phone")


def test_a_kind_registered_for_a_block_is_gone_after_it_even_after_an_error() -> None:
    with pytest.raises(RuntimeError), registered(_handle()):
        assert kind_of_column("chats") is not None
        raise RuntimeError("the block failed")
    assert kind_of_column("chats") is None
    assert [k.name for k in identifier_kinds()] == ["phone", "email", "account", "vehicle"]
