#!/usr/bin/python3
"""rowclone from the Django ORM (psycopg2), on tables made by `manage.py migrate`.

Run in this directory against a database where CREATE EXTENSION rowclone has
been run (the libpq environment names it, see rcsite/settings.py). Prints one
line per check ("ok - ..." or "not ok - ...") and exits non-zero if any
check failed.
"""
import datetime
import json
import os
import sys
import traceback
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rcsite.settings")

import django  # noqa: E402

django.setup()

from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, models  # noqa: E402
from django.db.utils import DatabaseError  # noqa: E402
from django.utils import timezone  # noqa: E402

from shop.models import (Category, Comment, Document, ItalianRestaurant, Menu,  # noqa: E402
                         Notification, Owner, Person, Place, Restaurant, Tag)


# --- the helper a Django user writes -------------------------------------------------------

def _ident(name):
    return '"' + name.replace('"', '""') + '"'


def _json_value(value):
    # not DjangoJSONEncoder: it cuts datetimes to milliseconds
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    return str(value)  # UUID, Decimal


def clone(obj, cascade=False, **overrides):
    """Copy obj (and with cascade=True what hangs off it) in the database; return the copy.

    Keyword arguments are field names (`owner=some_owner` or `owner_id=3`, `slug="x"`),
    also fields inherited from a multi-table-inheritance parent (`name` on a Restaurant),
    mapped to the columns rowclone expects; a name with a dot is a column of another
    table the cascade copies, passed as it is: `**{"shop_place.slug": "x"}`.
    """
    model = type(obj)
    opts = model._meta
    cols = {}
    for name, value in overrides.items():
        if "." in name:
            cols[name] = value.pk if isinstance(value, models.Model) else value
            continue
        field = opts.get_field(name)
        if field.column is None:  # ManyToManyField, reverse relations
            raise TypeError(f"{name} is not a column of {model.__name__}")
        if isinstance(value, models.Model):
            value = value.pk
        column = _ident(field.column)
        if field.model._meta.db_table != opts.db_table:  # a field of an is-a parent
            column = _ident(field.model._meta.db_table) + "." + column
        cols[column] = value
    # Django (psycopg2) sends an int as integer: cast it to the key column's type
    # (bigint for BigAutoField), so keys beyond 2^31 come back
    key_type = opts.pk.rel_db_type(connection)
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT clone_row(%s::regclass, %s::{key_type}, overrides => %s::jsonb, "
            f"cascade => %s)",
            [opts.db_table, obj.pk,
             json.dumps(cols, default=_json_value) if cols else None, cascade])
        new_pk = cur.fetchone()[0]
    return model.objects.get(pk=new_pk)

# -------------------------------------------------------------------------------------------


failures = 0
checks = 0


def check(cond, what, detail=None):
    global failures, checks
    checks += 1
    if cond:
        print(f"ok - {what}")
    else:
        failures += 1
        print(f"not ok - {what}" + (f": {detail!r}" if detail is not None else ""))


def case(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001
        check(False, f"{fn.__name__} raised {type(e).__name__}: {e}")
        traceback.print_exc(file=sys.stdout)
    return fn


def sqlstate(exc):
    return getattr(exc.__cause__, "pgcode", None)


def raises(sqlstate_wanted, what, fn):
    """fn() must raise a database error with that SQLSTATE."""
    try:
        fn()
    except DatabaseError as e:
        check(sqlstate(e) == sqlstate_wanted, what, (sqlstate(e), str(e).splitlines()[0]))
        return e
    check(False, what, "no error")
    return None


def counts():
    return {m.__name__: m.objects.count() for m in
            (Owner, Tag, Place, Restaurant, ItalianRestaurant, Menu, Category, Document,
             Comment, Person, Notification)} | {"place_tags": Place.tags.through.objects.count()}


def sql(query, params=()):
    with connection.cursor() as cur:
        cur.execute(query, params)
        return cur.fetchall()


@case
def migrate():
    call_command("migrate", verbosity=0, interactive=False)
    tables = set(connection.introspection.table_names())
    want = {"shop_place", "shop_restaurant", "shop_italianrestaurant", "shop_place_tags",
            "shop_menu", "shop_category", "shop_document", "shop_comment", "shop_notification",
            "django_content_type"}
    check(want <= tables, "manage.py migrate made the tables", sorted(want - tables))
    try:
        call_command("makemigrations", "shop", check=True, dry_run=True, verbosity=0)
        check(True, "the committed migration matches the models")
    except SystemExit:
        check(False, "the committed migration matches the models", "makemigrations --check")


luigi = Owner.objects.create(name="Luigi")
mario = Owner.objects.create(name="Mario")
red = Tag.objects.create(name="red")
cosy = Tag.objects.create(name="cosy")
ir = ItalianRestaurant.objects.create(name="Da Luigi", slug="da-luigi", address="Via Roma 1",
                                      owner=luigi, serves_pizza=True, has_gelato=True)
ir.tags.set([red, cosy])
Menu.objects.create(restaurant=ir, title="Pranzo")
plain = Restaurant.objects.create(name="Chez Mario", slug="chez-mario", owner=mario)
Comment.objects.create(content_object=ir, body="great gelato")


@case
def three_level_inheritance():
    before = counts()
    copy = clone(ir, slug="da-luigi-2", name="Da Luigi II")
    check(isinstance(copy, ItalianRestaurant) and copy.pk != ir.pk,
          "ItalianRestaurant copy: fresh key", copy.pk)
    check(copy.restaurant_ptr_id == copy.pk and copy.place_ptr_id == copy.pk,
          "ItalianRestaurant copy: one key through place -> restaurant -> italian",
          (copy.place_ptr_id, copy.restaurant_ptr_id))
    check((copy.name, copy.slug, copy.address, copy.serves_pizza, copy.has_gelato) ==
          ("Da Luigi II", "da-luigi-2", "Via Roma 1", True, True),
          "ItalianRestaurant copy: fields of all three tables, overrides on the parent",
          (copy.name, copy.slug, copy.address, copy.serves_pizza, copy.has_gelato))
    check(Restaurant.objects.get(pk=copy.pk).serves_pizza and
          Place.objects.get(pk=copy.pk).name == "Da Luigi II",
          "ItalianRestaurant copy: reachable as Restaurant and Place")
    check(copy.owner == luigi, "ForeignKey: the copy points at the original owner", copy.owner)
    check(copy.created == ir.created,
          "auto_now_add: the copy keeps the source's time (a Python default, not in the table)")
    check(list(copy.tags.all()) == [] and not Menu.objects.filter(restaurant=copy).exists(),
          "without cascade: no tags, no menu")
    after = counts()
    check({k: after[k] - before[k] for k in after} ==
          {**{k: 0 for k in after}, "Place": 1, "Restaurant": 1, "ItalianRestaurant": 1},
          "without cascade: one row in each of the three tables", after)

    before = counts()
    # a unique slug is copied as it is, so it must be overridden (today; copy rules are 0.2)
    e = raises("23505", "unique slug copied as it is: 23505", lambda: clone(ir))
    check(e is not None and "shop_place_slug" in str(e), "23505 names the slug's index",
          str(e).splitlines()[0] if e else None)
    check(counts() == before, "the failed clone left nothing")

    # the idiom for now() on auto_now_add: override it
    now = timezone.now()
    copy = clone(plain, slug="chez-mario-2", created=now, owner=luigi)
    check(copy.created == now and copy.owner == luigi and type(copy) is Restaurant,
          "overrides with a datetime and a model instance", (copy.created, copy.owner))


@case
def cascade_restaurant():
    before = counts()
    copy = clone(ir, cascade=True, slug="da-luigi-3")
    check(copy.slug == "da-luigi-3" and copy.has_gelato, "cascade: the restaurant copy")
    check(sorted(t.name for t in copy.tags.all()) == ["cosy", "red"] and
          set(copy.tags.all()) == {red, cosy},
          "ManyToManyField: the copy has the same (original) tags",
          [t.pk for t in copy.tags.all()])
    check(Tag.objects.count() == before["Tag"], "cascade: tags themselves not copied")
    check(copy.menu.title == "Pranzo" and copy.menu.pk != ir.menu.pk,
          "reverse OneToOneField: copy.menu is a copy of the menu", (copy.menu.pk, ir.menu.pk))
    check(Menu.objects.get(pk=copy.menu.pk).restaurant.pk == copy.pk,
          "the copied menu points at the copied restaurant")
    check(ir.menu.restaurant_id == ir.pk, "the original menu is untouched")
    check(list(copy.comments.all()) == [] and ir.comments.count() == 1,
          "GenericForeignKey: comments are not copied by cascade without a link (no foreign key)")
    after = counts()
    check({k: after[k] - before[k] for k in after} ==
          {**{k: 0 for k in after}, "Place": 1, "Restaurant": 1, "ItalianRestaurant": 1,
           "Menu": 1, "place_tags": 2}, "cascade: exactly the rows that hang off it")


@case
def forward_one_to_one():
    menu = ir.menu
    before = counts()
    raises("23505", "forward OneToOneField copied as it is: 23505 (restaurant_id is unique)",
           lambda: clone(menu))
    check(counts() == before, "the failed clone left nothing")
    copy = clone(menu, restaurant=plain, title="Cena")
    check(copy.pk != menu.pk and copy.restaurant == plain and plain.menu == copy,
          "forward OneToOneField overridden with another restaurant",
          (copy.restaurant_id, plain.pk))
    plain.refresh_from_db()
    check(Restaurant.objects.get(pk=plain.pk).menu.title == "Cena",
          "the other restaurant now has the menu copy")


@case
def generic_foreign_key():
    c = ir.comments.get()
    copy_place = Restaurant.objects.get(slug="chez-mario")
    copy = clone(c, object_id=copy_place.pk,
                 content_type=ContentType.objects.get_for_model(Restaurant))
    check(copy.pk != c.pk and copy.content_object == copy_place and copy.body == c.body,
          "GenericForeignKey: a comment copied onto another object", copy.content_object)
    check(list(copy_place.comments.all()) == [copy], "GenericRelation lists the copy")


@case
def generic_foreign_key_link():
    # clone_add_link: the GenericForeignKey's (content_type_id, object_id),
    # one link per model that has comments
    c = ir.comments.get()
    ct = c.content_type
    # a comment on a tag whose id is the restaurant's: not the restaurant's
    other = Comment.objects.create(content_type=ContentType.objects.get_for_model(Tag),
                                   object_id=ir.pk, body="on a tag")
    sql("SELECT clone_add_link('shop_comment', '{object_id}', %s, "
        "when_column => 'content_type_id', when_value => %s)",
        [ct.model_class()._meta.db_table, str(ct.pk)])
    try:
        plan = sql("SELECT reached_by FROM clone_plan(%s) WHERE relation = 'shop_comment'::regclass",
                   [type(ir)._meta.db_table])
        check(len(plan) == 1 and plan[0][0].startswith("link (object_id) where content_type_id = "),
              "clone_add_link: clone_plan reaches the comments through the link", plan)
        before = Comment.objects.count()
        copy = clone(ir, cascade=True, slug="da-luigi-link")
        comments = list(copy.comments.all())
        check(len(comments) == 1 and comments[0].body == c.body and comments[0].pk != c.pk,
              "clone_add_link: the cascade copies the comment onto the copy",
              [(x.pk, x.body) for x in comments])
        check(Comment.objects.count() == before + 1 and list(ir.comments.all()) == [c],
              "only the restaurant's comment is copied; the original keeps its own",
              Comment.objects.count() - before)
        other.refresh_from_db()
        check(other.object_id == ir.pk and other.content_type.model_class() is Tag,
              "the tag's comment with the same object_id is left alone")
    finally:
        sql("SELECT clone_drop_link('shop_comment', '{object_id}')")
        other.delete()


@case
def bigint_keys():
    # Django sends a Python int as integer; BigAutoField keys past 2^31 need ::bigint
    sql("SELECT setval(pg_get_serial_sequence('shop_owner', 'id'), 3000000000)")
    before = Owner.objects.count()
    raises("22003", "clone_row('shop_owner', %s) with an int key beyond int4: 22003",
           lambda: sql("SELECT clone_row('shop_owner', %s)", [mario.pk]))
    check(Owner.objects.count() == before, "the failed call left nothing")
    new = sql("SELECT clone_row('shop_owner', %s::bigint)", [mario.pk])[0][0]
    # (the failed call used up one value of the sequence, as any rolled-back insert does)
    check(new > 3000000000 and Owner.objects.get(pk=new).name == "Mario",
          "%s::bigint: a key beyond int4 comes back", new)
    copy = clone(mario, name="Mario 2")
    check(copy.pk == new + 1 and copy.name == "Mario 2", "the helper casts to bigint",
          copy.pk)


@case
def cascade_follows_every_fk():
    # Django puts on_delete in Python only: the tables have no ON DELETE clause, so a
    # cascade follows every foreign key. Copying an owner copies their places.
    chez = Restaurant.objects.get(slug="chez-mario")
    copy = clone(mario, cascade=True, **{"shop_place.slug": "chez-mario-3"})
    places = list(copy.places.all())
    check(len(places) == 1 and places[0].slug == "chez-mario-3" and places[0].name == chez.name,
          "cascade from an owner copies their place (on_delete is not in the database)",
          [(p.pk, p.slug) for p in places])
    check(Restaurant.objects.get(pk=places[0].pk).menu.title == "Cena",
          "...and the restaurant row and its menu below it")
    # two places of one owner: a qualified override gives both copies the same slug
    Place.objects.create(name="Bar", slug="bar-luigi", owner=luigi)
    before = counts()
    raises("23505", "cascade over two places with one slug override: 23505",
           lambda: sql("SELECT clone_row('shop_owner', %s::bigint, cascade => true, "
                       "overrides => %s::jsonb)", [luigi.pk, '{"shop_place.slug": "same"}']))
    check(counts() == before, "the failed cascade left nothing")


@case
def tree_uuid_and_graph():
    root = Category.objects.create(name="root")
    a = Category.objects.create(name="a", parent=root)
    Category.objects.create(name="b", parent=root)
    a1 = Category.objects.create(name="a1", parent=a)
    doc = Document.objects.create(title="manual", category=a1)

    # a uuid primary key whose default is Python's uuid4: the table has no default,
    # and the copy takes gen_random_uuid() (SPEC rule 4)
    copy = clone(doc)
    check(isinstance(copy.pk, uuid.UUID) and copy.pk != doc.pk and copy.category == a1
          and copy.title == "manual", "uuid key with only a Python default: a fresh uuid",
          copy.pk)
    new_id = uuid.uuid4()
    copy = clone(doc, id=new_id, title="manual (copy)")
    check(copy.pk == new_id and copy.category == a1 and copy.title == "manual (copy)",
          "uuid key passed in overrides: the copy has it", copy.pk)

    # on_delete=SET_NULL is Django's only: the cascade follows category_id into
    # shop_document (a copy rule, clone_set_reference, says otherwise)
    plan = {r[0]: r for r in sql(
        "SELECT relation::text, depth, problem, fresh_columns FROM clone_plan('shop_category')")}
    check(set(plan) == {"shop_category", "shop_document"} and plan["shop_document"][2] is None
          and plan["shop_document"][3] == ["id"],
          "clone_plan: shop_document reached, its uuid key fresh", plan)
    before = counts()
    tree = clone(root, cascade=True)
    new_docs = Document.objects.filter(category__parent__parent=tree)
    check(counts() == before | {"Category": before["Category"] + 4,
                                "Document": before["Document"] + 3}
          and new_docs.count() == 3 and not set(d.pk for d in new_docs) & set(
              d.pk for d in a1.documents.all()),
          "tree cascade: four categories and the three documents, fresh uuids", counts())
    # the rule a migration would declare: on_delete=SET_NULL makes it a reference
    sql("SELECT clone_set_reference('shop_document', '{category_id}')")
    plan = {r[0]: r for r in sql(
        "SELECT relation::text, not_followed FROM clone_plan('shop_category')")}
    check(set(plan) == {"shop_category"} and any(
        "shop_document_category_id" in n and "declared a reference" in n
        for n in plan["shop_category"][1]),
          "clone_set_reference: clone_plan no longer reaches the documents", plan)
    before = counts()
    clone(root, cascade=True)
    check(counts() == before | {"Category": before["Category"] + 4},
          "clone_set_reference: the tree cascade copies the categories only", counts())
    # back to what the database says (no ON DELETE: followed)
    sql("SELECT clone_set_reference('shop_document', '{category_id}', false)")

    # Django's psycopg2 connection returns jsonb as str: json.loads it
    rows = sql("SELECT relation::text, old_key::text, new_key::text, depth FROM clone_graph("
               "'shop_category', %s::bigint, skip => '{shop_document}', "
               "overrides => '{\"name\": \"root copy\"}')", [root.pk])
    check([r[0] for r in rows] == ["shop_category"] * 4 and [r[3] for r in rows] == [0, 1, 1, 2],
          "clone_graph: the subtree of four categories, root first", rows)
    check(json.loads(rows[0][1]) == {"id": root.pk}, "clone_graph: old_key of the root")
    old_new = {json.loads(o)["id"]: json.loads(n)["id"] for _, o, n, _ in rows}
    check(set(old_new) == {c.pk for c in Category.objects.filter(pk__lte=a1.pk, pk__gte=root.pk)}
          and not set(old_new.values()) & set(old_new), "clone_graph: fresh keys", old_new)
    new_root = Category.objects.get(pk=old_new[root.pk])
    check(new_root.parent is None, "the root copy has no parent")
    ok = all(Category.objects.get(pk=old_new[c.pk]).parent_id == old_new[c.parent_id]
             for c in Category.objects.filter(pk__in=list(old_new)) if c.parent_id)
    check(ok, "every copied child points at its copied parent")
    new_a = Category.objects.get(pk=old_new[a.pk])
    check([c.pk for c in new_a.children.all()] == [old_new[a1.pk]],
          "the copied child's children through the ORM")
    # an unqualified override sets the source row's copy only; the subtree keeps its names
    names = sorted(Category.objects.get(pk=n).name for n in old_new.values())
    check(names == ["a", "a1", "b", "root copy"], "the override renames the root's copy only",
          names)
    check(not Document.objects.filter(category_id__in=list(old_new.values())).exists()
          and a1.documents.count() == 3, "skipped documents stay with the original category")


@case
def clone_rows_tags():
    keys = [red.pk, cosy.pk]
    rows = sql("SELECT old_key, new_key FROM clone_rows('shop_tag', %s::bigint[], copies => 2)",
               [keys])
    check(sorted(r[0] for r in rows) == sorted(keys * 2) and len({r[1] for r in rows}) == 4,
          "clone_rows(list, copies => 2): two copies of each", rows)
    got = Tag.objects.in_bulk([r[1] for r in rows])
    check(all(got[n].name == Tag.objects.get(pk=o).name for o, n in rows),
          "clone_rows: the copies through the ORM")


@case
def notification_fan_out():
    receivers = [Person.objects.create(name=f"p{i}") for i in range(5)]
    sender = Person.objects.create(name="sender")
    n = Notification.objects.create(receiver=sender, message="release 2.0 is out")
    # one notification copied once per receiver (per-copy overrides are 0.2)
    rows = sql("SELECT clone_row('shop_notification', %s::bigint, "
               "overrides => jsonb_build_object('receiver_id', r)) "
               "FROM unnest(%s::bigint[]) r", [n.pk, [p.pk for p in receivers]])
    new = [r[0] for r in rows]
    check(len(set(new)) == 5 and n.pk not in new, "fan-out: five fresh keys", new)
    copies = Notification.objects.filter(message="release 2.0 is out").exclude(pk=n.pk)
    check(sorted(c.receiver_id for c in copies) == sorted(p.pk for p in receivers),
          "fan-out: one copy per receiver")
    check(all(p.notifications.get().message == n.message for p in receivers),
          "fan-out: each receiver's notifications through the ORM")
    check(all(c.created == n.created for c in copies),
          "fan-out: auto_now_add copied as it is")


connection.close()
print(f"# {checks} checks, {failures} failed")
sys.exit(1 if failures else 0)
