#!/usr/bin/env python3
"""test/stress/gen.py: randomized schemas and clone calls, checked by an
independent model of the SPEC (part 2 of `make stress`).

Each round builds a random schema (tables with identity, serial, uuid,
text-default, composite and is-a keys, tables without a key, partitioned
tables; foreign keys between them: trees, cycles through nullable keys,
composite keys, keys to unique non-key columns, every ON DELETE action;
columns of many types with hostile names) and random data, then makes random
calls to clone_row, clone_rows, clone_graph and clone_plan. Every call runs
in a savepoint inside a transaction of 1-4 calls (committed now and then, so
later calls copy copies), and is checked against this file's own model:

  * the copied set is computed here from the data (foreign keys followed
    unless ON DELETE SET NULL / SET DEFAULT, skip, max_depth, is-a parents
    whatever skip and max_depth say, copies => n independent copies);
  * every table gains exactly n x (its rows in the set) rows, and no original
    row changes;
  * each copy equals its source column by column, except: overrides, resets,
    identity and defaulted key columns (fresh), foreign keys into the set
    (must point at a copy of the referenced row, of the same independent
    copy), generated columns (recomputed by the server);
  * clone_row's result, clone_rows' (old_key, new_key) pairs and
    clone_graph's (relation, old_key, new_key, depth) rows describe the
    copies made; clone_plan lists the tables and depths of the static plan;
  * errors: the SQLSTATE the SPEC names for the situation (55000 for a key
    that cannot be made fresh, P0002, 42703, 42P01, 428C9, 22023, 22004,
    23505 where the model predicts a collision, ...); any other error or an
    unexpected success is a finding. After an error the savepoint's rollback
    must leave the data as it was.

Source rows and copies are paired through a hidden column "r id" that every
table has (copied as is; renumbered after each call so it stays unique among
originals).

Usage: gen.py --calls N [--seed S] [--dbname D]   (libpq environment)
       gen.py --setup-only --schemas K            (schemas for sqlsmith)
Prints one summary line starting with "STRESS-GEN-SUMMARY " (JSON) at the end.
Exit status: 0 when no mismatch, no unexpected error and no crash.
"""

import argparse
import collections
import json
import os
import random
import subprocess
import sys
import time
import traceback
import uuid

import psycopg2
import psycopg2.extensions

RID = 'r id'
EXT = 'public'          # schema of the extension functions
PLAIN = False           # plain lower-case names only (sqlsmith does not quote identifiers)


def N(name):
    """A name as made: as is, or plain for sqlsmith."""
    if not PLAIN:
        return name
    import re
    return re.sub(r'[^a-z0-9_]', '_', name.lower())


def qi(name):
    return '"' + name.replace('"', '""') + '"'


def lit(s):
    return "'" + s.replace("'", "''") + "'"


def needs_quotes(name):
    import re
    reserved = {'select', 'order', 'user', 'table', 'from', 'where', 'group', 'default',
                'check', 'primary', 'references', 'all', 'and', 'or', 'not', 'null',
                'limit', 'column', 'constraint', 'create', 'end', 'to', 'as', 'on'}
    return not re.fullmatch(r'[a-z_][a-z0-9_]*', name) or name in reserved


def sql_ref(name, rng=None, allow_fold=True):
    """A column/table name as an SQL reference (what overrides keys and reset
    elements are): quoted when needed, else plain, sometimes upper-cased
    (folds back) or quoted anyway."""
    if needs_quotes(name):
        return qi(name)
    if rng is not None:
        r = rng.random()
        if r < 0.15:
            return qi(name)
        if r < 0.3 and allow_fold:
            return name.upper()
    return name


# ---------------------------------------------------------------------------
# schema model

# calls made through PL/pgSQL dynamic SQL (SPI inside SPI)
EXEC_FUNCTION = """CREATE OR REPLACE FUNCTION public.rc_stress_exec(q text) RETURNS SETOF record
    LANGUAGE plpgsql AS $$ BEGIN RETURN QUERY EXECUTE q; END $$"""

class Col:
    def __init__(self, name, typ, kind='payload', default_sql=None, nullable=True,
                 identity=None, generated=None):
        self.name = name
        self.typ = typ              # SQL type
        self.kind = kind            # payload, rid, pk, fk, ukey, gen
        self.default_sql = default_sql
        self.default_text = None    # text of a constant default (computed by the server)
        self.default_volatile = False   # nextval / gen_random_uuid: a fresh value
        self.nullable = nullable
        self.identity = identity    # None, 'ALWAYS', 'BY DEFAULT'
        self.generated = generated  # SQL expression or None
        self.protected = False      # a generated column depends on it
        self.choices = None         # values the data takes (a link's discriminator)
        self.starred = False        # clone_set_value: coalesce(col, '') || '*'

    @property
    def fresh_default(self):
        return self.identity is not None or self.default_volatile


def fresh_key_value(t, c):
    """Does key column c of t get a fresh value by itself (SPEC rules 3, 4):
    an identity, a volatile default, or (0.2) a uuid key without a default
    that is no foreign key column, which takes gen_random_uuid()."""
    return c.fresh_default or (c.name in t.pk and c.typ == 'uuid' and c.default_sql is None
                               and c.identity is None and not c.generated
                               and not any(c.name in f.cols for f in t.fks))


class FK:
    def __init__(self, name, child, cols, parent, pcols, on_delete, isa=False, unique=False):
        self.name = name
        self.child = child
        self.cols = cols
        self.parent = parent
        self.pcols = pcols
        self.on_delete = on_delete
        self.declared = None        # copy rule: 'reference' or 'ownership'
        self.when = None            # a link's discriminator: (column, value)
        self.isa = isa
        self.unique = unique

    def applies(self, snap, i):
        """Does row i of the child (in snap) have this reference?  A link
        with a discriminator only where its column has the value."""
        return self.when is None or snap.val(i, self.when[0]) == self.when[1]

    @property
    def followed(self):
        # a link (on_delete 'LINK') is followed, as NO ACTION is
        if self.declared is not None:
            return self.declared == 'ownership'
        return self.on_delete not in ('SET NULL', 'SET DEFAULT')


class Table:
    def __init__(self, schema, name, idx):
        self.schema = schema
        self.name = name
        self.idx = idx
        self.cols = []
        self.pk = []
        self.pk_kind = None
        self.partitioned = False
        self.partitions = []
        self.uniques = []           # tuples of column names (pk included)
        self.filter = False         # clone_set_filter: "r id" % 3 <> 0
        self.fks = []               # outgoing
        self.incoming = []
        self.oid = None
        self.part_oids = []

    def qname(self):
        return qi(self.schema) + '.' + qi(self.name)

    def col(self, name):
        for c in self.cols:
            if c.name == name:
                return c
        return None

    def colnames(self):
        return [c.name for c in self.cols]

    def isa_fk(self):
        for f in self.fks:
            if f.isa:
                return f
        return None


TABLE_NAMES = ['project', 'Task', 'task item', 'we"ird', 'order', 'user', 'select', 'node',
               'line.item', 'Émile', 'place', 'restaurant', 'x', 'audit log', 'tag',
               'O\'Brien', 'emp', 'dept', 'a b.c', 'UPPER']
COL_NAMES = ['name', 'Title', 'the value', 'quo"te', 'order', 'x.y', 'data', 'tags', 'amount',
             'flag', 'note', 'When', 'it\'s', 'payload', 'n', 'status', 'select', 'Día']
SCHEMA_NAMES = ['rcs', 'Stress Schema', 'st"q', 'stress.dot']
PLAIN_TABLE_NAMES = ['project', 'task', 'task_item', 'node', 'line_item', 'place', 'restaurant',
                     'tag', 'emp', 'dept', 'audit_log', 'item', 'widget', 'account']
PLAIN_COL_NAMES = ['name', 'title', 'the_value', 'quote', 'data', 'tags', 'amount', 'flag',
                   'note', 'payload', 'n', 'status', 'descr', 'qty']

TEXTS = ["it's", 'say "hi"', ' lead space', 'ünïcødé ✓', '', 'back\\slash', 'semi;colon',
         "O'Brien \"q\"", 'x' * 40, 'plain', 'NULL', '{1,2}', 'line\nbreak']
JSONS = [{"a": 1, "b": [1, 2]}, [1, "two", None], "str", 3.5, {"nested": {"q": "it's"}},
         {}, [], True, {"k\"ey": "v'al"}]
PAYLOAD_TYPES = ['text', 'int4[]', 'jsonb', 'numeric(12,3)', 'boolean', 'date', 'int8',
                 'varchar(60)', 'text[]']


def rand_value(rng, typ, for_json=False):
    """A random value: (SQL literal, JSON value). None both for NULL."""
    if rng.random() < 0.1:
        return None, None
    if typ in ('text', 'varchar(60)'):
        v = rng.choice(TEXTS)
        return lit(v) + '::' + typ, v
    if typ == 'int4[]':
        v = rng.choice([[1, 2, 3], [], [None, 5], [-1], [2147483647]])
        return lit('{' + ','.join('NULL' if x is None else str(x) for x in v) + '}') + '::int4[]', v
    if typ == 'text[]':
        v = rng.choice([['a', 'b c'], [], ["q'uote", 'd"q'], [None]])
        inner = ','.join('NULL' if x is None else '"' + x.replace('\\', '\\\\').replace('"', '\\"') + '"'
                         for x in v)
        return lit('{' + inner + '}') + '::text[]', v
    if typ == 'jsonb':
        v = rng.choice(JSONS)
        return lit(json.dumps(v)) + '::jsonb', v
    if typ == 'numeric(12,3)':
        v = rng.choice(['1.5', '-0.001', '12345.678', '0', '42'])
        return v + '::numeric(12,3)', float(v) if rng.random() < 0.5 else v
    if typ == 'boolean':
        v = rng.random() < 0.5
        return 'true' if v else 'false', v
    if typ == 'date':
        v = rng.choice(['2024-02-29', '1999-12-31', '2000-01-01'])
        return lit(v) + '::date', v
    if typ == 'int8':
        v = rng.choice([0, 1, -7, 9007199254740993, 123456])
        return str(v) + '::int8', v
    raise ValueError(typ)


class Model:
    def __init__(self, schema):
        self.schema = schema
        self.tables = []
        self.by_name = {}
        self.by_oid = {}
        self.rid_next = 1

    def fk_all(self):
        for t in self.tables:
            for f in t.fks:
                yield f


# ---------------------------------------------------------------------------
# building a random schema

class Builder:
    def __init__(self, gen, rng, schema):
        self.gen = gen
        self.rng = rng
        self.m = Model(schema)
        self.scale = 6 if PLAIN else 1     # more rows for sqlsmith's FROM clauses

    def exec(self, sql):
        self.gen.exec(sql)

    def build(self, ntables):
        rng = self.rng
        m = self.m
        self.exec('DROP SCHEMA IF EXISTS %s CASCADE' % qi(m.schema))
        self.exec('CREATE SCHEMA %s' % qi(m.schema))
        self.exec('CREATE SEQUENCE %s.%s' % (qi(m.schema), qi(N('key seq'))))
        names = rng.sample(PLAIN_TABLE_NAMES if PLAIN else TABLE_NAMES, ntables)
        for i, name in enumerate(names):
            t = Table(m.schema, name, i)
            self.make_table(t)
            m.tables.append(t)
            m.by_name[name] = t
        for t in m.tables:
            self.extra_fks(t)
        # oids
        for t in m.tables:
            t.oid = self.gen.one("SELECT %s::regclass::oid" % lit(t.qname()))[0]
            m.by_oid[t.oid] = t
            for p in t.partitions:
                o = self.gen.one("SELECT %s::regclass::oid" % lit(qi(m.schema) + '.' + qi(p)))[0]
                t.part_oids.append(o)
                m.by_oid[o] = t
        # constant defaults as text
        for t in m.tables:
            for c in t.cols:
                if c.default_sql is not None and not c.default_volatile:
                    c.default_text = self.gen.one('SELECT (%s)::%s::text' % (c.default_sql, c.typ))[0]
        self.fill()
        return m

    def pk_candidates(self, t, single=False):
        out = []
        for p in self.m.tables:
            if p is t or not p.pk:
                continue
            if single and len(p.pk) != 1:
                continue
            out.append(p)
        return out

    def make_table(self, t):
        rng = self.rng
        kinds = ['ident_a', 'ident_d', 'serial', 'bigserial', 'uuid', 'textdef', 'comp_def']
        weights = [2, 2, 2, 1, 2, 1, 1]
        if self.pk_candidates(t, single=True):
            kinds += ['comp_part', 'isa', 'nopk']
            weights += [2, 3, 1]
        kind = rng.choices(kinds, weights)[0]
        t.pk_kind = kind
        cols = []
        fks = []
        s = qi(t.schema)
        if kind == 'ident_a':
            cols.append(Col('id', 'int8', 'pk', nullable=False, identity='ALWAYS'))
        elif kind == 'ident_d':
            cols.append(Col('id', 'int8', 'pk', nullable=False, identity='BY DEFAULT'))
        elif kind in ('serial', 'bigserial'):
            c = Col('id', 'int4' if kind == 'serial' else 'int8', 'pk', nullable=False)
            c.serial = kind
            c.default_volatile = True
            cols.append(c)
        elif kind == 'uuid':
            c = Col(N('Id'), 'uuid', 'pk', nullable=False, default_sql='gen_random_uuid()')
            c.default_volatile = True
            cols.append(c)
        elif kind == 'textdef':
            c = Col('key', 'text', 'pk', nullable=False,
                    default_sql="('k' || nextval(%s::regclass))" % lit(s + '.' + qi(N('key seq'))))
            c.default_volatile = True
            cols.append(c)
        elif kind == 'comp_def':
            c = Col('a', 'int8', 'pk', nullable=False,
                    default_sql="nextval(%s::regclass)" % lit(s + '.' + qi(N('key seq'))))
            c.default_volatile = True
            cols.append(c)
            cols.append(Col('b', 'int4', 'pk', nullable=False))
        elif kind in ('comp_part', 'isa', 'nopk'):
            parent = rng.choice(self.pk_candidates(t, single=True))
            pcol = parent.col(parent.pk[0])
            if kind == 'comp_part':
                cols.append(Col(N('p id'), pcol.typ, 'pk', nullable=False))
                cols.append(Col(N('line no'), 'int4', 'pk', nullable=False))
                act = rng.choice(['CASCADE', 'CASCADE', 'NO ACTION', 'RESTRICT', 'SET NULL'])
                fks.append(([N('p id')], parent, [pcol.name], act, False, False))
            elif kind == 'isa':
                cols.append(Col(N(parent.name + '_ptr'), pcol.typ, 'pk', nullable=False))
                act = rng.choice(['CASCADE', 'CASCADE', 'CASCADE', 'NO ACTION'])
                fks.append(([N(parent.name + '_ptr')], parent, [pcol.name], act, True, False))
            else:
                # no primary key: a join table with one or two references
                cands = self.pk_candidates(t, single=True)
                for j, p in enumerate(rng.sample(cands, min(len(cands), rng.randint(1, 2)))):
                    pc = p.col(p.pk[0])
                    cn = N('ref %d %s' % (j, p.name))
                    cols.append(Col(cn, pc.typ, 'fk', nullable=False))
                    act = rng.choice(['CASCADE', 'CASCADE', 'NO ACTION', 'SET NULL'])
                    fks.append(([cn], p, [pc.name], act, False, False))
        t.pk = [c.name for c in cols if c.kind == 'pk']
        # partitioned (by hash of the first key column)
        if t.pk and rng.random() < 0.2:
            t.partitioned = True
        # payload
        names = rng.sample(PLAIN_COL_NAMES if PLAIN else COL_NAMES, rng.randint(1, 4))
        numcol = None
        for n in names:
            typ = rng.choice(PAYLOAD_TYPES)
            c = Col(n, typ)
            if rng.random() < 0.3:
                lit_sql, _ = rand_value(rng, typ)
                if lit_sql is not None:
                    c.default_sql = lit_sql
            if rng.random() < 0.15:
                c.nullable = False
                if c.default_sql is None:
                    c.default_sql = rand_value(rng, typ)[0] or rand_value(rng, typ)[0]
                    if c.default_sql is None:
                        c.nullable = True
            if typ in ('int8', 'numeric(12,3)') and numcol is None:
                numcol = c
            cols.append(c)
        cols.append(Col(RID, 'int4', 'rid'))
        if numcol is not None and rng.random() < 0.5:
            numcol.protected = True
            g = Col(N('gen ' + numcol.name), 'numeric', 'gen',
                    generated='(coalesce(%s, 0)::numeric * 2)' % qi(numcol.name))
            cols.append(g)
        # a unique non-key column that foreign keys may reference
        ukey = None
        if t.pk and not t.partitioned and rng.random() < 0.35:
            if cols[0].identity is None:
                ukey = Col('uk', 'int8', 'ukey', nullable=False, identity='BY DEFAULT')
            else:
                ukey = Col('uk', 'text', 'ukey', generated="('u' || %s::text)" % qi(t.pk[0]))
            cols.append(ukey)
        # a dropped column in the middle
        dropped = rng.random() < 0.3
        ddl = []
        for c in cols:
            d = qi(c.name) + ' ' + c.typ
            if c.identity:
                d += ' GENERATED %s AS IDENTITY' % c.identity
            elif getattr(c, 'serial', None):
                d = qi(c.name) + ' ' + c.serial
            elif c.generated:
                d += ' GENERATED ALWAYS AS (%s) STORED' % c.generated
            elif c.default_sql is not None:
                d += ' DEFAULT ' + c.default_sql
            if not c.nullable:
                d += ' NOT NULL'
            if c is ukey:
                d += ' UNIQUE'
            ddl.append(d)
            if dropped and c.kind == 'payload' and qi('gone') + ' text' not in ddl:
                ddl.append(qi('gone') + ' text')
        if t.pk:
            ddl.append('PRIMARY KEY (%s)' % ', '.join(qi(n) for n in t.pk))
            t.uniques.append(tuple(t.pk))
        if ukey is not None:
            t.uniques.append(('uk',))
        sql = 'CREATE TABLE %s (%s)' % (t.qname(), ', '.join(ddl))
        if t.partitioned:
            sql += ' PARTITION BY HASH (%s)' % qi(t.pk[0])
        self.exec(sql)
        if t.partitioned:
            nparts = rng.randint(1, 3)
            for k in range(nparts):
                pn = N('%s part %d' % (t.name, k))
                self.exec('CREATE TABLE %s.%s PARTITION OF %s FOR VALUES WITH (MODULUS %d, REMAINDER %d)'
                          % (qi(t.schema), qi(pn), t.qname(), nparts, k))
                t.partitions.append(pn)
        if dropped and any(c.kind == 'payload' for c in cols):
            self.exec('ALTER TABLE %s DROP COLUMN %s' % (t.qname(), qi('gone')))
        t.cols = cols
        for (fc, parent, pc, act, isa, uniq) in fks:
            self.add_fk(t, fc, parent, pc, act, isa, uniq)

    def add_fk(self, t, cols, parent, pcols, act, isa, unique, when=None):
        name = '%s_fk%d' % (t.name[:20], len(t.fks) + 1)
        if act == 'LINK':
            # a copy rule instead of a constraint (clone_add_link): followed
            # and remapped as a foreign key with NO ACTION, where it has a
            # discriminator only for the rows with its value
            self.exec('SELECT %s.clone_add_link(%s::regclass, ARRAY[%s]::text[], %s::regclass, '
                      'ARRAY[%s]::text[]%s)'
                      % (EXT, lit(t.qname()), ', '.join(lit(qi(c)) for c in cols),
                         lit(parent.qname()), ', '.join(lit(qi(c)) for c in pcols),
                         '' if when is None else ', when_column => %s, when_value => %s'
                         % (lit(qi(when[0])), lit(when[1]))))
            self.gen.stats['rule link' + ('' if when is None else ' with discriminator')] += 1
        else:
            self.exec('ALTER TABLE %s ADD CONSTRAINT %s FOREIGN KEY (%s) REFERENCES %s (%s) ON DELETE %s'
                      % (t.qname(), qi(name), ', '.join(qi(c) for c in cols), parent.qname(),
                         ', '.join(qi(c) for c in pcols), act))
        f = FK(name, t, cols, parent, pcols, act, isa, unique)
        f.when = when
        t.fks.append(f)
        parent.incoming.append(f)
        return f

    def extra_fks(self, t):
        """0-2 more references: nullable ones to any table (self and later
        ones too: trees and cycles), NOT NULL ones to earlier tables."""
        rng = self.rng
        avoid = self.gen.args.avoid
        for j in range(rng.choice([0, 1, 1, 2, 2])):
            cands = [p for p in self.m.tables if p.pk]
            if 'cycles' in avoid:
                cands = [p for p in cands if p.idx < t.idx or p is t]
            if not cands:
                return
            p = rng.choice(cands)
            target = list(p.pk)
            if ('uk',) in p.uniques and rng.random() < 0.4 and 'ukref' not in avoid:
                target = ['uk']
            notnull = p.idx < t.idx and rng.random() < 0.3
            if notnull:
                act = rng.choice(['CASCADE', 'NO ACTION', 'RESTRICT'])
            else:
                act = rng.choice(['CASCADE', 'CASCADE', 'SET NULL', 'SET NULL', 'NO ACTION',
                                  'SET DEFAULT', 'RESTRICT'])
            unique = (not notnull and not t.partitioned and len(target) == 1
                      and rng.random() < 0.15)
            if 'links' not in avoid and rng.random() < 0.2:
                act = 'LINK'
            cols = []
            for k, pc in enumerate(target):
                pcol = p.col(pc)
                cn = N('to %s %d' % (p.name, len(t.fks) + 1) + ('' if len(target) == 1 else ' %d' % k))
                c = Col(cn, pcol.typ, 'fk', nullable=not notnull)
                cols.append(c)
                self.exec('ALTER TABLE %s ADD COLUMN %s %s%s%s' % (
                    t.qname(), qi(cn), pcol.typ, '' if c.nullable else ' NOT NULL',
                    ' UNIQUE' if unique else ''))
                t.cols.append(c)
            if notnull:
                # the table is empty still: NOT NULL is fine now, the data
                # generator fills it
                pass
            if unique:
                t.uniques.append(tuple(c.name for c in cols))
            when = None
            if act == 'LINK' and rng.random() < 0.5:
                # a polymorphic reference: the type column says which rows have it
                dn = N('type of %s %d' % (p.name, len(t.fks) + 1))
                d = Col(dn, 'text')
                d.protected = True
                d.choices = ['a', 'b']
                self.exec('ALTER TABLE %s ADD COLUMN %s text' % (t.qname(), qi(dn)))
                t.cols.append(d)
                when = (dn, 'a')
            self.add_fk(t, [c.name for c in cols], p, target, act, False, unique, when)

    # ---- data

    def fill(self):
        rng = self.rng
        m = self.m
        keys = {}     # table name -> list of dicts (col -> text) of target columns
        for t in m.tables:
            rows = []
            isa = t.isa_fk()
            if t.pk_kind == 'comp_part':
                f = t.fks[0]
                prow = keys.get(f.parent.name) or []
                plan = []
                for pr in rng.sample(prow, min(len(prow), rng.randint(0, 8 * self.scale))):
                    for ln in range(1, rng.randint(1, 3) + 1):
                        plan.append({N('p id'): pr[f.pcols[0]], N('line no'): str(ln)})
            elif isa is not None:
                prow = keys.get(isa.parent.name) or []
                plan = [{isa.cols[0]: pr[isa.pcols[0]]}
                        for pr in rng.sample(prow, rng.randint(0, len(prow)))]
            elif t.pk_kind == 'comp_def':
                plan = [{'b': str(rng.randint(1, 3))} for _ in range(rng.randint(2, 12 * self.scale))]
            else:
                plan = [{} for _ in range(rng.randint(0 if t.idx else 2, 14 * self.scale))]
            for fixed in plan:
                colnames, vals = [], []
                for c in t.cols:
                    if c.generated or c.identity == 'ALWAYS':
                        continue
                    if c.name in fixed:
                        colnames.append(c.name)
                        vals.append(lit(fixed[c.name]) + '::' + c.typ)
                    elif c.kind == 'rid':
                        colnames.append(c.name)
                        vals.append(str(m.rid_next))
                        m.rid_next += 1
                    elif c.kind == 'payload':
                        if c.default_sql is not None and rng.random() < 0.3:
                            continue
                        v = rand_value(rng, c.typ)[0]
                        if c.choices:
                            v = lit(rng.choice(c.choices))
                        if v is None and not c.nullable:
                            continue
                        colnames.append(c.name)
                        vals.append(v if v is not None else 'NULL')
                    elif c.kind == 'fk' and not c.nullable:
                        f = [f for f in t.fks if c.name in f.cols][0]
                        prow = keys.get(f.parent.name) or []
                        if not prow:
                            colnames = None
                            break
                        pr = rng.choice(prow)
                        for fc, pc in zip(f.cols, f.pcols):
                            if fc not in colnames:
                                colnames.append(fc)
                                vals.append(lit(pr[pc]) + '::' + t.col(fc).typ)
                if colnames is None:
                    continue
                cv = [(n, v) for n, v in zip(colnames, vals)]
                sql = 'INSERT INTO %s (%s) VALUES (%s) RETURNING %s' % (
                    t.qname(), ', '.join(qi(n) for n, _ in cv), ', '.join(v for _, v in cv),
                    ', '.join(qi(c.name) + '::text' for c in t.cols))
                if not cv:
                    sql = 'INSERT INTO %s DEFAULT VALUES RETURNING %s' % (
                        t.qname(), ', '.join(qi(c.name) + '::text' for c in t.cols))
                try:
                    self.gen.exec('SAVEPOINT ins')
                    r = self.gen.one(sql)
                    self.gen.exec('RELEASE SAVEPOINT ins')
                except psycopg2.Error:
                    # a unique one-to-one key or a key collision: leave the row out
                    self.gen.exec('ROLLBACK TO SAVEPOINT ins')
                    continue
                rows.append(dict(zip(t.colnames(), r)))
            keys[t.name] = rows
        # nullable references: trees (mostly towards older rows), cycles
        for t in m.tables:
            for f in t.fks:
                if t.col(f.cols[0]).kind != 'fk' or not t.col(f.cols[0]).nullable:
                    continue
                targets = keys.get(f.parent.name) or []
                if not targets:
                    continue
                used = set()
                for r in keys[t.name]:
                    if rng.random() < 0.4:
                        continue
                    if f.parent is t and rng.random() < 0.85:
                        older = [x for x in targets if int(x[RID]) < int(r[RID])]
                        if not older:
                            continue
                        pr = rng.choice(older)
                    else:
                        pr = rng.choice(targets)
                    if f.unique:
                        if pr[f.pcols[0]] in used:
                            continue
                        used.add(pr[f.pcols[0]])
                    sets = ', '.join('%s = %s::%s' % (qi(fc), lit(pr[pc]), t.col(fc).typ)
                                     for fc, pc in zip(f.cols, f.pcols))
                    self.gen.exec('UPDATE %s SET %s WHERE %s = %s' % (t.qname(), sets, qi(RID), r[RID]))
        self.gen.exec('ANALYZE')


# ---------------------------------------------------------------------------
# snapshots

class Snap:
    """All rows of one table: texts in t.cols order, plus (tableoid, ctid)."""

    def __init__(self, t, rows):
        self.t = t
        self.rows = [r[2:] for r in rows]
        self.locs = [(r[0], r[1]) for r in rows]
        self.ci = {c.name: i for i, c in enumerate(t.cols)}
        self._idx = {}

    def val(self, i, col):
        return self.rows[i][self.ci[col]]

    def vals(self, i, cols):
        return tuple(self.rows[i][self.ci[c]] for c in cols)

    def index(self, cols):
        cols = tuple(cols)
        if cols not in self._idx:
            d = collections.defaultdict(list)
            for i in range(len(self.rows)):
                v = self.vals(i, cols)
                if None not in v:
                    d[v].append(i)
            self._idx[cols] = d
        return self._idx[cols]


class Mismatch(Exception):
    pass


# ---------------------------------------------------------------------------
# the generator

class Gen:
    def __init__(self, args):
        self.args = args
        self.seed = args.seed
        self.rng = random.Random(self.seed)
        self.conn = None
        self.connect()
        self.stats = collections.Counter()
        self.errors = collections.Counter()        # expected SQLSTATEs
        self.unexpected = collections.Counter()    # unexpected SQLSTATEs
        self.findings = []
        self.crashes = 0
        self.call_no = 0
        self.batch_sql = []
        self.kinds_dumped = collections.Counter()
        self.outdir = args.outdir
        os.makedirs(self.outdir, exist_ok=True)

    # ---- connection helpers
    def connect(self):
        for attempt in range(60):
            try:
                self.conn = psycopg2.connect(dbname=self.args.dbname,
                                             application_name='rowclone-stress-gen')
                break
            except psycopg2.OperationalError:
                time.sleep(1)
        else:
            raise SystemExit('cannot connect')
        self.conn.autocommit = False
        self.cur = self.conn.cursor()
        self.cur.execute("SET statement_timeout = '120s'")
        self.cur.execute("SET client_min_messages = warning")
        # calls made through PL/pgSQL dynamic SQL (SPI inside SPI)
        self.cur.execute(EXEC_FUNCTION)
        self.conn.commit()

    def exec(self, sql):
        self.cur.execute(sql)

    def one(self, sql):
        self.cur.execute(sql)
        return self.cur.fetchone()

    def all(self, sql):
        self.cur.execute(sql)
        return self.cur.fetchall()

    # ---- schema rounds
    def new_schema(self):
        rng = self.rng
        self.schema_no = getattr(self, 'schema_no', 0) + 1
        sname = rng.choice(SCHEMA_NAMES)
        b = Builder(self, rng, sname)
        self.m = b.build(rng.randint(3, 8))
        # copy rules (SPEC "Copy rules"): some foreign keys declared a
        # reference or ownership, whatever their ON DELETE says
        for t in self.m.tables:
            for f in t.fks:
                if f.isa or rng.random() >= 0.2:
                    continue
                f.declared = 'reference' if rng.random() < 0.6 else 'ownership'
                self.exec('SELECT %s.clone_set_reference(%s::regclass, ARRAY[%s]::text[], %s)' % (
                    EXT, lit(t.qname()), ', '.join(lit(qi(c)) for c in f.cols),
                    'true' if f.declared == 'reference' else 'false'))
                self.stats['rule ' + f.declared] += 1
        # value rules on text columns, filters on rows (kept from DDL: the
        # column is protected, "r id" is never dropped)
        for t in self.m.tables:
            cands = [c for c in t.cols if c.kind == 'payload' and c.typ == 'text' and not c.protected
                     and not c.choices and not any(c.name in u for u in t.uniques)]
            if cands and rng.random() < 0.2:
                c = rng.choice(cands)
                c.starred = True
                c.protected = True
                self.exec('SELECT %s.clone_set_value(%s::regclass, %s, %s)' % (
                    EXT, lit(t.qname()), lit(qi(c.name)),
                    lit("coalesce(%s, '') || '*'" % qi(c.name))))
                self.stats['rule value'] += 1
            if rng.random() < 0.15:
                t.filter = True
                self.exec('SELECT %s.clone_set_filter(%s::regclass, %s)' % (
                    EXT, lit(t.qname()), lit('%s %% 3 <> 0' % qi(RID))))
                self.stats['rule filter'] += 1
        self.conn.commit()
        self.stats['schemas'] += 1
        self.stats['tables'] += len(self.m.tables)
        hostile = rng.random() < 0.5
        self.search_path = ('%s, public, pg_catalog' % qi(sname)) if hostile else 'public'
        self.exec('SET search_path = ' + self.search_path)
        self.conn.commit()

    def snapshot(self):
        out = {}
        for t in self.m.tables:
            cols = ', '.join('%s::text' % qi(c.name) for c in t.cols)
            out[t.name] = Snap(t, self.all('SELECT tableoid::oid, ctid::text, %s FROM %s ORDER BY %s, ctid'
                                           % (cols, t.qname(), qi(RID))))
        return out

    @staticmethod
    def same(s1, s2):
        for name in s1:
            if collections.Counter(s1[name].rows) != collections.Counter(s2[name].rows):
                return name
        return None

    # ---- DDL between transactions: the extension's caches must notice
    def perturb(self):
        rng = self.rng
        t = rng.choice(self.m.tables)
        r = rng.random()
        pay = [c for c in t.cols if c.kind == 'payload' and not c.protected]
        uuid_keys = [c for c in t.cols if c.name in t.pk and c.typ == 'uuid'
                     and c.default_sql is not None]
        if uuid_keys and r < 0.3:
            # the key default an application keeps in Python (Django's
            # uuid4): copies take gen_random_uuid() (SPEC rule 4)
            c = uuid_keys[0]
            self.exec('ALTER TABLE %s ALTER COLUMN %s DROP DEFAULT' % (t.qname(), qi(c.name)))
            c.default_sql = None
            c.default_volatile = False
            self.stats['ddl drop uuid key default'] += 1
        elif r < 0.4:
            name = 'added %d' % self.call_no
            typ = rng.choice(PAYLOAD_TYPES)
            d = rand_value(rng, typ)[0]
            self.exec('ALTER TABLE %s ADD COLUMN %s %s%s' % (t.qname(), qi(name), typ,
                                                            (' DEFAULT ' + d) if d else ''))
            c = Col(name, typ, default_sql=d)
            if d:
                c.default_text = self.one('SELECT (%s)::%s::text' % (d, typ))[0]
            t.cols.append(c)
            self.stats['ddl add column'] += 1
        elif r < 0.7 and len(pay) > 1:
            c = rng.choice(pay)
            self.exec('ALTER TABLE %s DROP COLUMN %s' % (t.qname(), qi(c.name)))
            t.cols.remove(c)
            self.stats['ddl drop column'] += 1
        elif pay:
            c = rng.choice(pay)
            d = rand_value(rng, c.typ)[0]
            if d is None and not c.nullable:
                return
            if d is None:
                self.exec('ALTER TABLE %s ALTER COLUMN %s DROP DEFAULT' % (t.qname(), qi(c.name)))
            else:
                self.exec('ALTER TABLE %s ALTER COLUMN %s SET DEFAULT %s' % (t.qname(), qi(c.name), d))
            c.default_sql = d
            c.default_text = self.one('SELECT (%s)::%s::text' % (d, c.typ))[0] if d else None
            self.stats['ddl set default'] += 1
        self.conn.commit()

    # ---- static plan (tables), as the SPEC describes it
    def static_plan(self, root, cascade, skip, max_depth):
        depth = {root.name: 0}
        dq = collections.deque([(root, 0)])
        while dq:
            t, d = dq.popleft()
            if depth[t.name] < d:
                continue
            f = t.isa_fk()
            if f is not None and (f.parent.name not in depth or depth[f.parent.name] > d):
                depth[f.parent.name] = d
                dq.appendleft((f.parent, d))
            if cascade and (max_depth is None or d + 1 <= max_depth):
                for f in t.incoming:
                    c = f.child
                    if not f.followed or c.name in skip:
                        continue
                    if c.name not in depth or depth[c.name] > d + 1:
                        depth[c.name] = d + 1
                        dq.append((c, d + 1))
        return depth

    def remapped_cols(self, t, plan):
        out = set()
        for f in t.fks:
            if f.parent.name in plan:
                out.update(f.cols)
        return out

    def fresh(self, t, plan, ov, rs):
        if not t.pk:
            return True
        rem = self.remapped_cols(t, plan)
        for n in t.pk:
            c = t.col(n)
            if fresh_key_value(t, c) or n in rem or n in ov.get(t.name, {}):
                return True
            if n in rs.get(t.name, set()) and (c.default_sql is not None or c.fresh_default):
                return True
        return False

    # ---- the copied set, from the data
    def closure(self, snap, roots, cascade, skip, max_depth):
        depth = {}
        dq = collections.deque()

        def add(t, i, d, front):
            k = (t.name, i)
            if k in depth and depth[k] <= d:
                return
            depth[k] = d
            (dq.appendleft if front else dq.append)((t, i, d))

        for (t, i) in roots:
            add(t, i, 0, True)
        while dq:
            t, i, d = dq.popleft()
            if depth[(t.name, i)] < d:
                continue
            s = snap[t.name]
            f = t.isa_fk()
            if f is not None:
                v = s.vals(i, f.cols)
                hits = snap[f.parent.name].index(f.pcols).get(v, [])
                for pi in hits:
                    add(f.parent, pi, d, True)
            if cascade and (max_depth is None or d + 1 <= max_depth):
                for f in t.incoming:
                    if not f.followed or f.child.name in skip:
                        continue
                    v = s.vals(i, f.pcols)
                    if None in v:
                        continue
                    for ci in snap[f.child.name].index(f.cols).get(v, []):
                        # a filter rule leaves out rows reached through references
                        if f.child.filter and int(snap[f.child.name].val(ci, RID)) % 3 == 0:
                            continue
                        if f.applies(snap[f.child.name], ci):
                            add(f.child, ci, d + 1, False)
        return depth

    # ---- random call arguments
    def key_of(self, snap, t, i):
        return snap[t.name].vals(i, t.pk)

    def key_expr(self, t, keyvals, missing=False):
        """(SQL expression, type name the result comes back in)."""
        rng = self.rng
        if len(t.pk) == 1:
            c = t.col(t.pk[0])
            v = keyvals[0]
            if c.typ in ('int4', 'int8'):
                if missing:
                    v = str(1500000000 + rng.randint(0, 1000))
                r = rng.random()
                if r < 0.3:
                    return v, 'integer'
                if r < 0.55:
                    return v + '::bigint', 'bigint'
                if r < 0.75:
                    return lit(v), 'text'
                if r < 0.85:
                    return lit('0' + v) + '::text', 'text'
                if r < 0.92:
                    return v + '::numeric', 'numeric'
                return lit(json.dumps({c.name: int(v)})) + '::jsonb', 'jsonb'
            if c.typ == 'uuid':
                if missing:
                    v = str(uuid.UUID(int=rng.getrandbits(128)))
                r = rng.random()
                if r < 0.4:
                    return lit(v) + '::uuid', 'uuid'
                if r < 0.7:
                    return lit(v), 'text'
                if r < 0.85:
                    return lit(v.upper()) + '::text', 'text'
                return lit(json.dumps([v])) + '::jsonb', 'jsonb'
            if missing:
                v = 'missing-%d' % rng.randint(0, 99)
            if rng.random() < 0.7:
                return lit(v), 'text'
            return lit(v) + '::varchar', 'character varying'
        # composite
        vals = list(keyvals)
        if missing:
            vals = [self.missing_value(t.col(n)) for n in t.pk]
        typed = []
        for n, v in zip(t.pk, vals):
            c = t.col(n)
            if c.typ in ('int4', 'int8') and rng.random() < 0.8:
                typed.append(int(v))
            else:
                typed.append(v)
        if rng.random() < 0.5:
            j = json.dumps(dict(zip(t.pk, typed)))
        else:
            j = json.dumps(typed)
        if rng.random() < 0.8:
            return lit(j) + '::jsonb', 'jsonb'
        return lit(j), 'text'

    def missing_value(self, c):
        """A key column value no row has (text)."""
        if c.typ == 'uuid':
            return str(uuid.UUID(int=self.rng.getrandbits(128)))
        if c.typ in ('int4', 'int8'):
            return str(1900000000 + self.rng.randint(0, 999))
        return 'missing-%d' % self.rng.randint(0, 999)

    def key_text_from_result(self, t, txt, typ):
        """Key column texts of a returned key (or an old_key as passed)."""
        if txt is None:
            return None
        if len(t.pk) > 1 or typ == 'jsonb':
            v = json.loads(txt)
            if isinstance(v, dict):
                vals = [v.get(n) for n in t.pk]
            elif isinstance(v, list):
                vals = v
            else:
                vals = [v]
            out = []
            for n, x in zip(t.pk, vals):
                out.append(self.norm_key_text(t.col(n), x if isinstance(x, str) else json.dumps(x)))
            return tuple(out)
        return (self.norm_key_text(t.col(t.pk[0]), txt),)

    @staticmethod
    def norm_key_text(c, s):
        if s is None:
            return None
        if c.typ in ('int4', 'int8'):
            try:
                return str(int(s))
            except ValueError:
                return s
        if c.typ == 'uuid':
            return s.lower()
        return s

    def pick_columns(self, t, plan, overrides, resets, qualified, root_reached_again=False):
        """Random overrides / reset entries. Returns (ov json dict, reset list,
        model: ov[table][col] = json value, rs[table] = set, expected codes).
        An unqualified name sets the copies of the source rows only (SPEC
        0.2); the model has no notion of that, so when a cascade may reach
        other rows of the root table, every name is qualified (then it sets
        every copy of the table, as the model says). sql/override_scope.sql
        tests the unqualified case."""
        rng = self.rng
        codes = set()
        ov_json = {}
        rs_list = []
        ov = collections.defaultdict(dict)
        rs = collections.defaultdict(set)
        tables_in_plan = [self.m.by_name[n] for n in plan]
        seen_cols = set()

        def ref(tt, c):
            if tt is t and not root_reached_again and not qualified_pick():
                return sql_ref(c.name, rng)
            r = rng.random()
            if r < 0.25:
                return qi(tt.schema) + '.' + qi(tt.name) + '.' + sql_ref(c.name, rng)
            return sql_ref(tt.name, rng, allow_fold=False) + '.' + sql_ref(c.name, rng)

        def qualified_pick():
            return rng.random() < 0.3

        for _ in range(overrides):
            tt = rng.choice(tables_in_plan) if qualified and rng.random() < 0.6 else t
            r = rng.random()
            cands = [c for c in tt.cols if c.kind == 'payload']
            if r < 0.04:
                # unknown column
                key = ref(tt, Col('no such col', 'text'))
                codes.add('42703')
                ov_json[key] = 1
                continue
            if r < 0.07:
                g = [c for c in tt.cols if c.generated]
                if g:
                    ov_json[ref(tt, g[0])] = 1
                    codes.add('428C9')
                    continue
            if r < 0.09:
                others = [x for x in self.m.tables if x.name not in plan]
                if others:
                    o = rng.choice(others)
                    c = rng.choice([c for c in o.cols if c.kind == 'payload'] or o.cols)
                    ov_json[sql_ref(o.name, rng, allow_fold=False) + '.' + sql_ref(c.name)] = None
                    codes.add('42P01')
                    continue
            if r < 0.13:
                fkc = [c for c in tt.cols if c.kind == 'fk' and c.nullable]
                if fkc:
                    cands = fkc
            if r < 0.17 and tt.pk and tt.col(tt.pk[0]).typ in ('int4', 'int8') \
                    and tt.col(tt.pk[0]).identity != 'ALWAYS' \
                    and not any(tt.pk[0] in f.cols for f in tt.fks):
                cands = [tt.col(tt.pk[0])]
            if not cands:
                continue
            c = rng.choice(cands)
            key = ref(tt, c)
            if key in ov_json:
                continue
            if (tt.name, c.name) in seen_cols:
                codes.add('42701')
            seen_cols.add((tt.name, c.name))
            if c.kind == 'fk':
                val = None
            elif c.kind == 'pk':
                val = 1000000000 + rng.randint(0, 10 ** 8)
            else:
                val = rand_value(rng, c.typ)[1]
            ov_json[key] = val
            ov[tt.name][c.name] = val
        for _ in range(resets):
            tt = rng.choice(tables_in_plan) if qualified and rng.random() < 0.6 else t
            cands = [c for c in tt.cols if c.kind in ('payload', 'fk') and c.nullable
                     or (c.kind == 'payload' and c.default_sql is not None)
                     or c.identity == 'BY DEFAULT' or c.kind == 'ukey']
            if rng.random() < 0.03:
                rs_list.append(ref(tt, Col('nope', 'text')))
                codes.add('42703')
                continue
            if not cands:
                continue
            c = rng.choice(cands)
            if c.name in rs[tt.name]:
                continue
            if c.name in ov.get(tt.name, {}):
                codes.add('22023')
            rs_list.append(ref(tt, c))
            rs[tt.name].add(c.name)
        return ov_json, rs_list, ov, rs, codes

    # ---- one call
    def do_call(self, snap_before):
        rng = self.rng
        m = self.m
        self.call_no += 1
        self.cur_fn = fn = rng.choices(['clone_row', 'clone_graph', 'clone_rows', 'clone_plan'],
                                       [35, 30, 27, 8])[0]
        self.stats['calls ' + fn] += 1
        keyed = [t for t in m.tables if t.pk]
        t = rng.choice(keyed if rng.random() < 0.97 else m.tables)
        s = snap_before[t.name]
        codes = set()
        if not t.pk:
            codes.add('55000')
        cascade = rng.random() < (0.8 if fn in ('clone_graph', 'clone_plan') else 0.55)
        skip = []
        if rng.random() < 0.25:
            skip = rng.sample([x.name for x in m.tables], rng.randint(1, min(2, len(m.tables))))
        max_depth = None
        if rng.random() < 0.3:
            max_depth = rng.randint(0, 3)
        if rng.random() < 0.01:
            max_depth = -1
            codes.add('22023')
        copies = 1
        if fn == 'clone_rows':
            copies = rng.choice([1, 1, 2, 3])
            if rng.random() < 0.01:
                copies = 0
                codes.add('22023')

        plan = self.static_plan(t, cascade, set(skip), max_depth) if t.pk else {t.name: 0}
        nov = rng.choice([0, 0, 0, 1, 1, 2])
        nrs = rng.choice([0, 0, 0, 0, 1, 2])
        # a followed foreign key of the root into the copied tables: other
        # rows of the root table may be copied too
        again = cascade and any(f.followed and f.parent.name in plan and t.name not in skip
                                for f in t.fks)
        ov_json, rs_list, ov, rs, c2 = (self.pick_columns(t, plan, nov, nrs, True, again)
                                        if fn != 'clone_plan' else ({}, [], {}, {}, set()))
        codes |= c2
        if fn != 'clone_plan' and t.pk:
            for n in plan:
                if not self.fresh(m.by_name[n], plan, ov, rs):
                    codes.add('55000')

        # arguments
        args = ['rel => %s::regclass' % lit(t.qname())]
        roots = []
        passed = []
        keytype = None
        nrows = len(s.rows)
        if fn in ('clone_row', 'clone_graph'):
            missing = nrows == 0 or rng.random() < 0.07
            if t.pk:
                i = None if missing else rng.randrange(nrows)
                kv = self.key_of(snap_before, t, i) if i is not None else tuple('1' for _ in t.pk)
                ke, keytype = self.key_expr(t, kv, missing)
                if rng.random() < 0.01:
                    ke, keytype = 'NULL::int', 'integer'
                    codes.add('22004')
                elif missing:
                    codes.add('P0002')
                else:
                    roots = [(t, i)]
            else:
                ke, keytype = '1', 'integer'
            args.append('key => ' + ke)
        elif fn == 'clone_rows':
            k = rng.randint(0, 5)
            exprs = []
            kinds = None
            if t.pk and len(t.pk) == 1:
                c = t.col(t.pk[0])
                kinds = {'int4': ['bigint', 'text', 'integer'], 'int8': ['bigint', 'text'],
                         'uuid': ['uuid', 'text'], 'text': ['text']}[c.typ]
            else:
                kinds = ['jsonb', 'text']
            atype = rng.choice(kinds)
            for _ in range(k):
                r = rng.random()
                if nrows and r < 0.8:
                    i = rng.randrange(nrows)
                    kv = self.key_of(snap_before, t, i) if t.pk else ('1',)
                    passed.append(i)
                    if rng.random() < 0.2 and nrows:   # a duplicate
                        passed.append(i)
                else:
                    passed.append(None)
            for i in passed:
                kv = self.key_of(snap_before, t, i) if (i is not None and t.pk) else None
                if t.pk and len(t.pk) == 1:
                    c = t.col(t.pk[0])
                    if kv is None:
                        v = {'int4': '1700000001', 'int8': '1700000002',
                             'uuid': str(uuid.UUID(int=rng.getrandbits(128))), 'text': 'nope'}[c.typ]
                    else:
                        v = kv[0]
                    if atype == 'text' and c.typ in ('int4', 'int8') and rng.random() < 0.3:
                        v = '0' + v
                    if atype == 'text' and c.typ == 'uuid' and rng.random() < 0.3:
                        v = v.upper()
                    exprs.append(lit(v))
                else:
                    if kv is None:
                        kv = (tuple(self.missing_value(t.col(n)) for n in t.pk) if t.pk
                              else ('1800000000',))
                    pk = t.pk or ['x']
                    vals = [int(v) if t.col(n) is not None and t.col(n).typ in ('int4', 'int8') else v
                            for n, v in zip(pk, kv)]
                    exprs.append(lit(json.dumps(dict(zip(pk, vals)) if rng.random() < 0.5 else vals)))
            if rng.random() < 0.01 and exprs:
                exprs.append('NULL')
                codes.add('22004')
            keytype = {'integer': 'integer', 'bigint': 'bigint', 'text': 'text', 'uuid': 'uuid',
                       'jsonb': 'jsonb'}[atype]
            if exprs:
                args.append('keys => ARRAY[%s]::%s[]' % (', '.join(exprs), atype))
            else:
                args.append("keys => '{}'::%s[]" % atype)
            seen = set()
            for i in passed:
                if i is not None and i not in seen:
                    seen.add(i)
                    roots.append((t, i))
            # keys that are missing are simply not copied
        if fn == 'clone_plan':
            if not cascade or rng.random() < 0.5:
                args.append('cascade => %s' % ('true' if cascade else 'false'))
        elif fn == 'clone_graph':
            if not cascade or rng.random() < 0.5:
                args.append('cascade => %s' % ('true' if cascade else 'false'))
        elif cascade or rng.random() < 0.3:
            args.append('cascade => %s' % ('true' if cascade else 'false'))
        if ov_json or (fn != 'clone_plan' and rng.random() < 0.05):
            args.append('overrides => %s::jsonb' % lit(json.dumps(ov_json, ensure_ascii=False)))
        if rs_list or (fn != 'clone_plan' and rng.random() < 0.03):
            args.append('reset => ARRAY[%s]::text[]' % ', '.join(lit(x) for x in rs_list))
        if skip or rng.random() < 0.03:
            args.append('skip => ARRAY[%s]::regclass[]' % ', '.join(
                lit(m.by_name[n].qname()) for n in skip))
        if max_depth is not None or rng.random() < 0.03:
            args.append('max_depth => %s' % ('NULL::int' if max_depth is None else max_depth))
        if fn == 'clone_rows' and (copies != 1 or rng.random() < 0.3):
            args.append('copies => %d' % copies)
        if fn == 'clone_plan':
            args = [a for a in args if not a.startswith(('key', 'overrides', 'reset', 'copies'))]
        # named arguments in any order, or positional ones (NULL for an
        # option that is not given: NULL means none)
        if fn in ('clone_row', 'clone_graph') and rng.random() < 0.25:
            order = ['rel', 'key', 'overrides', 'reset', 'cascade', 'skip', 'max_depth']
            given = dict(a.split(' => ', 1) for a in args)
            if 'cascade' not in given:
                given['cascade'] = 'true' if fn == 'clone_graph' else 'false'
            last = max(order.index(k) for k in given)
            args = [given.get(k, 'NULL') for k in order[:last + 1]]
        else:
            head, rest = args[:2], args[2:]
            rng.shuffle(rest)
            args = head + rest
        arglist = ', '.join(args)
        if fn == 'clone_row':
            sql = 'SELECT v::text, pg_typeof(v)::text FROM (SELECT %s.clone_row(%s) AS v) s' % (EXT, arglist)
        elif fn == 'clone_graph':
            sql = 'SELECT relation::oid, old_key::text, new_key::text, depth FROM %s.clone_graph(%s)' % (EXT, arglist)
        elif fn == 'clone_rows':
            sql = ('SELECT old_key::text, new_key::text, pg_typeof(new_key)::text FROM %s.clone_rows(%s)'
                   % (EXT, arglist))
        else:
            sql = ('SELECT relation::oid, depth, reached_by, fresh_columns, remapped_columns, '
                   'copied_columns, not_followed, problem FROM %s.clone_plan(%s)' % (EXT, arglist))
        if fn == 'clone_plan':
            codes -= {'P0002', '22004', '42703', '42P01', '428C9', '42701'}
            codes.discard('55000') if t.pk else None

        # model: the copied set and the errors the data causes
        depth = {}
        self.conflict_reason = None
        if fn != 'clone_plan' and t.pk:
            depth = self.closure(snap_before, roots, cascade, set(skip), max_depth)
            if not codes:
                codes |= self.data_conflicts(snap_before, depth, copies, ov, rs, plan)

        # how the call is made: a plain query, a prepared statement, or
        # dynamic SQL in PL/pgSQL
        mode = rng.choices(['plain', 'prepared', 'plpgsql'], [70, 15, 15])[0]
        self.stats['mode ' + mode] += 1
        if mode == 'plpgsql':
            coldef = {'clone_row': 'v text, t text',
                      'clone_graph': 'relation oid, old_key text, new_key text, depth int',
                      'clone_rows': 'old_key text, new_key text, t text',
                      'clone_plan': 'relation oid, depth int, reached_by text, fresh text[], '
                                    'remapped text[], copied text[], not_followed text[], problem text'}[fn]
            sql = 'SELECT * FROM public.rc_stress_exec(%s) AS r(%s)' % (lit(sql), coldef)
        self.batch_sql.append(sql)
        ctx = dict(fn=fn, sql=sql, table=t.name, codes=sorted(codes), call=self.call_no,
                   schema=m.schema, seed=self.seed)
        self.exec('SAVEPOINT c')
        t0 = time.time()
        try:
            if mode == 'prepared':
                self.cur.execute('PREPARE rc_stmt AS ' + sql)
                self.cur.execute('EXECUTE rc_stmt')
            else:
                self.cur.execute(sql)
            res = self.cur.fetchall()
            if mode == 'prepared':
                self.cur.execute('DEALLOCATE rc_stmt')
        except psycopg2.Error as e:
            if self.conn.closed or isinstance(e, (psycopg2.OperationalError, psycopg2.InterfaceError)) \
                    and e.pgcode is None:
                raise
            code = e.pgcode
            self.exec('ROLLBACK TO SAVEPOINT c')
            if mode == 'prepared':
                self.exec('DEALLOCATE ALL')
            after = self.snapshot()
            bad = self.same(snap_before, after)
            if bad:
                self.finding('not atomic', ctx, 'table %s changed after error %s' % (bad, code))
            if code in codes:
                if code == '23505' and self.conflict_reason:
                    code = '23505 (%s)' % self.conflict_reason
                self.errors[code] += 1
            elif code == '57014':
                self.unexpected[code] += 1
                self.finding('timeout', ctx, e.pgerror)
            else:
                self.unexpected[code] += 1
                self.finding('unexpected error %s' % code, ctx, (e.pgerror or '').strip())
            return
        self.stats['time in calls'] += time.time() - t0
        after = self.snapshot()
        if codes:
            # say what the copies look like when they can be checked
            why = ''
            if depth:
                try:
                    self.check_copies(fn, t, res, keytype, roots, passed, depth, copies, ov, rs,
                                      snap_before, after, ctx)
                except Mismatch as e:
                    why = '; the copies: ' + str(e)
                except Exception:       # noqa: the model expected no result at all
                    pass
            self.finding('unexpected success', ctx, 'expected one of %s%s; got %d rows%s' % (
                sorted(codes), ' (%s: %s)' % (self.conflict_reason, self.conflict_detail)
                if self.conflict_reason else '', len(res), why))
            self.exec('ROLLBACK TO SAVEPOINT c')
            return
        try:
            if fn == 'clone_plan':
                self.check_plan(t, res, plan, snap_before, after)
            else:
                self.check_copies(fn, t, res, keytype, roots, passed, depth, copies, ov, rs,
                                  snap_before, after, ctx)
            self.stats['calls checked'] += 1
        except Mismatch as e:
            self.finding('mismatch', ctx, str(e))
            self.exec('ROLLBACK TO SAVEPOINT c')
            return
        self.exec('RELEASE SAVEPOINT c')
        # renumber the new rows' r id so it stays unique among originals
        for tn, sa in after.items():
            before = collections.Counter(snap_before[tn].rows)
            for i, row in enumerate(sa.rows):
                if before[row] > 0:
                    before[row] -= 1
                    continue
                toid, ctid = sa.locs[i]
                self.exec('UPDATE %s SET %s = %d WHERE tableoid = %d AND ctid = %s'
                          % (sa.t.qname(), qi(RID), m.rid_next, toid, lit(ctid)))
                m.rid_next += 1

    def data_conflicts(self, snap, depth, copies, ov, rs, plan):
        """23505 / 23502 the model predicts for the copies (keys that are not
        fresh for a row, unique columns copied as they are, overrides of key
        columns with several copies, NOT NULL columns reset or overridden to
        NULL)."""
        codes = set()
        by_table = collections.defaultdict(list)
        for (tn, i) in depth:
            by_table[tn].append(i)
        fresh_tok = [0]

        def tok():
            fresh_tok[0] += 1
            return ('F', fresh_tok[0])

        for tn, rows in by_table.items():
            t = self.m.by_name[tn]
            s = snap[tn]
            tov = ov.get(tn, {})
            trs = rs.get(tn, set())
            for u in t.uniques:
                seen = collections.Counter(s.vals(i, u) for i in range(len(s.rows)))
                for i in rows:
                    for k in range(copies):
                        vals = []
                        for cn in u:
                            c = t.col(cn)
                            if cn in tov:
                                v = tov[cn]
                                v = None if v is None else ('O', json.dumps(v))
                            elif cn in trs:
                                v = tok() if c.fresh_default else (c.default_text if c.default_sql else None)
                            elif fresh_key_value(t, c) or c.generated:
                                v = tok()
                            else:
                                v = s.val(i, cn)
                                for f in t.fks:
                                    if cn in f.cols and f.applies(s, i):
                                        pv = s.vals(i, f.cols)
                                        hits = snap[f.parent.name].index(f.pcols).get(pv, [])
                                        if any((f.parent.name, h) in depth for h in hits):
                                            v = ('R', f.parent.name, tuple(hits), k)
                            vals.append(v)
                        vals = tuple(vals)
                        if None in vals:
                            continue
                        if u == tuple(t.pk) and not any(isinstance(v, tuple) for v in vals):
                            # no key column fresh for this row: 55000 before any write
                            codes.add('55000')
                            self.conflict_detail = (tn, u, vals)
                            self.conflict_reason = ('key not fresh for some rows: its remapped part '
                                                    'references a row outside the set')
                            continue
                        if seen[vals] > 0:
                            codes.add('23505')
                            self.conflict_detail = (tn, u, vals)
                            if any(cn in tov for cn in u):
                                self.conflict_reason = 'an override repeats a unique value'
                            elif u == tuple(t.pk):
                                self.conflict_reason = ('key not fresh for some rows: its remapped part '
                                                        'references a row outside the set')
                            else:
                                self.conflict_reason = 'a unique column copied as is'
                        seen[vals] += 1
            for i in rows:
                for c in t.cols:
                    if c.nullable or c.generated or c.identity:
                        continue
                    if c.name in tov and tov[c.name] is None:
                        codes.add('23502')
                    if c.name in trs and c.default_sql is None and not c.fresh_default:
                        codes.add('23502')
        return codes

    # ---- checks
    def check_plan(self, t, res, plan, before, after):
        bad = self.same(before, after)
        if bad:
            raise Mismatch('clone_plan wrote into %s' % bad)
        got = {}
        for (oid, d, reached, fresh, remapped, copied, notf, problem) in res:
            tt = self.m.by_oid.get(oid)
            if tt is None:
                raise Mismatch('clone_plan lists an unknown relation %s' % oid)
            if tt.name in got:
                raise Mismatch('clone_plan lists %s twice' % tt.name)
            got[tt.name] = d
            want_rem = self.remapped_cols(tt, plan)
            if set(remapped or []) != want_rem:
                raise Mismatch('clone_plan: %s remapped_columns %s, model %s'
                               % (tt.name, remapped, sorted(want_rem)))
            fr = self.fresh(tt, plan, {}, {})
            if (problem is None) != fr:
                raise Mismatch('clone_plan: %s problem %r, model says key %s'
                               % (tt.name, problem, 'fresh' if fr else 'not fresh'))
        if got != plan:
            raise Mismatch('clone_plan tables/depths %s, model %s' % (sorted(got.items()), sorted(plan.items())))
        if res and self.m.by_oid.get(res[0][0]) is not t:
            raise Mismatch('clone_plan: first row is not the source table')

    def check_copies(self, fn, root, res, keytype, roots, passed, depth, copies, ov, rs,
                     before, after, ctx):
        m = self.m
        # 1. originals unchanged, new rows per table
        new = {}
        for t in m.tables:
            b = collections.Counter(before[t.name].rows)
            a = after[t.name]
            nl = []
            for i, row in enumerate(a.rows):
                if b[row] > 0:
                    b[row] -= 1
                else:
                    nl.append(i)
            if sum(b.values()):
                missing = [r for r, n in b.items() if n > 0][:2]
                raise Mismatch('table %s: original rows changed or vanished, e.g. %s' % (t.name, missing))
            new[t.name] = nl
        want = collections.Counter()
        for (tn, i) in depth:
            want[tn] += copies
        for t in m.tables:
            if len(new[t.name]) != want[t.name]:
                raise Mismatch('table %s: %d new rows, model expects %d (set: %s)' % (
                    t.name, len(new[t.name]), want[t.name],
                    sorted(collections.Counter(tn for tn, _ in depth).items())))
        self.stats['rows checked'] += sum(want.values())
        ntab = sum(1 for v in want.values() if v)
        self.stats['checked with 2+ tables'] += ntab > 1
        self.stats['checked with 10+ rows'] += sum(want.values()) >= 10
        self.stats['checked copies > 1'] += copies > 1
        # 2. pair copies with sources through r id
        copies_of = {}      # (tn, src idx) -> [after idx]
        src_of = {}         # (tn, after idx) -> src idx
        for t in m.tables:
            sb, sa = before[t.name], after[t.name]
            by_rid = collections.defaultdict(list)
            for j in new[t.name]:
                by_rid[sa.val(j, RID)].append(j)
            for (tn, i) in depth:
                if tn != t.name:
                    continue
                got = by_rid.get(sb.val(i, RID), [])
                if len(got) != copies:
                    raise Mismatch('table %s: row r id=%s has %d copies, model expects %d'
                                   % (tn, sb.val(i, RID), len(got), copies))
                copies_of[(tn, i)] = got
                for j in got:
                    src_of[(tn, j)] = i
        # 3. column by column, and references into the set
        parent = {}

        def find(x):
            while parent.get(x, x) != x:
                x = parent[x]
            return x

        def union(a, b):
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[ra] = rb

        for (tn, i), cl in copies_of.items():
            t = m.by_name[tn]
            sb, sa = before[tn], after[tn]
            tov = ov.get(tn, {})
            trs = rs.get(tn, set())
            remap_cols = set()
            fk_targets = []
            for f in t.fks:
                if any(c in tov or c in trs for c in f.cols) or not f.applies(sb, i):
                    continue
                pv = sb.vals(i, f.cols)
                hits = [h for h in before[f.parent.name].index(f.pcols).get(pv, [])
                        if (f.parent.name, h) in depth]
                if hits:
                    remap_cols.update(f.cols)
                    fk_targets.append((f, hits))
            for j in cl:
                for c in t.cols:
                    if c.generated or c.kind == 'rid':
                        continue
                    src = sb.val(i, c.name)
                    got = sa.val(j, c.name)
                    if c.name in tov:
                        want_v = self.override_text(t, c, tov[c.name])
                        if got != want_v:
                            raise Mismatch('%s.%s of the copy of r id=%s: %r, override says %r'
                                           % (tn, c.name, sb.val(i, RID), got, want_v))
                    elif c.name in trs:
                        if c.fresh_default:
                            if got is None or got == src:
                                raise Mismatch('%s.%s reset: %r is not a fresh value (source %r)'
                                               % (tn, c.name, got, src))
                        elif got != (c.default_text if c.default_sql is not None else None):
                            raise Mismatch('%s.%s reset: %r, default is %r' % (tn, c.name, got, c.default_text))
                    elif c.starred:
                        if got != (src or '') + '*':
                            raise Mismatch('%s.%s of the copy of r id=%s: %r, value rule says %r'
                                           % (tn, c.name, sb.val(i, RID), got, (src or '') + '*'))
                    elif c.identity or (c.name in t.pk and fresh_key_value(t, c)):
                        if got is None or got == src:
                            raise Mismatch('%s.%s of the copy of r id=%s: %r is not fresh (source %r)'
                                           % (tn, c.name, sb.val(i, RID), got, src))
                    elif c.name in remap_cols:
                        pass
                    elif got != src:
                        raise Mismatch('%s.%s of the copy of r id=%s: %r, source has %r'
                                       % (tn, c.name, sb.val(i, RID), got, src))
                for f, hits in fk_targets:
                    gv = sa.vals(j, f.cols)
                    match = None
                    for h in hits:
                        for pj in copies_of.get((f.parent.name, h), []):
                            if after[f.parent.name].vals(pj, f.pcols) == gv:
                                match = (f.parent.name, pj)
                    if match is None:
                        raise Mismatch('%s %s of the copy of r id=%s is %s: not a copy of the referenced '
                                       'row %s r id=%s (source value %s)'
                                       % (tn, f.name, sb.val(i, RID), gv, f.parent.name,
                                          before[f.parent.name].val(hits[0], RID), sb.vals(i, f.cols)))
                    union((tn, j), match)
        # independent copies: no component holds two copies of one row
        comp = collections.defaultdict(set)
        for (tn, j), i in src_of.items():
            r = find((tn, j))
            if (tn, i) in comp[r]:
                raise Mismatch('copies are not independent: two copies of %s r id=%s reference each other'
                               % (tn, before[tn].val(i, RID)))
            comp[r].add((tn, i))
        # 4. what the function returned
        if fn == 'clone_row':
            (v, typ), = res
            if typ != keytype:
                raise Mismatch('clone_row returned %s, key was passed as %s' % (typ, keytype))
            (rt, ri), = roots
            kv = self.key_text_from_result(root, v, typ)
            cj, = copies_of[(rt.name, ri)]
            if kv != after[rt.name].vals(cj, rt.pk):
                raise Mismatch('clone_row returned %s, the copy has key %s' % (v, after[rt.name].vals(cj, rt.pk)))
        elif fn == 'clone_rows':
            distinct = []
            for (rt, ri) in roots:
                distinct.append(ri)
            if len(res) != copies * len(distinct):
                raise Mismatch('clone_rows returned %d rows, model expects %d' % (len(res), copies * len(distinct)))
            seen_new = set()
            order = []
            for (ok, nk, typ) in res:
                if typ != keytype:
                    raise Mismatch('clone_rows new_key is %s, keys were %s[]' % (typ, keytype))
                okv = self.key_text_from_result(root, ok, typ)
                nkv = self.key_text_from_result(root, nk, typ)
                hits = before[root.name].index(root.pk).get(okv, [])
                if len(hits) != 1:
                    raise Mismatch('clone_rows old_key %s matches %d source rows' % (ok, len(hits)))
                cj = [j for j in copies_of[(root.name, hits[0])]
                      if after[root.name].vals(j, root.pk) == nkv]
                if len(cj) != 1 or nkv in seen_new:
                    raise Mismatch('clone_rows new_key %s is not a distinct copy of %s' % (nk, ok))
                seen_new.add(nkv)
                if not order or order[-1] != hits[0]:
                    order.append(hits[0])
            if order != distinct:
                raise Mismatch('clone_rows rows not in the order of the keys array: %s vs %s'
                               % (order, distinct))
        elif fn == 'clone_graph':
            if len(res) != len(depth):
                raise Mismatch('clone_graph returned %d rows, model expects %d' % (len(res), len(depth)))
            last = -1
            seen = set()
            for n, (oid, ok, nk, d) in enumerate(res):
                tt = m.by_oid.get(oid)
                if tt is None:
                    raise Mismatch('clone_graph: unknown relation %s' % oid)
                if n == 0 and (tt is not root or d != 0):
                    raise Mismatch('clone_graph: first row is %s depth %s, not the source row' % (tt.name, d))
                if d < last:
                    raise Mismatch('clone_graph: rows not ordered by depth')
                last = d
                if not tt.pk:
                    if ok is not None or nk is not None:
                        raise Mismatch('clone_graph: keys for %s which has no primary key' % tt.name)
                    continue
                okv = self.key_text_from_result(tt, ok, 'jsonb')
                nkv = self.key_text_from_result(tt, nk, 'jsonb')
                hits = before[tt.name].index(tt.pk).get(okv, [])
                if len(hits) != 1 or (tt.name, hits[0]) not in depth:
                    raise Mismatch('clone_graph: old_key %s of %s is not in the model\'s set' % (ok, tt.name))
                if (tt.name, hits[0]) in seen:
                    raise Mismatch('clone_graph: %s %s listed twice' % (tt.name, ok))
                seen.add((tt.name, hits[0]))
                cj, = copies_of[(tt.name, hits[0])]
                if after[tt.name].vals(cj, tt.pk) != nkv:
                    raise Mismatch('clone_graph: new_key %s of %s %s is not its copy (%s)'
                                   % (nk, tt.name, ok, after[tt.name].vals(cj, tt.pk)))
                if d != depth[(tt.name, hits[0])]:
                    raise Mismatch('clone_graph: %s %s at depth %s, model says %s'
                                   % (tt.name, ok, d, depth[(tt.name, hits[0])]))
            npk = collections.Counter(m.by_oid[r[0]].name for r in res)
            if npk != collections.Counter(tn for tn, _ in depth):
                raise Mismatch('clone_graph rows per table %s, model %s' % (
                    sorted(npk.items()), sorted(collections.Counter(tn for tn, _ in depth).items())))

    def override_text(self, t, c, v):
        if v is None:
            return None
        key = (self.schema_no, t.name, c.name, c.typ, json.dumps(v, sort_keys=True))
        cache = self.__dict__.setdefault('_ovcache', {})
        if key not in cache:
            cache[key] = self.one('SELECT (jsonb_populate_record(NULL::%s, %s::jsonb)).%s::text'
                                  % (t.qname(), lit(json.dumps({c.name: v}, ensure_ascii=False)),
                                     qi(c.name)))[0]
        return cache[key]

    # ---- findings
    def finding(self, kind, ctx, detail):
        self.stats['findings'] += 1
        n = len(self.findings) + 1
        f = dict(ctx, kind=kind, detail=detail, batch=list(self.batch_sql))
        self.findings.append(f)
        if n <= 20:
            print('\n!!! %s (call %d, seed %s, schema %s)\n    %s\n    %s\n    expected errors: %s'
                  % (kind, ctx['call'], ctx['seed'], ctx['schema'], ctx['sql'], detail, ctx['codes']),
                  flush=True)
        if n <= self.args.dumps or (kind != 'mismatch' and self.kinds_dumped[kind] < 2):
            self.kinds_dumped[kind] += 1
            self.dump_repro(n, f)

    @staticmethod
    def classify(kind, detail):
        """A short class of a finding, for the summary."""
        import re
        pats = [
            (r'of the copy of r id=\S+: None, source has', 'copy has NULL where the source has a value'),
            (r'new rows, model expects', 'number of copies differs from the model'),
            (r'has \d+ copies, model expects', 'number of copies differs from the model'),
            (r'not a copy of the referenced row', 'reference into the set not remapped'),
            (r'clone_plan tables/depths', 'clone_plan tables or depths differ from the model'),
            (r'at depth \S+, model says', 'clone_graph depth differs from the model'),
            (r'is not fresh', 'a fresh value was expected'),
            (r'override says', 'override not applied'),
            (r'reset:', 'reset not applied'),
            (r'original rows changed', 'an original row changed'),
            (r'duplicate key value', 'duplicate key'),
        ]
        for rx, name in pats:
            if re.search(rx, detail or ''):
                return '%s: %s' % (kind, name)
        return kind

    def dump_repro(self, n, f):
        """The schema as it was at the start of this transaction (pg_dump) and
        the calls of the transaction up to the failing one."""
        path = os.path.join(self.outdir, 'finding-%d.sql' % n)
        f['repro'] = path
        try:
            self.pending_dumps.append((path, f))
        except AttributeError:
            self.pending_dumps = [(path, f)]

    def write_dumps(self):
        for path, f in getattr(self, 'pending_dumps', []):
            try:
                r = subprocess.run(['pg_dump', '--no-owner', '-n', qi(self.m.schema)]
                                   + ([self.args.dbname] if self.args.dbname else []),
                                   capture_output=True, text=True, timeout=120)
                d = r.stdout + ''.join('-- ' + x + '\n' for x in r.stderr.splitlines())
            except Exception as e:       # noqa
                d = '-- pg_dump failed: %s\n' % e
            with open(path, 'w') as fh:
                fh.write('-- rowclone stress finding: %s\n-- %s\n-- seed %s, call %d\n'
                         % (f['kind'], f['detail'].replace('\n', '\n-- '), f['seed'], f['call']))
                fh.write('CREATE EXTENSION IF NOT EXISTS rowclone;\n%s;\n' % EXEC_FUNCTION)
                fh.write(d)
                fh.write('\nSET search_path = %s;\nBEGIN;\n' % self.search_path)
                for s in f['batch']:
                    fh.write(s + ';\n')
                fh.write('ROLLBACK;\n')
            print('    reproducer: %s' % path, flush=True)
        self.pending_dumps = []

    # ---- main loop
    def run(self):
        rng = self.rng
        t_start = time.time()
        calls_left = self.args.calls
        schema_left = 0
        while calls_left > 0:
            try:
                if schema_left <= 0:
                    self.new_schema()
                    schema_left = rng.randint(60, 200)
                if rng.random() < 0.03:
                    self.perturb()
                self.batch_sql = []
                snap = self.snapshot()
                n = min(calls_left, rng.randint(1, 4))
                nf = len(self.findings)
                for _ in range(n):
                    self.do_call(snap)
                    snap = self.snapshot()
                calls_left -= n
                schema_left -= n
                if rng.random() < 0.2 and len(self.findings) == nf:
                    self.conn.commit()
                    self.stats['commits'] += 1
                else:
                    self.conn.rollback()
                self.write_dumps()
            except (psycopg2.OperationalError, psycopg2.InterfaceError) as e:
                if self.conn.closed or 'terminat' in str(e) or 'closed' in str(e):
                    self.crashes += 1
                    print('\n!!! CRASH (connection lost) at call %d, seed %s: %s\n    last clone call of the transaction: %s'
                          % (self.call_no, self.seed, str(e).strip(), self.batch_sql[-1:]), flush=True)
                    self.findings.append(dict(kind='crash', call=self.call_no, seed=self.seed,
                                              sql=(self.batch_sql or [''])[-1], detail=str(e)))
                    time.sleep(2)
                    self.connect()
                    schema_left = 0
                    calls_left -= 1
                else:
                    raise
            if self.args.progress and self.call_no // 250 != getattr(self, '_last_progress', 0):
                self._last_progress = self.call_no // 250
                print('  gen: %d calls, %d checked, %d findings, %.0fs' % (
                    self.call_no, self.stats['calls checked'], len(self.findings), time.time() - t_start),
                    flush=True)
        self.conn.rollback()
        self.duration = time.time() - t_start

    def setup_only(self, nschemas):
        global PLAIN, RID
        PLAIN = True
        RID = 'rid'
        names = []
        for k in range(nschemas):
            sname = 'smith_%d' % k
            b = Builder(self, self.rng, sname)
            m = b.build(self.rng.randint(5, 8))
            self.conn.commit()
            names.append(m)
        return names


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--calls', type=int, default=2000)
    ap.add_argument('--seed', type=int, default=None)
    ap.add_argument('--dbname', default=None)
    ap.add_argument('--outdir', default=os.environ.get('STRESS_OUT', '/tmp/rowclone-stress'))
    ap.add_argument('--progress', action='store_true')
    ap.add_argument('--dumps', type=int, default=5,
                    help='write a reproducer (pg_dump + calls) for the first N findings '
                         '(and the first two of every other kind)')
    ap.add_argument('--setup-only', action='store_true')
    ap.add_argument('--schemas', type=int, default=3)
    ap.add_argument('--avoid', default=os.environ.get('STRESS_AVOID', ''),
                    help='schema shapes to leave out (comma list: cycles = no reference from a '
                         'table to a later one, ukref = no reference to a unique non-key column), '
                         'to look past a known bug')
    args = ap.parse_args()
    if args.seed is None:
        args.seed = random.SystemRandom().randrange(1, 2 ** 31)
    g = Gen(args)
    if args.setup_only:
        models = g.setup_only(args.schemas)
        # the targets sqlsmith's wrappers read: valid (rel, key) pairs
        g.exec('CREATE TABLE IF NOT EXISTS public.rc_target (rel regclass, k int8, kt text, kj jsonb, '
               'keys int8[], ov jsonb, rs text[], sk regclass[], md int4, n int4, cas bool)')
        for m in models:
            for t in m.tables:
                if not t.pk:
                    continue
                for (kt, kj) in g.all('SELECT %s::text, jsonb_build_object(%s) FROM %s LIMIT 20' % (
                        ' || \',\' || '.join(qi(n) + '::text' for n in t.pk),
                        ', '.join('%s, %s' % (lit(n), qi(n)) for n in t.pk), t.qname())):
                    kint = int(kt) if kt.isdigit() else None
                    pay = [c for c in t.cols if c.kind == 'payload']
                    ov = json.dumps({pay[0].name: 'x'}) if pay and pay[0].typ == 'text' else '{}'
                    g.exec('INSERT INTO public.rc_target VALUES (%s::regclass, %s, %s, %s::jsonb, %s, '
                           '%s::jsonb, %s, %s, %s, %s, %s)' % (
                               lit(t.qname()), kint if kint is not None else 'NULL', lit(kt), lit(json.dumps(kj)),
                               "'{%s}'::int8[]" % kint if kint is not None else 'NULL', lit(ov),
                               "'{}'::text[]", "'{}'::regclass[]", g.rng.choice(['NULL', '0', '1', '2']),
                               g.rng.randint(1, 3), g.rng.choice(['true', 'false'])))
        g.conn.commit()
        print('setup: %d schemas, %d tables' % (len(models), sum(len(m.tables) for m in models)))
        return 0
    print('gen: seed %d, %d calls' % (args.seed, args.calls), flush=True)
    try:
        g.run()
    except Exception:
        traceback.print_exc()
        g.findings.append(dict(kind='generator failure', call=g.call_no, seed=g.seed,
                               sql=(g.batch_sql or [''])[-1], detail=traceback.format_exc()))
        g.duration = 0
    summary = dict(seed=args.seed, calls=g.call_no, checked=g.stats['calls checked'],
                   rows_checked=g.stats['rows checked'],
                   checked_multi_table=g.stats['checked with 2+ tables'],
                   checked_10_rows=g.stats['checked with 10+ rows'],
                   checked_copies_gt_1=g.stats['checked copies > 1'],
                   modes={k[5:]: v for k, v in g.stats.items() if k.startswith('mode ')},
                   schemas=g.stats['schemas'], tables=g.stats['tables'],
                   by_function={k[6:]: v for k, v in g.stats.items() if k.startswith('calls ') and k != 'calls checked'},
                   ddl={k[4:]: v for k, v in g.stats.items() if k.startswith('ddl ')},
                   rules={k[5:]: v for k, v in g.stats.items() if k.startswith('rule ')},
                   expected_errors=dict(sorted(g.errors.items())),
                   unexpected_errors=dict(sorted(g.unexpected.items())),
                   mismatches=sum(1 for f in g.findings if f['kind'] in ('mismatch', 'unexpected success', 'not atomic')),
                   findings=len(g.findings), crashes=g.crashes,
                   finding_kinds=dict(collections.Counter(f['kind'] for f in g.findings)),
                   finding_classes=dict(collections.Counter(Gen.classify(f['kind'], f.get('detail'))
                                                            for f in g.findings).most_common()),
                   duration=round(g.duration, 1))
    print('STRESS-GEN-SUMMARY ' + json.dumps(summary), flush=True)
    return 0 if not g.findings and not g.crashes else 1


if __name__ == '__main__':
    sys.exit(main())
