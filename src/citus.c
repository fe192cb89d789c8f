/*-------------------------------------------------------------------------
 *
 * citus.c
 *	  What rowclone knows of Citus, when it is installed.
 *
 * Owns: the lookup of a table's distribution method and column in Citus's catalog
 * (pg_dist_partition in pg_catalog, read with a catalog scan: no SQL, so
 * no search_path reaches it), whether this server is a worker
 * (pg_dist_local_group) and what it cannot do there, and the settings a clone runs with under
 * Citus (a clone that writes a reference table and reads distributed ones
 * runs its statements in Citus's sequential mode: after the parallel reads
 * of a cascade over distributed tables, Citus refuses a write to a
 * reference table in the same transaction otherwise).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_type.h"
#include "nodes/primnodes.h"
#include "nodes/readfuncs.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

#include "citus.h"

/*
 * How Citus distributes relid, from pg_dist_partition in pg_catalog: its
 * partmethod ('h' hash, 'n' reference, ...; RC_CITUS_LOCAL when Citus is
 * not installed or does not know the table) and, for a hash-distributed
 * table, the distribution column (partkey holds it as a Var node), else
 * InvalidAttrNumber.
 */
void
rowclone_citus_table(Oid relid, char *partmethod, AttrNumber *distcol)
{
	Oid			catalog = get_relname_relid("pg_dist_partition", PG_CATALOG_NAMESPACE);
	AttrNumber	relid_att;
	AttrNumber	method_att;
	AttrNumber	key_att;
	Relation	rel;
	SysScanDesc scan;
	ScanKeyData key;
	HeapTuple	tup;

	*partmethod = RC_CITUS_LOCAL;
	*distcol = InvalidAttrNumber;
	if (!OidIsValid(catalog))
		return;
	relid_att = get_attnum(catalog, "logicalrelid");
	method_att = get_attnum(catalog, "partmethod");
	key_att = get_attnum(catalog, "partkey");
	if (relid_att == InvalidAttrNumber || method_att == InvalidAttrNumber ||
		key_att == InvalidAttrNumber)
		return;
	rel = table_open(catalog, AccessShareLock);
	ScanKeyInit(&key, relid_att, BTEqualStrategyNumber, F_OIDEQ, ObjectIdGetDatum(relid));
	scan = systable_beginscan(rel, InvalidOid, false, NULL, 1, &key);
	tup = systable_getnext(scan);
	if (HeapTupleIsValid(tup))
	{
		bool		isnull;
		Datum		d = heap_getattr(tup, method_att, RelationGetDescr(rel), &isnull);

		if (!isnull)
			*partmethod = DatumGetChar(d);
		d = heap_getattr(tup, key_att, RelationGetDescr(rel), &isnull);
		if (!isnull && *partmethod == RC_CITUS_HASH)
		{
			Node	   *partkey = stringToNode(TextDatumGetCString(d));

			if (IsA(partkey, Var))
				*distcol = ((Var *) partkey)->varattno;
		}
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
}

/* Is this server a Citus worker (its pg_dist_local_group says a group > 0)? */
static bool
on_worker(void)
{
	Oid			catalog = get_relname_relid("pg_dist_local_group", PG_CATALOG_NAMESPACE);
	AttrNumber	group_att;
	Relation	rel;
	SysScanDesc scan;
	HeapTuple	tup;
	bool		worker = false;

	if (!OidIsValid(catalog) ||
		(group_att = get_attnum(catalog, "groupid")) == InvalidAttrNumber)
		return false;
	rel = table_open(catalog, AccessShareLock);
	scan = systable_beginscan(rel, InvalidOid, false, NULL, 0, NULL);
	tup = systable_getnext(scan);
	if (HeapTupleIsValid(tup))
	{
		bool		isnull;
		Datum		d = heap_getattr(tup, group_att, RelationGetDescr(rel), &isnull);

		worker = !isnull && DatumGetInt32(d) > 0;
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return worker;
}

/*
 * A key column of a table Citus knows that takes its default (a sequence)
 * on a worker: Citus draws no int or smallint sequence value there.  Said
 * before anything is written, with what to do.
 */
void
rowclone_citus_check_worker_key(const char *table, const char *column, Oid typid)
{
	if ((typid == INT2OID || typid == INT4OID) && on_worker())
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("cannot make new keys of table \"%s\" on a Citus worker", table),
				 errdetail("Key column \"%s\" is of type %s; Citus draws no int or smallint sequence values on a worker.",
						   column, format_type_be(typid)),
				 errhint("Run the clone on the coordinator, or make the key column bigint.")));
}

/*
 * At the start of a clone: Citus's sequential mode for one that writes a
 * reference table and reads distributed tables (a cascade from a reference
 * table).  Not for a clone of the reference table alone: a sequential
 * write to it would make Citus refuse the parallel reads of a later clone
 * of tenant rows in the same transaction.  Returns the GUC nest level to
 * end, or -1.
 */
int
rowclone_citus_clone_begin(bool sequential)
{
	int			level;

	if (!sequential ||
		GetConfigOption("citus.multi_shard_modify_mode", true, false) == NULL)
		return -1;
	level = NewGUCNestLevel();
	(void) set_config_option("citus.multi_shard_modify_mode", "sequential", PGC_USERSET,
							 PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
	return level;
}

/* At the end of a clone: the settings of before it. */
void
rowclone_citus_clone_end(int level)
{
	if (level >= 0)
		AtEOXact_GUC(true, level);
}
