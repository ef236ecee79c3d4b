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
`in` lookups, not `contains` or `iexact`."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import connections, models
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
        )
        with self._lock:
            self._compiled[key] = compiled
        return compiled

    def all(self, **values: Any) -> list[M]:
        c = self._compile(values)
        params = list(c.params)
        for pos, name, n in c.slots:
            params[pos] = values[name] if n is None else values[name][n]
        with connections[c.db].cursor() as cursor:
            cursor.execute(c.sql, params)
            rows = cursor.fetchall()
        if c.compiler.has_extra_select:
            rows = [row[: c.compiler.col_count] for row in rows]
        out = []
        for row in c.compiler.results_iter([rows]):
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


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True
