"""Writing many rows at once: PostgreSQL's COPY with the ids reserved beforehand, bulk_create elsewhere.

For jobs that add thousands of records (the import of the world universities list): no model instance per
row, so neither its __init__ (with the translated columns) nor the compiler's per-value preparation runs.
A row is a dict of column attnames to values the database takes as they are (str, int, bool, aware datetime,
None); the columns a row leaves out get their field's default.
"""

from collections.abc import Iterable

from django.db import connection, models
from django.utils import timezone
from psycopg import sql


def column_defaults(model: type[models.Model]) -> dict[str, object]:
    """Each concrete column's default (auto_now columns: now), computed once for a whole batch of rows."""
    now = timezone.now()
    defaults = {}
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            defaults[field.attname] = now
        else:
            defaults[field.attname] = field.get_default()
    return defaults


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """Take `count` ids from the table's sequence in one query (PostgreSQL), for rows written by COPY."""
    if not count:
        return []
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, column, count]
        )
        return [row[0] for row in cursor.fetchall()]


def insert_rows(model: type[models.Model], rows: Iterable[dict], *, batch_size: int = 2_000) -> list[int]:
    """Insert these rows (dicts of attnames, the rest defaulted) in bulk; returns their new ids in order.

    PostgreSQL: the ids in one query, then one COPY. Other databases: bulk_create in batches. Sends no signals
    and writes no history: the caller writes the history rows the same way, if it keeps them.
    """
    rows = list(rows)
    if not rows:
        return []
    defaults = column_defaults(model)
    if connection.vendor != "postgresql":
        objects = model.objects.bulk_create([model(**(defaults | row)) for row in rows], batch_size=batch_size)
        return [obj.pk for obj in objects]
    ids = reserve_ids(model, len(rows))
    columns = [model._meta.pk.column, *(model._meta.get_field(name).column for name in defaults)]
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(model._meta.db_table), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row_id, row in zip(ids, rows, strict=True):
            copy.write_row([row_id, *(row.get(name, default) for name, default in defaults.items())])
    return ids


def insert_new_rows(
    model: type[models.Model], rows: list[dict], *, constant: dict | None = None, returning: tuple[str, ...] = ("pk",)
) -> list[tuple]:
    """Insert the rows a unique constraint lets in and leave the others as they are, in one statement whatever
    their number (PostgreSQL); returns the `returning` columns of the rows inserted.

    Each column is sent as one array and unnested: one row's columns are the keys of `rows[0]`, the same for
    every row; `constant` and the fields' defaults give the other columns.
    """
    if not rows:
        return []
    meta = model._meta
    varying = list(rows[0])
    fixed = {name: value for name, value in (column_defaults(model) | (constant or {})).items() if name not in varying}
    field = {name: meta.get_field(name) for name in [*varying, *fixed]}
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field[name].column) for name in [*varying, *fixed])
    arrays = ", ".join(f"%s::{field[name].cast_db_type(connection)}[]" for name in varying)
    constants = "".join(f", %s::{field[name].cast_db_type(connection)}" for name in fixed)
    names = ", ".join(quote(f"u{n}") for n in range(len(varying)))
    returned = ", ".join(quote(meta.pk.column if name == "pk" else meta.get_field(name).column) for name in returning)
    statement = (
        f"INSERT INTO {quote(meta.db_table)} ({columns}) SELECT {names}{constants} "  # noqa: S608  # nosec B608 (quoted names of the model, values as parameters)
        f"FROM unnest({arrays}) AS u({names}) ON CONFLICT DO NOTHING RETURNING {returned}"
    )
    params = [*fixed.values(), *([row[name] for row in rows] for name in varying)]  # in the statement's order
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall()


def defer_index_merges() -> None:
    """For the rest of the transaction (PostgreSQL), let GIN indexes gather new entries in a pending list of up
    to 4 MB and merge them in sorted batches: a row at a time costs a bulk write several times more.
    Call settle_indexes before the transaction ends, so that no search scans the list."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL gin_pending_list_limit = '4MB'")


def settle_indexes(model: type[models.Model]) -> None:
    """After a bulk write (PostgreSQL): merge the pending entries of the table's GIN indexes into them, so a
    search does not scan them, and refresh the planner's statistics of the table."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT gin_clean_pending_list(i.indexrelid) FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam "
            "WHERE i.indrelid = %s::regclass AND a.amname = 'gin'",
            [model._meta.db_table],
        )
    refresh_statistics(model)


def refresh_statistics(model: type[models.Model]) -> None:
    """ANALYZE the table (PostgreSQL) after a bulk write, so that the next queries over it are planned for the
    rows it now holds, not for those autovacuum last counted (an empty table makes a nested loop of a join)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
