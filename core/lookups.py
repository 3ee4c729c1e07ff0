"""``field__any=[...]``: one array literal (``= ANY(%s::type[])``) instead of one placeholder per
value.

Evaluation batches and the graph's batches filter on thousands of ids; Django's ``__in`` binds
each as its own parameter, and quoting and splicing them cost more than the query itself. Here
the values travel as one PostgreSQL array literal, quoted once. Models register it on the
fields their hot queries filter (``register_any``).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models


def array_literal(values: Iterable) -> str:
    """``{"a","b"}``: each element double-quoted, its backslashes and quotes escaped."""
    quoted = ('"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values)
    return "{" + ",".join(quoted) + "}"


class AnyOf(models.Lookup):
    lookup_name = "any"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        return ("%s", [list(value)])

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = list(self.rhs)
        if connection.vendor != "postgresql":
            if not values:
                return "1 = 0", list(lhs_params)
            return f"{lhs} IN ({', '.join(['%s'] * len(values))})", [*lhs_params, *values]
        db_type = self.lhs.output_field.db_type(connection) or "text"
        cast = db_type.split("(")[0]
        return f"{lhs} = ANY(%s::{cast}[])", [*lhs_params, array_literal(values)]


def register_any(model: type[models.Model], *names: str) -> None:
    for name in names:
        model._meta.get_field(name).register_lookup(AnyOf)
