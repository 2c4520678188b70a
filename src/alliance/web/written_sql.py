"""The check-in's hot-path statements written out, and the ORM's own objects made from them.

Through the ORM, building and compiling a small query costs about 1 ms of CPU, several times
what running it costs, and a check-in through a link runs four of them (five when its
episode has open alerts; on PostgreSQL two when its signals find nothing, see
``actions.checkin``). The statements that use this module are built once per database
backend from the models (tables, columns and quoting come from ``_meta`` and the backend);
values go through the fields' own conversions both ways, and rows become instances with
``Model.from_db``, so callers get what the ORM would give them (tests compare each statement
with its ORM query on SQLite and PostgreSQL).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar, cast

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.expressions import Col

M = TypeVar("M", bound=models.Model)
Converter = Callable[[Any, Col, BaseDatabaseWrapper], Any]
_found = threading.local()
"""What each thread's own connection converts, per field and per model (looked up once)."""


def quoted(model: type[models.Model], field: str | None = None) -> str:
    """The model's table, or the column of one of its fields, quoted for the database."""
    quote = connections[DEFAULT_DB_ALIAS].ops.quote_name
    if field is None:
        return quote(model._meta.db_table)
    return quote(_field(model, field).column)


def all_columns(model: type[models.Model], alias: str) -> list[str]:
    """Every column of ``model``, qualified by ``alias``, in the order ``instance`` reads."""
    return [f"{alias}.{quoted(model, f.name)}" for f in model._meta.concrete_fields]


def fetch(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """The rows ``sql`` selects (or returns)."""
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def to_database(model: type[models.Model], field: str, value: Any) -> Any:
    """``value`` as the field stores it (e.g. a time on SQLite)."""
    database = connections[DEFAULT_DB_ALIAS]
    return _field(model, field).get_db_prep_save(value, database)


def from_database(model: type[models.Model], field: str, values: Sequence[Any]) -> list[Any]:
    """A column's values as the ORM reads them (dates and times on SQLite, JSON everywhere)."""
    database = connections[DEFAULT_DB_ALIAS]
    column, converters = _conversion(database, model, field)
    converted = list(values)
    for convert in converters:
        converted = [convert(value, column, database) for value in converted]
    return converted


@dataclass(frozen=True)
class Insertion:
    """New instances of one model with the INSERT that adds them, its values converted: made
    before a transaction (``insertion``), so that the transaction only runs it."""

    objects: Sequence[models.Model]
    sql: str
    values: list[Any]

    def run(self) -> None:
        """Add the rows; each instance gets the key the database gave it."""
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute(self.sql, self.values)
            # Keys are given in the order of the rows; RETURNING may list them in any order.
            self.stored(sorted(key for (key,) in cursor.fetchall()))

    def rows(self) -> list[list[Any]]:
        """Each instance's values, in the order of the INSERT's columns."""
        width = len(self.values) // len(self.objects)
        return [self.values[i : i + width] for i in range(0, len(self.values), width)]

    def stored(self, keys: Sequence[int]) -> None:
        """Mark the instances added, with the keys the database gave them (in their order)."""
        for each, key in zip(self.objects, keys, strict=True):
            each.pk = key
            each._state.adding = False
            each._state.db = DEFAULT_DB_ALIAS


def insertion(objects: Sequence[models.Model]) -> Insertion:
    """The INSERT of new instances (one or more) of one model, as ``bulk_create`` adds them:
    each field's ``pre_save`` (``auto_now_add``) and conversion are applied now."""
    model = type(objects[0])
    database = connections[DEFAULT_DB_ALIAS]
    fields = _inserted_fields(model)
    values = [
        field.get_db_prep_save(field.pre_save(each, True), database)
        for each in objects
        for field in fields
    ]
    return Insertion(objects, _insert_sql(model, len(objects), database.vendor), values)


def insert(objects: Sequence[models.Model]) -> None:
    """Add new instances (one or more) of one model in one INSERT (see ``insertion``)."""
    insertion(objects).run()


def instance(model: type[M], values: Sequence[Any]) -> M:
    """An instance of ``model`` from its columns in ``all_columns`` order, as the ORM makes it."""
    database = connections[DEFAULT_DB_ALIAS]
    names, converted_fields = _reading(database, model)
    if len(values) != len(names):
        raise ValueError(f"{model.__name__} has {len(names)} columns, not {len(values)}")
    converted = list(values)
    for index, column, converters in converted_fields:
        for convert in converters:
            converted[index] = convert(converted[index], column, database)
    return model.from_db(DEFAULT_DB_ALIAS, names, converted)


_Reading = tuple[list[str], list[tuple[int, Col, tuple[Converter, ...]]]]


def _reading(database: BaseDatabaseWrapper, model: type[models.Model]) -> _Reading:
    """The attribute names of ``model``'s columns, and the place, column and converters of
    those ``database`` converts (most values come from the driver as they are)."""
    known: dict[tuple[Any, ...], _Reading] = _found.__dict__.setdefault("readings", {})
    key = (database, model)
    if key not in known:
        fields = model._meta.concrete_fields
        conversions = [(i, *_conversion(database, model, f.name)) for i, f in enumerate(fields)]
        known[key] = (
            [f.attname for f in fields],
            [(i, column, converters) for i, column, converters in conversions if converters],
        )
    return known[key]


def _conversion(
    database: BaseDatabaseWrapper, model: type[models.Model], name: str
) -> tuple[Col, tuple[Converter, ...]]:
    """The column and converters ``database`` (this thread's connection) reads a field with
    (looked up once per thread: asking the backend costs more than converting)."""
    known: dict[tuple[Any, ...], tuple[Col, tuple[Converter, ...]]]
    known = _found.__dict__.setdefault("converters", {})
    key = (database, model, name)
    if key not in known:
        column = _field(model, name).cached_col
        converters = (*database.ops.get_db_converters(column), *column.get_db_converters(database))
        known[key] = column, converters
    return known[key]


def _inserted_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    """The fields an INSERT of ``model`` gives values for: all but the key the database makes."""
    return [f for f in model._meta.concrete_fields if f is not model._meta.auto_field]


@cache
def _insert_sql(model: type[models.Model], rows: int, vendor: str) -> str:
    """``insert``'s statement for ``rows`` rows of ``model`` on this database backend."""
    columns = [quoted(model, f.name) for f in _inserted_fields(model)]
    row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    return (
        f"INSERT INTO {quoted(model)} ({', '.join(columns)}) VALUES {', '.join([row] * rows)}"
        f" RETURNING {quoted(model, model._meta.pk.name)}"
    )


@cache
def insert_for_each_sql(model: type[models.Model], source: str, vendor: str) -> str:
    """An INSERT of one row of ``model`` (the values of one of ``Insertion.rows``) for each row
    of ``source``, a data-modifying CTE before it in the same statement (PostgreSQL): the row
    is added only if that CTE changed one."""
    columns = [quoted(model, f.name) for f in _inserted_fields(model)]
    return (
        f"INSERT INTO {quoted(model)} ({', '.join(columns)})"
        f" SELECT {', '.join(['%s'] * len(columns))} FROM {source}"
        f" RETURNING {quoted(model, model._meta.pk.name)}"
    )


def _field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    return cast("models.Field[Any, Any]", model._meta.get_field(name))
