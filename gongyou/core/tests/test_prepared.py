"""core.prepared.PreparedQuery: the same rows and objects as the queryset it was built from
(select_related, annotations, converters), new values on every call, one compilation."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, NotSupportedError, connection, transaction
from django.db.models import Exists, OuterRef
from django.test.utils import CaptureQueriesContext

from gongyou.core.models import AuditLog, Org, Region
from gongyou.core.prepared import PreparedQuery, insert


def test_it_answers_like_the_queryset_with_new_values_each_call(world):
    query = PreparedQuery(lambda code: Region.objects.filter(level=Region.Level.STREET, code=code).order_by("pk")[:1])
    street = Region.objects.filter(level=Region.Level.STREET).order_by("pk")[0]
    other = Region.objects.filter(level=Region.Level.STREET).order_by("-pk")[0]
    assert query.first(code=street.code) == street
    assert query.first(code=other.code) == other
    assert query.first(code="no-such-code") is None
    assert query.first(code=street.code).name == street.name  # type: ignore[union-attr]


def test_select_related_annotations_and_tuples(world):
    def build(kinds: tuple[str, ...], region_id: int):
        has_children = Org.objects.filter(parent_id=OuterRef("pk"))
        return (
            Org.objects.select_related("region", "parent")
            .filter(kind__in=kinds, region_id=region_id)
            .annotate(has_children=Exists(has_children))
            .order_by("pk")
        )

    query = PreparedQuery(build)
    org = Org.objects.exclude(region=None).exclude(parent=None).order_by("pk")[0]
    expected = list(build((org.kind, "no-such-kind"), org.region_id))
    got = query.all(kinds=(org.kind, "no-such-kind"), region_id=org.region_id)
    assert got == expected
    assert [o.has_children for o in got] == [o.has_children for o in expected]  # type: ignore[attr-defined]
    region, parent = org.region, org.parent
    with CaptureQueriesContext(connection) as ctx:
        assert got[0].region == region and got[0].parent == parent  # loaded with the row
    assert len(ctx.captured_queries) == 0
    # Another tuple length compiles its own statement.
    assert query.all(kinds=(org.kind,), region_id=org.region_id) == list(build((org.kind,), org.region_id))


def test_a_value_that_does_not_reach_the_sql_as_it_is_is_refused(world):
    query = PreparedQuery(lambda name: Org.objects.filter(name__contains=name))
    with pytest.raises(ValueError, match="do not reach the SQL"):
        query.all(name="街道")
    with pytest.raises(TypeError):
        PreparedQuery(lambda flag: Org.objects.filter(approval_required=flag)).all(flag=True)


def test_one_statement_per_call(world):
    query = PreparedQuery(lambda pk: Org.objects.filter(pk=pk))
    pks = list(Org.objects.values_list("pk", flat=True)[:3])
    with CaptureQueriesContext(connection) as ctx:
        for pk in pks:
            assert query.first(pk=pk).pk == pk  # type: ignore[union-attr]
    assert len(ctx.captured_queries) == len(pks)


def test_insert_stores_what_create_would_and_sets_the_keys(world):
    org = Org.objects.order_by("pk")[0]

    def row(n: int) -> AuditLog:
        return AuditLog(actor_label="t", action="test.insert", object_type="x", object_id=str(n), org=org,
                        after={"n": n, "名": "工友"}, before=None)

    one = row(1)
    with CaptureQueriesContext(connection) as ctx:
        insert(one)
        three = [row(2), row(3), row(4)]
        insert(*three)  # one statement for many rows
    assert len(ctx.captured_queries) == 2
    assert one.pk is not None and not one._state.adding
    assert [r.pk for r in three] == sorted(r.pk for r in three) and one.pk not in {r.pk for r in three}
    assert one.at is not None  # auto_now_add, set on the instance as save() would
    stored = AuditLog.objects.get(pk=one.pk)
    assert (stored.org_id, stored.after, stored.before, stored.at) == (org.pk, {"n": 1, "名": "工友"}, None, one.at)
    assert list(AuditLog.objects.filter(action="test.insert").order_by("pk").values_list("object_id", flat=True)) == [
        "1", "2", "3", "4"
    ]
    with pytest.raises(TypeError):
        insert(row(5), Org(name="x"))


# --- PostgreSQL: prepared on the server, once per connection ---------------------------------

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="server-side preparing is PostgreSQL's")


def _prepared_statements(fragment: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE statement LIKE %s", [f"%{fragment}%"])
        return [row[0] for row in cursor.fetchall()]


@on_postgresql
def test_postgresql_prepares_the_statement_once_and_binds_the_values_on_the_server(world):
    query = PreparedQuery(lambda code: Region.objects.filter(level=Region.Level.STREET, code=code).order_by("-pk")[:1])
    streets = list(Region.objects.filter(level=Region.Level.STREET).order_by("pk")[:3])
    for street in streets:
        assert query.first(code=street.code) == street
    prepared = _prepared_statements('ORDER BY "core_region"."id" DESC LIMIT 1')
    assert len(prepared) == 1, prepared
    assert "$1" in prepared[0] and streets[0].code not in prepared[0]


@on_postgresql
def test_without_preparing_nothing_is_left_on_the_server(world, settings):
    settings.GONGYOU_PG_PREPARE = False
    query = PreparedQuery(lambda pk: Org.objects.filter(pk=pk).order_by("-name")[:1])
    org = Org.objects.order_by("pk")[0]
    assert query.first(pk=org.pk) == org
    assert _prepared_statements('ORDER BY "core_org"."name" DESC LIMIT 1') == []


def test_the_logged_statement_carries_its_values(world):
    # What CaptureQueriesContext and DEBUG's query log show, as for Django's own statements.
    street = Region.objects.filter(level=Region.Level.STREET).order_by("pk")[0]
    query = PreparedQuery(lambda code: Region.objects.filter(code=code)[:1])
    with CaptureQueriesContext(connection) as ctx:
        assert query.first(code=street.code) == street
    assert len(ctx.captured_queries) == 1 and f"'{street.code}'" in ctx.captured_queries[0]["sql"]


def test_a_failed_statement_leaves_the_next_one_working(world):
    # On PostgreSQL the cursor is kept for the connection's next statements: one that failed (a
    # unique code taken), its savepoint rolled back, must not spoil them.
    street = Region.objects.filter(level=Region.Level.STREET).order_by("pk")[0]
    query = PreparedQuery(lambda code: Region.objects.filter(code=code)[:1])
    for _attempt in range(2):
        with pytest.raises(IntegrityError), transaction.atomic():
            insert(Region(code=street.code, name="重复", level=Region.Level.STREET, parent_id=street.parent_id))
        assert query.first(code=street.code) == street
    assert insert(Region(code="999999999", name="新", level=Region.Level.STREET, parent_id=street.parent_id)) == 1
    assert query.first(code="999999999").name == "新"  # type: ignore[union-attr]


@pytest.mark.django_db(transaction=True)
def test_a_new_connection_gets_a_new_cursor(regions):
    query = PreparedQuery(lambda code: Region.objects.filter(code=code)[:1])
    street = Region.objects.filter(level=Region.Level.STREET).order_by("pk")[0]
    assert query.first(code=street.code) == street
    connection.close()
    assert query.first(code=street.code) == street
    if connection.vendor == "postgresql":
        assert len(_prepared_statements('FROM "core_region" WHERE "core_region"."code" = $1')) == 1


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_column_type_changed_under_a_prepared_statement(regions):
    # A migration run by another process while this one serves: outside a transaction the
    # statement is prepared again at once; inside one it fails, and works after the rollback.
    import psycopg

    from gongyou.core.prepared import _cursor

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE prepared_scratch (id int, name varchar(10))")
        cursor.execute("INSERT INTO prepared_scratch VALUES (1, 'a')")
    other = psycopg.connect(dbname=connection.settings_dict["NAME"], host=connection.settings_dict["HOST"] or None,
                            port=connection.settings_dict["PORT"] or None, user=connection.settings_dict["USER"] or None,
                            autocommit=True)
    sql = "SELECT id, name FROM prepared_scratch WHERE id = %s"
    try:
        def read() -> list:
            with _cursor(connection) as cursor:
                cursor.execute(sql, [1])
                return cursor.fetchall()

        assert read() == [(1, "a")]
        other.execute("ALTER TABLE prepared_scratch ALTER COLUMN name TYPE varchar(20)")
        assert read() == [(1, "a")]
        other.execute("ALTER TABLE prepared_scratch ALTER COLUMN name TYPE text")
        with pytest.raises(NotSupportedError), transaction.atomic():
            read()
        assert read() == [(1, "a")]
    finally:
        other.close()
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE prepared_scratch")
