"""ORM objects from a Core row, without the ORM's loading machinery: for the one statement
every signed-in request runs (`devices.find`), where building the user, the device and the
roles through `session.execute(select(User, …))` cost more client CPU than the statement's
round trip (306–384 µs against 190–235 µs as a Core statement, plus 57 µs to build these).

An object made here is what a query would have returned: persistent in the session (in its
identity map, so a later `session.get` or relationship load finds it), every column loaded
and unchanged (not dirty), relationships not loaded until asked — unless the caller sets one
with `set_committed_value`. An object of that identity already in the session wins, as a
query's would."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any, TypeVar

from sqlalchemy import inspect
from sqlalchemy.orm import Session, scoped_session
from sqlalchemy.orm.attributes import instance_state

T = TypeVar("T")


def _layout(model: type) -> tuple[tuple[str, ...], tuple[int, ...], tuple[str, ...]]:
    """The model's attribute names for its table's columns, in the table's order (the order
    of `select(*table.c)`), the places of its primary key's columns, and its column
    attributes not among them (none today: a `column_property` would be one)."""
    return _partial(model, ())[1:]


def columns_of(model: type) -> list:
    """The columns to select for `persistent`, in its order."""
    return list(inspect(model).local_table.c)


def width(model: type) -> int:
    """How many columns `columns_of(model)` gives."""
    return len(_layout(model)[0])


@lru_cache(maxsize=16)
def _partial(model: type, without: tuple[str, ...]) -> tuple[
        list, tuple[str, ...], tuple[int, ...], tuple[str, ...]]:
    mapper = inspect(model)
    columns = [column for column in mapper.local_table.c
               if mapper.get_property_by_column(column).key not in without]
    keys = tuple(mapper.get_property_by_column(column).key for column in columns)
    return (columns, keys, tuple(columns.index(column) for column in mapper.primary_key),
            tuple(prop.key for prop in mapper.column_attrs if prop.key not in keys))


def columns_without(model: type, without: tuple[str, ...]) -> list:
    """The columns to select for `persistent(…, without=…)`: all but those attributes, which
    the objects will not have loaded (read from the database if ever asked for)."""
    return _partial(model, without)[0]


def persistent(session: Session, model: type[T], values: Sequence[Any],
               without: tuple[str, ...] = ()) -> T:
    """The `model` object of a row of its table's columns (`columns_of` order, or
    `columns_without(model, without)`)."""
    if isinstance(session, scoped_session):
        session = session()
    mapper = inspect(model)
    keys, key_places, missing = _partial(model, without)[1:] if without else _layout(model)
    identity = mapper.identity_key_from_primary_key([values[place] for place in key_places])
    found = session.identity_map.get(identity)
    if found is not None:
        return found
    obj = mapper.class_manager.new_instance()
    obj.__dict__.update(zip(keys, values, strict=True))
    # what `make_transient_to_detached(obj)` then `session.add(obj)` do, less their work that
    # cannot matter for an object made from columns alone (a third of 交卷's 21 objects' cost):
    # its identity is not computed again, only the columns not given are marked unloaded (read
    # when used; a relationship loads when used whether marked or not), and no cascade walks
    # relationships that hold nothing yet
    state = instance_state(obj)
    state.key = identity
    state._commit_all(state.dict)  # loaded as from a query: nothing changed, nothing new
    if missing:
        state._expire_attributes(state.dict, missing)
    session._update_impl(state)
    return obj
