"""Updating and inserting many rows, each with its own values, in one statement.

Django's ``bulk_update`` writes a ``CASE WHEN pk = ... THEN ...`` per field and row: building
and parsing that grows with rows x fields and cost most of a monitoring batch's time when late
transactions re-evaluated many findings. Here the values travel as one array per column and
PostgreSQL joins them to the rows: ``UPDATE t SET f = v.f FROM unnest(...) AS v WHERE t.pk =
v.pk``. JSON columns travel as text and are cast back, so their encoder is the field's own.

``insert_rows`` is ``bulk_create`` for rows whose keys nobody reads back: PostgreSQL ``COPY``,
without compiling an ``INSERT`` of rows x fields placeholders and quoting every value.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from django.db import connection, models


def update_rows(
    model: type[models.Model], rows: Sequence[models.Model], fields: Sequence[str]
) -> int:
    """Save ``fields`` of every row (matched by primary key); returns the rows updated."""
    if not rows:
        return 0
    meta = model._meta
    pk = meta.pk
    columns = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    params, casts, sets = [], [], []
    params.append([pk.get_db_prep_save(row.pk, connection) for row in rows])
    casts.append(f"%s::{_array_type(pk)}")
    for field in columns:
        if isinstance(field, models.JSONField):
            params.append([_json_text(field, getattr(row, field.attname)) for row in rows])
            casts.append("%s::text[]")
            sets.append(f"{quote(field.column)} = v.{quote(field.column)}::jsonb")
        else:
            params.append(
                [field.get_db_prep_save(getattr(row, field.attname), connection) for row in rows]
            )
            casts.append(f"%s::{_array_type(field)}")
            sets.append(f"{quote(field.column)} = v.{quote(field.column)}")
    names = ", ".join(quote(c) for c in [pk.column, *(f.column for f in columns)])
    # Only the model's own quoted table and column names are spliced in; values are parameters.
    sql = (
        f"UPDATE {quote(meta.db_table)} AS t SET {', '.join(sets)} "  # noqa: S608
        f"FROM unnest({', '.join(casts)}) AS v({names}) "
        f"WHERE t.{quote(pk.column)} = v.{quote(pk.column)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _array_type(field: models.Field) -> str:
    target = field.target_field if field.is_relation else field
    db_type = target.rel_db_type(connection) if field.is_relation else target.db_type(connection)
    return f"{db_type}[]"


def _json_text(field: models.JSONField, value) -> str | None:
    return None if value is None else json.dumps(value, cls=field.encoder)


def insert_rows(model: type[models.Model], rows: Sequence[models.Model]) -> int:
    """Insert ``rows`` with one ``COPY``; returns how many. Values are prepared as ``save``
    prepares them (``pre_save``: ``auto_now`` stamps; the field's own database value); a
    primary key left unset (an auto field) is filled by its sequence and not read back."""
    if not rows:
        return 0
    meta = model._meta
    fields = [
        f
        for f in meta.concrete_fields
        if not (f.primary_key and f.db_returning and getattr(rows[0], f.attname) is None)
    ]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    sql = f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row([f.get_db_prep_save(f.pre_save(row, True), connection) for f in fields])
    return len(rows)
