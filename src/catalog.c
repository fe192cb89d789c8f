/*-------------------------------------------------------------------------
 *
 * catalog.c
 *	  Table metadata for rowclone, read from the relcache and syscache
 *	  (never through SQL, which a search_path could redirect), cached per
 *	  backend and invalidated by a relcache callback.
 *
 * Owns: RowcloneTable entries, their memory, the invalidation callback,
 * and the "retired" list of stale entries and plans that are freed once
 * no clone is running in this backend.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/genam.h"
#include "access/relation.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "catalog/catalog.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_index.h"
#include "catalog/pg_type.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "storage/lmgr.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/reltrigger.h"
#include "utils/syscache.h"

#include "catalog.h"
#include "compat.h"
#include "citus.h"
#include "rules.h"

/* A hash slot: the entry itself lives in its own context. */
typedef struct TableCacheSlot
{
	Oid			relid;			/* hash key: must be first */
	RowcloneTable *table;
} TableCacheSlot;

static HTAB *table_cache = NULL;
static MemoryContext cache_cxt = NULL;
static List *retired_contexts = NIL;	/* allocated in cache_cxt */
static RowcloneInvalidateHook invalidate_hook = NULL;

static void
rowclone_relcache_callback(Datum arg, Oid relid)
{
	if (table_cache != NULL)
	{
		if (OidIsValid(relid))
		{
			TableCacheSlot *slot = hash_search(table_cache, &relid, HASH_FIND, NULL);

			if (slot != NULL)
				slot->table->valid = false;
		}
		else
		{
			HASH_SEQ_STATUS status;
			TableCacheSlot *slot;

			hash_seq_init(&status, table_cache);
			while ((slot = hash_seq_search(&status)) != NULL)
				slot->table->valid = false;
		}
	}
	if (invalidate_hook != NULL)
		invalidate_hook(relid);
}

/*
 * Set up the cache and register the invalidation callback; called once per
 * backend from _PG_init.
 */
void
rowclone_catalog_init(void)
{
	HASHCTL		ctl;

	cache_cxt = AllocSetContextCreate(TopMemoryContext, "rowclone cache",
									  ALLOCSET_DEFAULT_SIZES);
	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(Oid);
	ctl.entrysize = sizeof(TableCacheSlot);
	ctl.hcxt = cache_cxt;
	table_cache = hash_create("rowclone tables", 64, &ctl,
							  HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	CacheRegisterRelcacheCallback(rowclone_relcache_callback, (Datum) 0);
}

void
rowclone_catalog_set_invalidate_hook(RowcloneInvalidateHook hook)
{
	invalidate_hook = hook;
}

/*
 * Queue a memory context for deletion once no clone is running.  Plans
 * retire their contexts here too: a stale plan may still be executing
 * further up the stack (a clone fired from a trigger of a clone).
 */
void
rowclone_retire_context(MemoryContext cxt)
{
	MemoryContext old = MemoryContextSwitchTo(cache_cxt);

	retired_contexts = lappend(retired_contexts, cxt);
	MemoryContextSwitchTo(old);
}

/*
 * Free what was retired.  Only call this when no clone is running in the
 * backend.  Reset callbacks registered on the contexts (see plancache.c) free
 * the SPI plans they own.
 */
void
rowclone_release_retired(void)
{
	ListCell   *lc;

	if (retired_contexts == NIL)
		return;
	foreach(lc, retired_contexts)
		MemoryContextDelete((MemoryContext) lfirst(lc));
	list_free(retired_contexts);
	retired_contexts = NIL;
}

/*
 * "schema"."type", quoted and qualified, so that generated SQL cannot be
 * redirected by the caller's search_path.  No typmod: casts in generated
 * SQL must not truncate, and assignment to the column applies its typmod.
 */
char *
rowclone_qualified_type_name(Oid typid)
{
	HeapTuple	tup;
	Form_pg_type typform;
	char	   *result;

	tup = SearchSysCache1(TYPEOID, ObjectIdGetDatum(typid));
	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for type %u", typid);
	typform = (Form_pg_type) GETSTRUCT(tup);
	result = quote_qualified_identifier(get_namespace_name(typform->typnamespace),
										NameStr(typform->typname));
	ReleaseSysCache(tup);
	return result;
}

static void
read_primary_key(RowcloneTable *table, Relation rel)
{
	Oid			pkoid = rowclone_primary_key_index(rel);
	HeapTuple	tup;
	Form_pg_index index;
	Datum		indclass_datum;
	oidvector  *indclass;
	bool		isnull;

	table->npk = 0;
	if (!OidIsValid(pkoid))
		return;

	tup = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(pkoid));
	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for index %u", pkoid);
	index = (Form_pg_index) GETSTRUCT(tup);
	indclass_datum = SysCacheGetAttr(INDEXRELID, tup, Anum_pg_index_indclass, &isnull);
	Assert(!isnull);
	indclass = (oidvector *) DatumGetPointer(indclass_datum);

	table->npk = index->indnkeyatts;
	for (int i = 0; i < table->npk; i++)
	{
		Oid			opclass = indclass->values[i];
		Oid			opfamily = get_opclass_family(opclass);
		Oid			opcintype = get_opclass_input_type(opclass);

		table->pk_attnums[i] = index->indkey.values[i];
		table->pk_opcintype[i] = opcintype;
		table->pk_eqop[i] = get_opfamily_member(opfamily, opcintype, opcintype,
												BTEqualStrategyNumber);
		if (!OidIsValid(table->pk_eqop[i]))
			elog(ERROR, "missing equality operator for primary key of relation %u",
				 table->relid);
	}
	ReleaseSysCache(tup);
}

/* Are a (na columns) and b (nb) the same set of columns, in any order? */
bool
rowclone_same_columns(int na, const AttrNumber *a, int nb, const AttrNumber *b)
{
	if (na != nb)
		return false;
	for (int i = 0; i < na; i++)
	{
		bool		found = false;

		for (int j = 0; j < nb; j++)
			if (a[i] == b[j])
				found = true;
		if (!found)
			return false;
	}
	return true;
}

static bool
fk_is_parent_link(RowcloneTable *table, RowcloneForeignKey *fk)
{
	return fk->confrelid != table->relid && table->npk > 0 &&
		rowclone_same_columns(fk->nkeys, fk->conkey, table->npk, table->pk_attnums);
}

static void
read_foreign_keys(RowcloneTable *table, Relation rel)
{
	List	   *fklist = RelationGetFKeyList(rel);
	ListCell   *lc;
	int			n = 0;

	table->fkeys = palloc0(sizeof(RowcloneForeignKey) * Max(list_length(fklist), 1));
	foreach(lc, fklist)
	{
		ForeignKeyCacheInfo *info = (ForeignKeyCacheInfo *) lfirst(lc);
		RowcloneForeignKey *fk = &table->fkeys[n++];
		HeapTuple	tup;
		Form_pg_constraint con;

		fk->conoid = info->conoid;
		fk->confrelid = info->confrelid;
		fk->nkeys = info->nkeys;
		memcpy(fk->conkey, info->conkey, sizeof(AttrNumber) * info->nkeys);
		memcpy(fk->confkey, info->confkey, sizeof(AttrNumber) * info->nkeys);
		memcpy(fk->pf_eq_oprs, info->conpfeqop, sizeof(Oid) * info->nkeys);

		tup = SearchSysCache1(CONSTROID, ObjectIdGetDatum(info->conoid));
		if (!HeapTupleIsValid(tup))
			elog(ERROR, "cache lookup failed for constraint %u", info->conoid);
		con = (Form_pg_constraint) GETSTRUCT(tup);
		fk->conname = pstrdup(NameStr(con->conname));
		fk->confdeltype = con->confdeltype;
		fk->conparentid = con->conparentid;
		ReleaseSysCache(tup);

		/*
		 * A foreign key to a partitioned table has, on the same referencing
		 * table, one clone per partition of the referenced table; a clone on
		 * a partition of the referencing table (inherited) is its own link.
		 */
		if (OidIsValid(fk->conparentid))
		{
			tup = SearchSysCache1(CONSTROID, ObjectIdGetDatum(fk->conparentid));
			if (HeapTupleIsValid(tup))
			{
				fk->for_referenced_partition =
					((Form_pg_constraint) GETSTRUCT(tup))->conrelid == table->relid;
				ReleaseSysCache(tup);
			}
		}

		fk->is_parent_link = !fk->for_referenced_partition &&
			fk_is_parent_link(table, fk);
	}
	table->nfkeys = n;
}

/*
 * The unique keys other than the primary key that bind every row: unique
 * constraints and unique indexes on plain columns without a predicate
 * (clone_plan warns when copies would repeat them).
 */
static void
read_unique_keys(RowcloneTable *table, Relation rel)
{
	List	   *indexes = RelationGetIndexList(rel);
	ListCell   *lc;

	table->unique_ncols = palloc0(sizeof(int) * Max(list_length(indexes), 1));
	table->unique_cols = palloc0(sizeof(AttrNumber *) * Max(list_length(indexes), 1));
	foreach(lc, indexes)
	{
		HeapTuple	tup = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(lfirst_oid(lc)));
		Form_pg_index index;
		bool		plain = true;

		if (!HeapTupleIsValid(tup))
			elog(ERROR, "cache lookup failed for index %u", lfirst_oid(lc));
		index = (Form_pg_index) GETSTRUCT(tup);
		for (int k = 0; k < index->indnkeyatts; k++)
			if (index->indkey.values[k] == 0)
				plain = false;	/* an expression */
		if (index->indisunique && !index->indisprimary && plain &&
			heap_attisnull(tup, Anum_pg_index_indpred, NULL))
		{
			int			u = table->nuniques++;

			table->unique_ncols[u] = index->indnkeyatts;
			table->unique_cols[u] = palloc(sizeof(AttrNumber) * index->indnkeyatts);
			for (int k = 0; k < index->indnkeyatts; k++)
				table->unique_cols[u][k] = index->indkey.values[k];
		}
		ReleaseSysCache(tup);
	}
}

static void
build_table_entry(RowcloneTable *table, Relation rel)
{
	TupleDesc	desc = RelationGetDescr(rel);
	int			n = 0;

	table->relkind = rel->rd_rel->relkind;
	/* a partition may have row triggers of its own: assume it does */
	table->insert_triggers_may_change_keys =
		table->relkind == RELKIND_PARTITIONED_TABLE ||
		(rel->trigdesc != NULL && rel->trigdesc->trig_insert_before_row);
	table->nspoid = RelationGetNamespace(rel);
	table->nspname = get_namespace_name(table->nspoid);
	table->relname = pstrdup(RelationGetRelationName(rel));
	table->sql_name = quote_qualified_identifier(table->nspname, table->relname);

	read_primary_key(table, rel);

	table->columns = palloc0(sizeof(RowcloneColumn) * Max(desc->natts, 1));
	for (int i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute attr = TupleDescAttr(desc, i);
		RowcloneColumn *col;

		if (attr->attisdropped)
			continue;
		col = &table->columns[n++];
		col->attnum = attr->attnum;
		col->name = pstrdup(NameStr(attr->attname));
		col->typid = attr->atttypid;
		col->identity = attr->attidentity;
		col->generated = attr->attgenerated;
		col->has_default = attr->atthasdef;
		col->not_null = attr->attnotnull;
		col->pk_position = -1;
		for (int k = 0; k < table->npk; k++)
			if (table->pk_attnums[k] == attr->attnum)
				col->pk_position = k;
	}
	table->ncolumns = n;

	read_foreign_keys(table, rel);
	read_unique_keys(table, rel);
	rowclone_citus_table(table->relid, &table->citus_partmethod, &table->citus_distcol);
	rowclone_rules_apply(table);
}

/*
 * Return the valid metadata of a table, building it if needed.
 *
 * Takes AccessShareLock on the table (kept until transaction end) before
 * looking at the cache, so that pending invalidations are processed first.
 * The result lives until the entry is invalidated and no clone runs.
 */
RowcloneTable *
rowclone_table_get(Oid relid)
{
	TableCacheSlot *slot;
	RowcloneTable *table;
	MemoryContext cxt;
	MemoryContext old;
	Relation	rel;
	bool		found;

	LockRelationOid(relid, AccessShareLock);

	slot = hash_search(table_cache, &relid, HASH_FIND, NULL);
	if (slot != NULL && slot->table->valid)
		return slot->table;

	/* Build under the caller's context first: an error leaks nothing. */
	cxt = AllocSetContextCreate(CurrentMemoryContext, "rowclone table",
								ALLOCSET_SMALL_SIZES);
	old = MemoryContextSwitchTo(cxt);
	table = palloc0(sizeof(RowcloneTable));
	table->relid = relid;
	table->cxt = cxt;
	rel = relation_open(relid, NoLock);
	build_table_entry(table, rel);
	relation_close(rel, NoLock);
	MemoryContextSwitchTo(old);
	MemoryContextSetIdentifier(cxt, table->relname);
	MemoryContextSetParent(cxt, cache_cxt);

	/* a caller may still hold the stale entry: it stays until no clone runs */
	slot = hash_search(table_cache, &relid, HASH_ENTER, &found);
	if (found)
		rowclone_retire_context(slot->table->cxt);
	slot->table = table;
	table->valid = true;
	return table;
}

/*
 * Error if the table belongs to PostgreSQL itself: superusers may INSERT
 * into catalogs, and a copied catalog row corrupts them.
 */
void
rowclone_check_user_table(RowcloneTable *table)
{
	if (IsCatalogNamespace(table->nspoid) || IsToastNamespace(table->nspoid) ||
		table->nspoid == get_namespace_oid("information_schema", true))
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("cannot clone rows of system table \"%s.%s\"",
						table->nspname, table->relname),
				 errdetail("Tables in schema \"%s\" belong to PostgreSQL; rowclone copies rows of user tables only.",
						   table->nspname)));
}

/* Error unless table is a plain or partitioned user table. */
void
rowclone_check_table(RowcloneTable *table)
{
	rowclone_check_user_table(table);
	if (table->relkind != RELKIND_RELATION &&
		table->relkind != RELKIND_PARTITIONED_TABLE)
	{
		const char *what;

		switch (table->relkind)
		{
			case RELKIND_VIEW:
				what = "a view";
				break;
			case RELKIND_MATVIEW:
				what = "a materialized view";
				break;
			case RELKIND_SEQUENCE:
				what = "a sequence";
				break;
			case RELKIND_FOREIGN_TABLE:
				what = "a foreign table";
				break;
			case RELKIND_INDEX:
			case RELKIND_PARTITIONED_INDEX:
				what = "an index";
				break;
			case RELKIND_COMPOSITE_TYPE:
				what = "a composite type";
				break;
			default:
				what = "not a table";
				break;
		}
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("cannot clone rows of \"%s\"", rowclone_display_name(table)),
				 errdetail("\"%s\" is %s; only tables and partitioned tables can be cloned.",
						   rowclone_display_name(table), what)));
	}
}

/*
 * Error unless rows of this table can be cloned at all: a plain or
 * partitioned user table with a primary key.
 */
void
rowclone_check_cloneable(RowcloneTable *table)
{
	rowclone_check_table(table);
	if (table->npk == 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("table \"%s\" has no primary key", rowclone_display_name(table)),
				 errdetail("rowclone identifies source rows and their copies by primary key."),
				 errhint("Add a primary key to the table.")));
}

/*
 * The table's name for messages: bare when the search_path finds it,
 * schema-qualified otherwise, as regclass prints it.
 */
char *
rowclone_display_name(RowcloneTable *table)
{
	if (RelationIsVisible(table->relid))
		return table->relname;
	return psprintf("%s.%s", table->nspname, table->relname);
}

RowcloneColumn *
rowclone_column_by_name(RowcloneTable *table, const char *name)
{
	for (int i = 0; i < table->ncolumns; i++)
		if (strcmp(table->columns[i].name, name) == 0)
			return &table->columns[i];
	return NULL;
}

RowcloneColumn *
rowclone_column_by_attnum(RowcloneTable *table, AttrNumber attnum)
{
	for (int i = 0; i < table->ncolumns; i++)
		if (table->columns[i].attnum == attnum)
			return &table->columns[i];
	return NULL;
}

/*
 * Whether a cloned foreign key exists because its referenced table is a
 * partition (the parent constraint is on the same referencing table), as
 * opposed to one inherited by a partition of the referencing table.
 */
static bool
clone_for_referenced_partition(Form_pg_constraint con)
{
	HeapTuple	tup = SearchSysCache1(CONSTROID, ObjectIdGetDatum(con->conparentid));
	bool		result = false;

	if (HeapTupleIsValid(tup))
	{
		result = ((Form_pg_constraint) GETSTRUCT(tup))->conrelid == con->conrelid;
		ReleaseSysCache(tup);
	}
	return result;
}

/*
 * Find the foreign keys that reference this table, as
 * heap_truncate_find_FKs does: pg_constraint has no index on confrelid, so
 * scan it.  Done once per cache entry; creating or dropping such a key
 * changes the referenced table's triggers and so invalidates the entry.
 * Keys cloned onto partitions of a partitioned referencing table are left
 * out: the partitioned table's own key stands for them.  Keys cloned for
 * this table as a partition of a referenced partitioned table are kept, so
 * that a clone of a single partition follows them.
 */
void
rowclone_table_load_references(RowcloneTable *table)
{
	Relation	conrel;
	SysScanDesc scan;
	HeapTuple	tup;

	if (table->refs_loaded)
		return;
	table->nrefs = 0;
	conrel = table_open(ConstraintRelationId, AccessShareLock);
	scan = systable_beginscan(conrel, InvalidOid, false, NULL, 0, NULL);
	while ((tup = systable_getnext(scan)) != NULL)
	{
		Form_pg_constraint con = (Form_pg_constraint) GETSTRUCT(tup);

		CHECK_FOR_INTERRUPTS();
		if (con->contype != CONSTRAINT_FOREIGN || con->confrelid != table->relid)
			continue;
		if (OidIsValid(con->conparentid) && !clone_for_referenced_partition(con))
			continue;
		rowclone_table_add_reference(table, con->oid, con->conrelid, 0, NULL);
	}
	systable_endscan(scan);
	table_close(conrel, AccessShareLock);
	rowclone_rules_load_links_to(table);
	table->refs_loaded = true;
}

/* One more key that references table: a foreign key (conoid) or a link. */
void
rowclone_table_add_reference(RowcloneTable *table, Oid conoid, Oid conrelid,
							 int nlink, const AttrNumber *link)
{
	MemoryContext old = MemoryContextSwitchTo(table->cxt);

	if (table->ref_conoids == NULL)
	{
		table->ref_conoids = palloc(sizeof(Oid) * 8);
		table->ref_conrelids = palloc(sizeof(Oid) * 8);
		table->ref_links = palloc(sizeof(AttrNumber *) * 8);
	}
	else if (table->nrefs >= 8 && (table->nrefs & (table->nrefs - 1)) == 0)
	{
		/* a power of two at least 8: full */
		table->ref_conoids = repalloc(table->ref_conoids, sizeof(Oid) * table->nrefs * 2);
		table->ref_conrelids = repalloc(table->ref_conrelids, sizeof(Oid) * table->nrefs * 2);
		table->ref_links = repalloc(table->ref_links, sizeof(AttrNumber *) * table->nrefs * 2);
	}
	table->ref_conoids[table->nrefs] = conoid;
	table->ref_conrelids[table->nrefs] = conrelid;
	table->ref_links[table->nrefs] = NULL;
	if (link != NULL)
	{
		table->ref_links[table->nrefs] = palloc(sizeof(AttrNumber) * (nlink + 1));
		table->ref_links[table->nrefs][0] = nlink;
		memcpy(table->ref_links[table->nrefs] + 1, link, sizeof(AttrNumber) * nlink);
	}
	table->nrefs++;
	MemoryContextSwitchTo(old);
}

/*
 * The foreign key or link of reference r of table, in the table that holds
 * it (*child_out); NULL when it is gone (concurrently dropped: the cache
 * will know).
 */
RowcloneForeignKey *
rowclone_referencing_fkey(RowcloneTable *table, int r, RowcloneTable **child_out)
{
	RowcloneTable *child = rowclone_table_get(table->ref_conrelids[r]);

	*child_out = child;
	if (OidIsValid(table->ref_conoids[r]))
		return rowclone_fkey_by_oid(child, table->ref_conoids[r]);
	for (int f = 0; f < child->nfkeys; f++)
	{
		RowcloneForeignKey *fk = &child->fkeys[f];

		/* a link's columns are kept in ascending order */
		if (fk->is_link && fk->confrelid == table->relid &&
			fk->nkeys == table->ref_links[r][0] &&
			memcmp(fk->conkey, table->ref_links[r] + 1, sizeof(AttrNumber) * fk->nkeys) == 0)
			return fk;
	}
	return NULL;
}

RowcloneForeignKey *
rowclone_fkey_by_oid(RowcloneTable *table, Oid conoid)
{
	for (int i = 0; i < table->nfkeys; i++)
		if (table->fkeys[i].conoid == conoid)
			return &table->fkeys[i];
	return NULL;
}

/*
 * Whether fk references exactly target's primary key; if so and pos is
 * not NULL, pos[k] is the PK position of fk's k-th referenced column.
 */
bool
rowclone_fk_primary_key_positions(RowcloneForeignKey *fk, RowcloneTable *target, int *pos)
{
	if (fk->nkeys != target->npk)
		return false;
	for (int k = 0; k < fk->nkeys; k++)
	{
		int			found = -1;

		for (int j = 0; j < target->npk; j++)
			if (target->pk_attnums[j] == fk->confkey[k])
				found = j;
		if (found < 0)
			return false;
		if (pos != NULL)
			pos[k] = found;
	}
	return true;
}
/*
 * The is-a link of a table: a foreign key whose columns are exactly its
 * primary key and which references another table's primary key.
 */
RowcloneForeignKey *
rowclone_find_parent_link(RowcloneTable *table, RowcloneTable **parent_out)
{
	RowcloneForeignKey *link = NULL;
	RowcloneTable *parent = NULL;

	for (int i = 0; i < table->nfkeys; i++)
	{
		RowcloneForeignKey *fk = &table->fkeys[i];
		RowcloneTable *candidate;

		if (!fk->is_parent_link)
			continue;
		candidate = rowclone_table_get(fk->confrelid);
		if (!rowclone_fk_primary_key_positions(fk, candidate, NULL))
			continue;
		if (link != NULL)
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("table \"%s\" has more than one parent table",
							rowclone_display_name(table)),
					 errdetail("Its primary key references both \"%s\" (constraint \"%s\") and \"%s\" (constraint \"%s\"); a copy cannot take the new key of two parent rows.",
							   rowclone_display_name(parent), link->conname,
							   rowclone_display_name(candidate), fk->conname)));
		link = fk;
		parent = candidate;
	}
	*parent_out = parent;
	return link;
}

