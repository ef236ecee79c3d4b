"""Hot queries compiled once per process (issue 13 part 6).

Building and compiling a queryset costs Django several milliseconds of CPU — for the partner API's
hot paths (the token check, a repeat join, a member lookup) more than PostgreSQL spends answering
it. A `PreparedQuery` builds its queryset once, with placeholder values, keeps the compiled SQL,
and afterwards only substitutes the call's values and turns the rows into model instances the
way the ORM does (select_related objects and annotations included, field converters applied).

Only values passed as arguments change from call to call; any other literal in the queryset
(a status, a level) is fixed when it is first compiled — so nothing time-dependent (`now()`)
may be written into the build function. Arguments are strings, integers or tuples of strings
(an `__in` list; each length compiles once). Each value must reach the SQL as it is: `exact` and
`in` lookups, not `contains` or `iexact`.

On PostgreSQL the statement is also prepared on the server, once per connection: for these short
lookups PostgreSQL spent more CPU planning each statement (0.3–0.7 ms) than running it (0.1 ms).
Django's cursors bind values on the client and never prepare, so these statements go through a
server-binding cursor of their own (still wrapped by Django: query logging, execute wrappers and
error translation work as for any cursor). Settings' `GONGYOU_PG_PREPARE` turns it off — for a
connection pooler in transaction mode that does not keep prepared statements (PgBouncer before
1.21, or without `max_prepared_statements`)."""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.db import connections, models, router
from django.db.models.constants import OnConflict
from django.db.models.query import get_related_populators

M = TypeVar("M", bound=models.Model)

# Placeholders no real value takes: negative integers are never primary keys here, and a NUL
# byte never reaches PostgreSQL text (it refuses it).
_INT_BASE = -2_000_000_000


def _placeholder(index: int, value: Any) -> Any:
    if isinstance(value, tuple):
        return tuple(_scalar(index, item, n) for n, item in enumerate(value))
    return _scalar(index, value, None)


def _scalar(index: int, value: Any, n: int | None) -> Any:
    if isinstance(value, bool):
        raise TypeError("a PreparedQuery argument cannot be a bool: write it into the query instead")
    if isinstance(value, int):
        return _INT_BASE + index * 1000 + (0 if n is None else n + 1)
    if isinstance(value, str):
        return f"\x00arg{index}.{n}\x00"
    raise TypeError(f"a PreparedQuery argument must be str, int or a tuple of them, not {type(value).__name__}")


def _shape(values: dict[str, Any]) -> tuple[Any, ...]:
    return tuple((name, len(v) if isinstance(v, tuple) else None) for name, v in sorted(values.items()))


@dataclass
class _Compiled:
    sql: str
    params: list[Any]
    # (position in params, argument name, index in a tuple argument or None)
    slots: list[tuple[int, str, int | None]]
    compiler: Any
    model: type[models.Model]
    init_list: list[str]
    start: int
    end: int
    populators: list[Any]
    annotations: dict[str, int]
    db: str
    # The columns' converters (field and backend), found once: asking for them on every call
    # cost about as much as the rest of turning a row into objects.
    converters: list[tuple[int, list[Any], Any]]


class PreparedQuery(Generic[M]):
    """`PreparedQuery(lambda prefix: Credential.objects.filter(prefix=prefix)[:1])`, then
    `query.first(prefix="abc")` or `query.all(prefix="abc")`."""

    def __init__(self, build: Callable[..., models.QuerySet[M]]) -> None:
        self._build = build
        self._compiled: dict[tuple[Any, ...], _Compiled] = {}
        self._lock = threading.Lock()

    def _compile(self, values: dict[str, Any]) -> _Compiled:
        key = _shape(values)
        compiled = self._compiled.get(key)
        if compiled is not None:
            return compiled
        names = sorted(values)
        placeholders = {name: _placeholder(i, values[name]) for i, name in enumerate(names)}
        queryset = self._build(**placeholders)
        db = queryset.db
        compiler = queryset.query.get_compiler(using=db)
        sql, params = compiler.as_sql()
        where: dict[Any, tuple[str, int | None]] = {}
        for name, placeholder in placeholders.items():
            if isinstance(placeholder, tuple):
                for n, item in enumerate(placeholder):
                    where[item] = (name, n)
            else:
                where[placeholder] = (name, None)
        slots = [(pos, *where[p]) for pos, p in enumerate(params) if _hashable(p) and p in where]
        missing = set(where.values()) - {(name, n) for _pos, name, n in slots}
        if missing:
            raise ValueError(f"PreparedQuery: these arguments do not reach the SQL as they are: {sorted(missing)}")
        select, klass_info = compiler.select, compiler.klass_info
        columns = [s[0] for s in select[0 : compiler.col_count]]
        if compiler.has_composite_fields(columns):
            raise ValueError("PreparedQuery: composite fields are not supported")
        fields = klass_info["select_fields"]
        start, end = fields[0], fields[-1] + 1
        compiled = _Compiled(
            sql=sql,
            params=list(params),
            slots=slots,
            compiler=compiler,
            model=klass_info["model"],
            init_list=[f[0].target.attname for f in select[start:end]],
            start=start,
            end=end,
            # Django 5.2 takes three arguments; the stubs describe a later version.
            populators=get_related_populators(klass_info, select, db),  # type: ignore[call-arg]
            annotations=dict(compiler.annotation_col_map or {}),
            db=db,
            converters=[(pos, convs, expr) for pos, (convs, expr) in compiler.get_converters(columns).items()],
        )
        with self._lock:
            self._compiled[key] = compiled
        return compiled

    def all(self, **values: Any) -> list[M]:
        c = self._compile(values)
        params = list(c.params)
        for pos, name, n in c.slots:
            params[pos] = values[name] if n is None else values[name][n]
        with _cursor(connections[c.db]) as cursor:
            cursor.execute(c.sql, params)
            rows = cursor.fetchall()
        if c.compiler.has_extra_select:
            rows = [row[: c.compiler.col_count] for row in rows]
        out = []
        connection = c.compiler.connection
        for row in map(list, rows):
            for pos, convs, expression in c.converters:  # as SQLCompiler.apply_converters
                value = row[pos]
                for converter in convs:
                    value = converter(value, expression, connection)
                row[pos] = value
            obj = c.model.from_db(c.db, c.init_list, row[c.start : c.end])
            for populator in c.populators:
                populator.populate(row, obj)
            for attr, col in c.annotations.items():
                setattr(obj, attr, row[col])
            out.append(obj)
        return out  # type: ignore[return-value]

    def first(self, **values: Any) -> M | None:
        """The first row, or None: the build function says the order (and `[:1]`)."""
        rows = self.all(**values)
        return rows[0] if rows else None


def _cursor(connection: Any) -> Any:
    """A cursor of `connection` that prepares its statements on PostgreSQL (see the module's
    docstring), Django's own cursor elsewhere; to be used as a context manager. Wrapped as
    `connection.cursor()` wraps its own. On PostgreSQL one such cursor is kept per connection and
    reused (a new join runs ten statements: making and closing a cursor for each cost more than
    a tenth of its Python time); `connections[alias]` is per thread, so the cursor is too."""
    if connection.vendor != "postgresql" or not settings.GONGYOU_PG_PREPARE:
        return connection.cursor()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    raw = connection.connection
    kept = getattr(connection, "_gongyou_preparing_cursor", None)
    if kept is not None and kept[0] is raw and kept[1] == connection.queries_logged and not kept[2].closed:
        connection.validate_thread_sharing()
        return contextlib.nullcontext(kept[3])
    with connection.wrap_database_errors:
        if raw.prepare_threshold is None:
            # Django turns psycopg's preparing off for the whole connection (its own cursors bind on
            # the client and would not prepare anyway); only _PreparingCursor asks for it.
            raw.prepare_threshold = _PREPARE_THRESHOLD
        cursor_class, debug_wrapper = _preparing_classes()
        cursor = cursor_class(raw)
        connection.validate_thread_sharing()
        wrapped = debug_wrapper(cursor, connection) if connection.queries_logged else connection.make_cursor(cursor)
    connection._gongyou_preparing_cursor = (raw, connection.queries_logged, cursor, wrapped)
    return contextlib.nullcontext(wrapped)


# Unreached in practice: _PreparingCursor prepares on first use, and no other cursor of ours binds
# on the server.
_PREPARE_THRESHOLD = 1_000_000


@functools.cache
def _preparing_classes() -> tuple[type, type]:
    # Imported here: the PostgreSQL backend imports psycopg, which a SQLite-only install lacks.
    from django.db.backends.postgresql.base import CursorDebugWrapper, ServerBindingCursor
    from psycopg import errors
    from psycopg.pq import TransactionStatus

    class _PreparingCursor(ServerBindingCursor):  # type: ignore[misc, valid-type]
        """Binds values on the server and prepares every statement on its first execution (psycopg
        keeps the 100 most recent per connection).

        A migration that changes the type of a column a prepared statement reads makes PostgreSQL
        refuse the statement ("cached plan must not change result type", SQLSTATE 0A000) until it
        is prepared again. Inside a transaction the error stands (the transaction is lost anyway,
        and its rollback makes psycopg forget its statements); outside one nothing has happened,
        so every statement is deallocated and this one runs again, once."""

        def execute(self, query: Any, params: Any = None, *, prepare: bool | None = None, binary: bool | None = None) -> Any:
            try:
                return super().execute(query, params, prepare=True, binary=binary)  # type: ignore[misc]
            except errors.FeatureNotSupported:
                raw: Any = self.connection  # type: ignore[attr-defined]  # psycopg's Cursor.connection
                if raw.info.transaction_status != TransactionStatus.IDLE:
                    raise
            raw.execute("DEALLOCATE ALL")  # psycopg sees it and forgets its own names
            return super().execute(query, params, prepare=True, binary=binary)  # type: ignore[misc]

    class _DebugWrapper(CursorDebugWrapper):  # type: ignore[misc, valid-type]
        """Logs the statement with its values written in, as Django logs its own (its way of
        reading them back from the cursor works only for client-side binding)."""

        def execute(self, sql: Any, params: Any = None) -> Any:
            with self.debug_sql(self.db.ops.compose_sql(sql, params), params):
                return self._execute_with_wrappers(sql, params, many=False, executor=self._execute)

    return _PreparingCursor, _DebugWrapper


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


# --- inserts ----------------------------------------------------------------------------------

# (model, database alias, rows, ignore conflicts) → (SQL, the fields in column order)
_INSERTS: dict[tuple[type[models.Model], str, int, bool], tuple[str, list[Any]]] = {}


def insert(*objs: models.Model, ignore_conflicts: bool = False) -> int:
    """Insert new instances of one model in one `INSERT … RETURNING pk`, as `objects.create()` or
    `bulk_create()` would — the same columns, the same values (auto_now stamps, JSON, foreign
    keys), the primary keys set on the instances — but with the SQL built once per model and row
    count: for the partner API's new join, Django building each INSERT cost more than PostgreSQL
    running it. What it leaves out, so it is only for models that need none of it: `save()`
    overrides, pre_save/post_save signals, multi-table inheritance, database defaults and
    expressions as values.

    `ignore_conflicts` (one instance only): a row that a unique constraint refuses is skipped
    (`ON CONFLICT DO NOTHING`, SQLite's `INSERT OR IGNORE`) instead of failing the transaction, so
    no savepoint is needed around it. Returns how many rows were inserted (0 when skipped; the
    instance then keeps no primary key)."""
    if not objs:
        return 0
    if ignore_conflicts and len(objs) != 1:
        raise ValueError("insert: ignore_conflicts takes one instance")
    model = type(objs[0])
    meta = model._meta
    db = router.db_for_write(model)
    connection = connections[db]
    key = (model, connection.alias, len(objs), ignore_conflicts)
    entry = _INSERTS.get(key)
    if entry is None:
        if meta.parents:
            raise ValueError(f"insert: {meta.label} inherits from another model")
        fields = [f for f in meta.local_concrete_fields if not f.generated and f is not meta.auto_field]
        if any(f.has_db_default() for f in fields):
            raise ValueError(f"insert: {meta.label} has database defaults")
        qn = connection.ops.quote_name
        row = "(" + ", ".join(["%s"] * len(fields)) + ")"
        # PostgreSQL and SQLite (the two backends here) both define it; the base class does not.
        returning, _params = connection.ops.return_insert_columns([meta.pk])  # type: ignore[attr-defined]
        # Only the model's own quoted table and column names go into the text; values are parameters.
        table, columns = qn(str(meta.db_table)), ", ".join(qn(str(f.column)) for f in fields)
        on_conflict = OnConflict.IGNORE if ignore_conflicts else None
        verb = connection.ops.insert_statement(on_conflict=on_conflict)
        suffix = connection.ops.on_conflict_suffix_sql(fields, on_conflict, None, None) if on_conflict else ""
        values = ", ".join([row] * len(objs))
        sql = " ".join(p for p in (f"{verb} {table} ({columns}) VALUES {values}", suffix, returning) if p)
        entry = _INSERTS[key] = (sql, fields)
    sql, fields = entry
    params: list[Any] = []
    for obj in objs:
        if type(obj) is not model:
            raise TypeError("insert: all instances must be of one model")
        obj._prepare_related_fields_for_save(operation_name="save")  # type: ignore[attr-defined]
        for f in fields:
            value = f.pre_save(obj, add=True)  # sets auto_now/auto_now_add on the instance too
            if hasattr(value, "resolve_expression"):
                raise TypeError(f"insert: {meta.label}.{f.name} is an expression")
            params.append(f.get_db_prep_save(value, connection))
    with _cursor(connection) as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    for obj, returned in zip(objs, rows, strict=not ignore_conflicts):
        setattr(obj, meta.pk.attname, returned[0])
        obj._state.adding = False
        obj._state.db = db
    return len(rows)
