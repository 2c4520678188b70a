"""The check-in's hot-path statements written out, and the ORM's own objects made from them.

Through the ORM, building and compiling a small query costs about 1 ms of CPU, several times
what running it costs, and a check-in runs four of them. The statements that use this module
are built once per database backend from the models (tables, columns and quoting come from
``_meta`` and the backend); values go through the fields' own conversions both ways, and rows
become instances with ``Model.from_db``, so callers get what the ORM would give them (tests
compare each statement with its ORM query on SQLite and PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar, cast

from django.db import DEFAULT_DB_ALIAS, connections, models

M = TypeVar("M", bound=models.Model)


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
    """The rows ``sql`` selects."""
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def execute(sql: str, params: Sequence[Any]) -> int:
    """Run a statement that changes rows; returns how many it changed."""
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.rowcount)


def to_database(model: type[models.Model], field: str, value: Any) -> Any:
    """``value`` as the field stores it (e.g. a time on SQLite)."""
    database = connections[DEFAULT_DB_ALIAS]
    return _field(model, field).get_db_prep_save(value, database)


def from_database(model: type[models.Model], field: str, value: Any) -> Any:
    """A column's value as the ORM reads it (dates and times on SQLite, JSON everywhere)."""
    database = connections[DEFAULT_DB_ALIAS]
    column = _field(model, field).cached_col
    for convert in (*database.ops.get_db_converters(column), *column.get_db_converters(database)):
        value = convert(value, column, database)
    return value


def instance(model: type[M], values: Sequence[Any]) -> M:
    """An instance of ``model`` from its columns in ``all_columns`` order, as the ORM makes it."""
    fields = model._meta.concrete_fields
    converted = [
        from_database(model, f.name, value) for f, value in zip(fields, values, strict=True)
    ]
    return model.from_db(DEFAULT_DB_ALIAS, [f.attname for f in fields], converted)


def _field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    return cast("models.Field[Any, Any]", model._meta.get_field(name))
