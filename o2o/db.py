"""Lookups for the paths every request or every order takes, in plain SQL.

Building a one-row query through the ORM costs about 0.3 ms of CPU; the same lookup as a raw query
mapped onto the model costs 0.1 ms (bench/place_orders, where placing an order is CPU-bound). Use
these only on such paths, with an explicit tenant condition like any other tenant query; row-level
security applies to them as to the ORM.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from django.db import connection, models

M = TypeVar("M", bound=models.Model)


def first_row(model: type[M], where: str, params: Sequence[object]) -> M | None:
    """The first row by id of `model`'s table matching the SQL condition `where` (placeholders
    `%s`, filled from `params`), as a model instance with every field loaded; None if none."""
    table = connection.ops.quote_name(model._meta.db_table)
    rows = model._default_manager.raw(
        f"SELECT * FROM {table} WHERE {where} ORDER BY id LIMIT 1",  # noqa: S608 - fixed names, placeholders
        list(params),
    )
    return next(iter(rows), None)


def in_list(values: Iterable[int]) -> tuple[str, list[int]]:
    """An SQL list for `... IN <list>` and its parameters: the distinct `values`, sorted (so that
    row locks taken through it come in one order), as `(%s, %s)` and `[1, 2]`; no values give
    `(NULL)`, which matches nothing."""
    ids = sorted(set(values))
    return "(" + (", ".join(["%s"] * len(ids)) if ids else "NULL") + ")", ids


def insert_rows(model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Insert `rows` (each the values of `columns`, database-ready: JSON as text) into `model`'s
    table without building model instances: `bulk_create` spends most of a large write making
    and preparing them (bench/settlement.py: about 20,000 rows a run). One multi-row INSERT per
    500 rows, through Django's cursor (counted and logged like any query). Nothing is returned:
    use it for rows nobody reads back in the same step."""
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    row_marks = "(" + ", ".join(["%s"] * len(columns)) + ")"
    with connection.cursor() as cursor:
        for first in range(0, len(rows), INSERT_CHUNK):
            chunk = rows[first : first + INSERT_CHUNK]
            cursor.execute(
                f"INSERT INTO {table} ({names}) VALUES {', '.join([row_marks] * len(chunk))}",  # noqa: S608
                [value for row in chunk for value in row],
            )


INSERT_CHUNK = 500  # rows per INSERT: 4,000 parameters for 8 columns, far below SQLite's limit
