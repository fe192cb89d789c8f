/*-------------------------------------------------------------------------
 *
 * rules.c
 *	  Copy rules (SPEC "Copy rules"): declaring them (clone_set_reference),
 *	  listing them (clone_rules), keeping them in step with the schema, and
 *	  reading them for a table's metadata (catalog.c).
 *
 * Rules live in the extension's configuration table rowclone_rule, one row
 * per rule: the table (regclass), the kind, the columns by number and by
 * name.  Inside a database the numbers are the identity (a renamed column
 * keeps its rules; an event trigger refreshes the names); pg_dump dumps
 * the table's rows (regclass as a qualified name), and on restore a
 * trigger finds the numbers again from the names, which may differ in the
 * restored table.  A rule goes with its table or column (an sql_drop event
 * trigger), and is ignored where its columns no longer match.
 *
 * The rule functions write the table directly, not through SQL: they need
 * ownership of the table the rule is about, not privileges on the
 * extension's table, and no search_path can send the write elsewhere.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/heapam.h"
#include "access/relation.h"
#include "access/sysattr.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/indexing.h"
#include "catalog/namespace.h"
#include "catalog/objectaddress.h"
#include "catalog/pg_class.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_type.h"
#include "commands/event_trigger.h"
#include "commands/extension.h"
#include "commands/trigger.h"
#include "executor/executor.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/optimizer.h"
#include "parser/parse_coerce.h"
#include "parser/parse_collate.h"
#include "parser/parse_expr.h"
#include "parser/parse_relation.h"
#include "parser/parser.h"
#include "storage/lmgr.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/ruleutils.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

#include "compat.h"
#include "request.h"
#include "rules.h"

/* columns of rowclone_rule */
#define Anum_rule_rel			1
#define Anum_rule_kind			2
#define Anum_rule_attnums		3
#define Anum_rule_columns		4
#define Anum_rule_is_reference	5
#define Anum_rule_expression	6
#define Anum_rule_tree			7
#define Natts_rule				7

#define RULE_KIND_REFERENCE "reference"
#define RULE_KIND_VALUE "value"
#define RULE_KIND_FILTER "filter"

/* One row of rowclone_rule, read. */
typedef struct RuleRow
{
	ItemPointerData tid;
	HeapTuple	tuple;			/* a copy */
	Oid			relid;
	char	   *kind;
	int			ncolumns;
	AttrNumber *attnums;
	char	  **columns;		/* names as stored */
	bool		is_reference;
	char	   *expression;		/* value: as deparsed, every name qualified
								 * that pg_catalog does not hold */
	char	   *tree;			/* value: nodeToString of the cooked tree */
} RuleRow;

/* The extension's schema, or InvalidOid (being dropped) */
static Oid
extension_schema(void)
{
	Oid			ext = get_extension_oid("rowclone", true);
	Oid			nsp = InvalidOid;
	Relation	rel;
	SysScanDesc scan;
	ScanKeyData key;
	HeapTuple	tup;

	if (!OidIsValid(ext))
		return InvalidOid;
	rel = table_open(ExtensionRelationId, AccessShareLock);
	ScanKeyInit(&key, Anum_pg_extension_oid, BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(ext));
	scan = systable_beginscan(rel, ExtensionOidIndexId, true, NULL, 1, &key);
	tup = systable_getnext(scan);
	if (HeapTupleIsValid(tup))
		nsp = ((Form_pg_extension) GETSTRUCT(tup))->extnamespace;
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return nsp;
}

/* rowclone_rule in the extension's schema, or InvalidOid (being dropped) */
static Oid
rule_table_oid(void)
{
	Oid			nsp = extension_schema();

	return OidIsValid(nsp) ? get_relname_relid("rowclone_rule", nsp) : InvalidOid;
}

static RuleRow *
read_rule(HeapTuple tup, TupleDesc desc)
{
	RuleRow    *row = palloc0(sizeof(RuleRow));
	Datum		values[Natts_rule];
	bool		nulls[Natts_rule];
	Datum	   *elems;
	bool	   *elem_nulls;
	int			n;

	heap_deform_tuple(tup, desc, values, nulls);
	row->tid = tup->t_self;
	row->tuple = heap_copytuple(tup);
	row->relid = DatumGetObjectId(values[Anum_rule_rel - 1]);
	row->kind = TextDatumGetCString(values[Anum_rule_kind - 1]);
	deconstruct_array(DatumGetArrayTypeP(values[Anum_rule_attnums - 1]), INT2OID, 2, true,
					  TYPALIGN_SHORT, &elems, &elem_nulls, &n);
	row->ncolumns = n;
	row->attnums = palloc(sizeof(AttrNumber) * Max(n, 1));
	for (int i = 0; i < n; i++)
		row->attnums[i] = DatumGetInt16(elems[i]);
	deconstruct_array(DatumGetArrayTypeP(values[Anum_rule_columns - 1]), NAMEOID, NAMEDATALEN,
					  false, TYPALIGN_CHAR, &elems, &elem_nulls, &n);
	row->columns = palloc(sizeof(char *) * Max(n, 1));
	for (int i = 0; i < n && i < row->ncolumns; i++)
		row->columns[i] = pstrdup(NameStr(*DatumGetName(elems[i])));
	row->is_reference = !nulls[Anum_rule_is_reference - 1] &&
		DatumGetBool(values[Anum_rule_is_reference - 1]);
	if (!nulls[Anum_rule_expression - 1])
		row->expression = TextDatumGetCString(values[Anum_rule_expression - 1]);
	if (!nulls[Anum_rule_tree - 1])
		row->tree = TextDatumGetCString(values[Anum_rule_tree - 1]);
	return row;
}

/*
 * The rules of one table (relid), or of all (InvalidOid), as RuleRows, read
 * with the latest snapshot (a rule declared earlier in the transaction
 * counts).  The table is opened with lockmode and left open in *rel_out
 * when it is not NULL.
 */
static List *
read_rules(Oid relid, LOCKMODE lockmode, Relation *rel_out)
{
	Oid			rules_oid = rule_table_oid();
	Relation	rel;
	TableScanDesc scan;
	Snapshot	snapshot;
	ScanKeyData key;
	HeapTuple	tup;
	List	   *rows = NIL;

	if (rel_out)
		*rel_out = NULL;
	if (!OidIsValid(rules_oid))
		return NIL;
	rel = table_open(rules_oid, lockmode);
	snapshot = RegisterSnapshot(GetLatestSnapshot());
	ScanKeyInit(&key, Anum_rule_rel, BTEqualStrategyNumber, F_OIDEQ, ObjectIdGetDatum(relid));
	scan = table_beginscan(rel, snapshot, OidIsValid(relid) ? 1 : 0, &key);
	while ((tup = heap_getnext(scan, ForwardScanDirection)) != NULL)
		rows = lappend(rows, read_rule(tup, RelationGetDescr(rel)));
	table_endscan(scan);
	UnregisterSnapshot(snapshot);
	if (rel_out)
		*rel_out = rel;
	else
		table_close(rel, lockmode);
	return rows;
}

/* The foreign key of table on exactly the columns attnums (any order), or NULL. */
static RowcloneForeignKey *
fkey_on_columns(RowcloneTable *table, int n, AttrNumber *attnums)
{
	for (int f = 0; f < table->nfkeys; f++)
	{
		RowcloneForeignKey *fk = &table->fkeys[f];
		bool		same = fk->nkeys == n && !fk->for_referenced_partition;

		for (int k = 0; k < fk->nkeys && same; k++)
		{
			bool		found = false;

			for (int i = 0; i < n; i++)
				if (attnums[i] == fk->conkey[k])
					found = true;
			same = found;
		}
		if (same)
			return fk;
	}
	return NULL;
}

/*
 * Does every column the expression tree reads still exist?  The whole row
 * (attnum 0) and tableoid always do.
 */
static bool
tree_columns_exist(RowcloneTable *table, const char *tree)
{
	Bitmapset  *attrs = NULL;
	int			x = -1;

	pull_varattnos(stringToNode(tree), 1, &attrs);
	while ((x = bms_next_member(attrs, x)) >= 0)
	{
		AttrNumber	attnum = x + FirstLowInvalidHeapAttributeNumber;

		if (attnum > 0 && rowclone_column_by_attnum(table, attnum) == NULL)
			return false;
	}
	return true;
}

void
rowclone_rules_apply(RowcloneTable *table)
{
	ListCell   *lc;

	foreach(lc, read_rules(table->relid, AccessShareLock, NULL))
	{
		RuleRow    *row = (RuleRow *) lfirst(lc);
		RowcloneForeignKey *fk;
		RowcloneColumn *col;

		if (row->tree != NULL && !tree_columns_exist(table, row->tree))
			continue;			/* a column it reads was dropped */
		if (strcmp(row->kind, RULE_KIND_VALUE) == 0 && row->tree != NULL &&
			(col = rowclone_column_by_attnum(table, row->attnums[0])) != NULL)
			col->value_rule = (Expr *) stringToNode(row->tree);
		if (strcmp(row->kind, RULE_KIND_FILTER) == 0 && row->tree != NULL)
			table->filter = (Expr *) stringToNode(row->tree);
		if (strcmp(row->kind, RULE_KIND_REFERENCE) != 0)
			continue;
		fk = fkey_on_columns(table, row->ncolumns, row->attnums);
		if (fk != NULL)
			fk->declared = row->is_reference ? RC_DECLARED_REFERENCE : RC_DECLARED_OWNERSHIP;
	}
}

/* What cook_expression works on. */
typedef struct CookRequest
{
	Oid			relid;
	RowcloneColumn *column;		/* a value rule's column */
	const char *text;
	Node	   *cooked;			/* out */
	char	   *deparsed;		/* out */
} CookRequest;

static void with_catalog_search_path(void (*fn) (void *), void *arg);
static void cook_expression(void *arg);

/* A rule is about a table its caller owns. */
static RowcloneTable *
owned_table(Oid relid)
{
	RowcloneTable *table;

	LockRelationOid(relid, ShareUpdateExclusiveLock);
	if (!SearchSysCacheExists1(RELOID, ObjectIdGetDatum(relid)))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", relid)));
	table = rowclone_table_get(relid);
	rowclone_check_table(table);
	if (!rowclone_is_owner(relid, GetUserId()))
		aclcheck_error(ACLCHECK_NOT_OWNER, get_relkind_objtype(table->relkind),
					   table->relname);
	return table;
}

/*
 * The columns argument of a rule function: column names as in SQL
 * (folded unless quoted), each a column of table, sorted by number.
 */
static int
rule_columns(RowcloneTable *table, ArrayType *arr, AttrNumber *attnums, char **names)
{
	Datum	   *elems;
	bool	   *nulls;
	int			n;

	deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
	if (n == 0 || n > INDEX_MAX_KEYS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("columns must name between 1 and %d columns", INDEX_MAX_KEYS)));
	for (int i = 0; i < n; i++)
	{
		char	   *raw;
		List	   *parts;
		RowcloneColumn *col;

		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("columns cannot contain null elements")));
		raw = TextDatumGetCString(elems[i]);
		parts = rowclone_split_column_ref(raw, "columns");
		if (list_length(parts) != 1)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_NAME),
					 errmsg("invalid column name \"%s\" in columns", raw),
					 errhint("Name columns of table \"%s\" alone, without a table name.",
							 rowclone_display_name(table))));
		col = rowclone_column_by_name(table, strVal(linitial(parts)));
		if (col == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("column \"%s\" of table \"%s\" does not exist",
							strVal(linitial(parts)), rowclone_display_name(table)),
					 errdetail("The column is named in columns.")));
		for (int k = 0; k < i; k++)
			if (attnums[k] == col->attnum)
				ereport(ERROR,
						(errcode(ERRCODE_DUPLICATE_COLUMN),
						 errmsg("column \"%s\" is named more than once in columns", col->name)));
		/* insertion sort by attnum */
		{
			int			k = i;

			while (k > 0 && attnums[k - 1] > col->attnum)
			{
				attnums[k] = attnums[k - 1];
				names[k] = names[k - 1];
				k--;
			}
			attnums[k] = col->attnum;
			names[k] = col->name;
		}
	}
	return n;
}

/*
 * Replace the rule of rel, kind and columns (attnums) with a new row, or
 * with none (remove).
 */
static void
store_rule(Oid relid, const char *kind, int n, AttrNumber *attnums, char **names,
		   bool is_reference, const char *expression, const char *tree, bool remove)
{
	Relation	rel;
	ListCell   *lc;
	Datum		values[Natts_rule];
	bool		nulls[Natts_rule] = {false};
	Datum		att_elems[INDEX_MAX_KEYS];
	Datum		name_elems[INDEX_MAX_KEYS];
	HeapTuple	tup;

	foreach(lc, read_rules(relid, RowExclusiveLock, &rel))
	{
		RuleRow    *row = (RuleRow *) lfirst(lc);

		if (strcmp(row->kind, kind) == 0 && row->ncolumns == n &&
			memcmp(row->attnums, attnums, sizeof(AttrNumber) * n) == 0)
			CatalogTupleDelete(rel, &row->tid);
	}
	if (rel == NULL)
		elog(ERROR, "rowclone: table rowclone_rule of the extension is missing");
	if (remove)
	{
		table_close(rel, RowExclusiveLock);
		CacheInvalidateRelcacheByRelid(relid);
		CommandCounterIncrement();
		return;
	}
	for (int i = 0; i < n; i++)
	{
		NameData   *name = palloc0(sizeof(NameData));

		namestrcpy(name, names[i]);
		att_elems[i] = Int16GetDatum(attnums[i]);
		name_elems[i] = NameGetDatum(name);
	}
	values[Anum_rule_rel - 1] = ObjectIdGetDatum(relid);
	values[Anum_rule_kind - 1] = CStringGetTextDatum(kind);
	values[Anum_rule_attnums - 1] =
		PointerGetDatum(construct_array(att_elems, n, INT2OID, 2, true, TYPALIGN_SHORT));
	values[Anum_rule_columns - 1] =
		PointerGetDatum(construct_array(name_elems, n, NAMEOID, NAMEDATALEN, false, TYPALIGN_CHAR));
	values[Anum_rule_is_reference - 1] = BoolGetDatum(is_reference);
	nulls[Anum_rule_expression - 1] = expression == NULL;
	values[Anum_rule_expression - 1] = expression ? CStringGetTextDatum(expression) : (Datum) 0;
	nulls[Anum_rule_tree - 1] = tree == NULL;
	values[Anum_rule_tree - 1] = tree ? CStringGetTextDatum(tree) : (Datum) 0;
	tup = heap_form_tuple(RelationGetDescr(rel), values, nulls);
	CatalogTupleInsert(rel, tup);
	table_close(rel, RowExclusiveLock);

	/* every backend's metadata and plans of the table are rebuilt */
	CacheInvalidateRelcacheByRelid(relid);
	CommandCounterIncrement();
}

/* "(a, b)" */
static char *
column_list(int n, char **names)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfoChar(&buf, '(');
	for (int i = 0; i < n; i++)
		appendStringInfo(&buf, "%s%s", i > 0 ? ", " : "", quote_identifier(names[i]));
	appendStringInfoChar(&buf, ')');
	return buf.data;
}

PG_FUNCTION_INFO_V1(rowclone_set_reference);

/*
 * clone_set_reference(rel, columns, is_reference): the foreign key of rel
 * on exactly these columns is a reference (not followed by cascade, still
 * remapped) or, with false, ownership (followed even with ON DELETE SET
 * NULL / SET DEFAULT).
 */
Datum
rowclone_set_reference(PG_FUNCTION_ARGS)
{
	RowcloneTable *table;
	AttrNumber	attnums[INDEX_MAX_KEYS];
	char	   *names[INDEX_MAX_KEYS];
	int			n;

	if (PG_ARGISNULL(0))
		rowclone_null_argument("rel");
	if (PG_ARGISNULL(1))
		rowclone_null_argument("columns");
	if (PG_ARGISNULL(2))
		rowclone_null_argument("is_reference");
	table = owned_table(PG_GETARG_OID(0));
	n = rule_columns(table, PG_GETARG_ARRAYTYPE_P(1), attnums, names);
	if (fkey_on_columns(table, n, attnums) == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("table \"%s\" has no foreign key on columns %s",
						rowclone_display_name(table), column_list(n, names)),
				 errhint("Name the columns of one foreign key, all of them.")));
	store_rule(table->relid, RULE_KIND_REFERENCE, n, attnums, names, PG_GETARG_BOOL(2),
			   NULL, NULL, false);
	PG_RETURN_VOID();
}

PG_FUNCTION_INFO_V1(rowclone_rules);

/*
 * clone_rules() RETURNS TABLE (relation, kind, columns, detail): every rule
 * of a table that still exists, with its columns' names of today.
 */
Datum
rowclone_rules(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ListCell   *lc;

	InitMaterializedSRF(fcinfo, 0);
	foreach(lc, read_rules(InvalidOid, AccessShareLock, NULL))
	{
		RuleRow    *row = (RuleRow *) lfirst(lc);
		RowcloneTable *table;
		Datum		values[4];
		bool		nulls[4] = {false};
		Datum	   *names = palloc(sizeof(Datum) * Max(row->ncolumns, 1));
		bool		live = true;
		RowcloneForeignKey *fk;

		/* a rule of a table dropped meanwhile is on its way out */
		LockRelationOid(row->relid, AccessShareLock);
		if (!SearchSysCacheExists1(RELOID, ObjectIdGetDatum(row->relid)))
		{
			UnlockRelationOid(row->relid, AccessShareLock);
			continue;
		}
		table = rowclone_table_get(row->relid);
		for (int i = 0; i < row->ncolumns; i++)
		{
			RowcloneColumn *col = rowclone_column_by_attnum(table, row->attnums[i]);

			if (col == NULL)
				live = false;
			else
				names[i] = CStringGetTextDatum(col->name);
		}
		if (!live)
			continue;
		values[0] = ObjectIdGetDatum(row->relid);
		values[1] = CStringGetTextDatum(row->is_reference ? "reference" : "ownership");
		values[2] = PointerGetDatum(construct_array(names, row->ncolumns, TEXTOID, -1, false,
													TYPALIGN_INT));
		fk = fkey_on_columns(table, row->ncolumns, row->attnums);
		if (strcmp(row->kind, RULE_KIND_VALUE) == 0 || strcmp(row->kind, RULE_KIND_FILTER) == 0)
		{
			values[1] = CStringGetTextDatum(row->kind);
			values[3] = CStringGetTextDatum(row->tree && !tree_columns_exist(table, row->tree) ?
											psprintf("%s (unused: a column it reads was dropped)",
													 row->expression) :
											row->expression ? row->expression : "");
		}
		else if (fk != NULL)
			values[3] = CStringGetTextDatum(psprintf("foreign key \"%s\" to %s", fk->conname,
													 rowclone_display_name(rowclone_table_get(fk->confrelid))));
		else
			values[3] = CStringGetTextDatum("no foreign key on these columns: the rule waits for one");
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/* (table, column) pairs of pg_event_trigger_*() rows of pg_class objects */
typedef struct ObjectRef
{
	Oid			relid;
	int32		attnum;			/* 0: the table itself */
} ObjectRef;

static List *
event_objects(const char *query)
{
	List	   *out = NIL;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "rowclone: SPI_connect failed");
	if (SPI_execute(query, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "rowclone: could not read the event trigger's objects");
	for (uint64 r = 0; r < SPI_processed; r++)
	{
		bool		isnull;
		ObjectRef  *ref = MemoryContextAlloc(TopTransactionContext, sizeof(ObjectRef));

		ref->relid = DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[r],
													SPI_tuptable->tupdesc, 1, &isnull));
		ref->attnum = SPI_tuptable->tupdesc->natts > 1 ?
			DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 2, &isnull)) : 0;
		out = lappend(out, ref);
	}
	SPI_finish();
	return out;
}

/*
 * The start of both event triggers: the pg_class objects the command
 * touched (query), and then, if there are any, every rule, with the rule
 * table open in *rel (NULL when there is nothing to do).
 */
static List *
event_rules(FunctionCallInfo fcinfo, const char *query, List **objects, Relation *rel)
{
	*rel = NULL;
	if (!CALLED_AS_EVENT_TRIGGER(fcinfo))
		elog(ERROR, "rowclone: not called by an event trigger");
	if (!OidIsValid(rule_table_oid()))
		return NIL;
	*objects = event_objects(query);
	if (*objects == NIL)
		return NIL;
	return read_rules(InvalidOid, RowExclusiveLock, rel);
}

PG_FUNCTION_INFO_V1(rowclone_rules_on_drop);

/* sql_drop: a dropped table or column takes its rules with it. */
Datum
rowclone_rules_on_drop(PG_FUNCTION_ARGS)
{
	List	   *dropped = NIL;
	Relation	rel;
	ListCell   *lc;

	foreach(lc, event_rules(fcinfo,
							"SELECT objid, objsubid FROM pg_catalog.pg_event_trigger_dropped_objects() "
							"WHERE classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass",
							&dropped, &rel))
	{
		RuleRow    *row = (RuleRow *) lfirst(lc);
		ListCell   *lc2;
		bool		gone = false;

		foreach(lc2, dropped)
		{
			ObjectRef  *ref = (ObjectRef *) lfirst(lc2);

			if (ref->relid != row->relid)
				continue;
			if (ref->attnum == 0)
				gone = true;
			for (int i = 0; i < row->ncolumns; i++)
				if (row->attnums[i] == ref->attnum)
					gone = true;
		}
		if (gone)
			CatalogTupleDelete(rel, &row->tid);
	}
	if (rel != NULL)
		table_close(rel, RowExclusiveLock);
	PG_RETURN_VOID();
}

/* The names of columns attnums of relid today; false if one is gone. */
static bool
current_names(Oid relid, int n, AttrNumber *attnums, Datum *out)
{
	for (int i = 0; i < n; i++)
	{
		char	   *name = get_attname(relid, attnums[i], true);
		NameData   *nd;

		if (name == NULL)
			return false;
		nd = palloc0(sizeof(NameData));
		namestrcpy(nd, name);
		out[i] = NameGetDatum(nd);
	}
	return true;
}

PG_FUNCTION_INFO_V1(rowclone_rules_on_alter);

/* ddl_command_end of ALTER TABLE: rules keep their columns' new names. */
Datum
rowclone_rules_on_alter(PG_FUNCTION_ARGS)
{
	List	   *altered = NIL;
	Relation	rel;
	ListCell   *lc;

	foreach(lc, event_rules(fcinfo,
							"SELECT objid FROM pg_catalog.pg_event_trigger_ddl_commands() "
							"WHERE classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass",
							&altered, &rel))
	{
		RuleRow    *row = (RuleRow *) lfirst(lc);
		ListCell   *lc2;
		Datum		names[INDEX_MAX_KEYS];
		bool		changed = false;

		foreach(lc2, altered)
			if (((ObjectRef *) lfirst(lc2))->relid == row->relid)
				changed = true;
		if (!changed || !current_names(row->relid, row->ncolumns, row->attnums, names))
			continue;
		changed = false;
		for (int i = 0; i < row->ncolumns; i++)
			if (strcmp(NameStr(*DatumGetName(names[i])), row->columns[i]) != 0)
				changed = true;
		if (changed)
		{
			Datum		values[Natts_rule] = {0};
			bool		nulls[Natts_rule] = {false};
			bool		replace[Natts_rule] = {false};
			HeapTuple	tup;

			values[Anum_rule_columns - 1] =
				PointerGetDatum(construct_array(names, row->ncolumns, NAMEOID, NAMEDATALEN,
												false, TYPALIGN_CHAR));
			replace[Anum_rule_columns - 1] = true;
			tup = heap_modify_tuple(row->tuple, RelationGetDescr(rel), values, nulls, replace);
			CatalogTupleUpdate(rel, &row->tid, tup);
		}
	}
	if (rel != NULL)
		table_close(rel, RowExclusiveLock);
	PG_RETURN_VOID();
}

PG_FUNCTION_INFO_V1(rowclone_rules_on_insert);

/*
 * BEFORE INSERT on rowclone_rule, which only restores fire (the rule
 * functions write the table directly): a restored rule finds its columns
 * by name, their numbers may differ from those of the dumped database.  A
 * rule whose table or column is not there is left out, with a warning.
 */
Datum
rowclone_rules_on_insert(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	HeapTuple	tup;
	TupleDesc	desc;
	RuleRow    *row;
	Datum		attnums[INDEX_MAX_KEYS];
	Datum		values[Natts_rule] = {0};
	bool		nulls[Natts_rule] = {false};
	bool		replace[Natts_rule] = {false};

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_BEFORE(trigdata->tg_event) ||
		!TRIGGER_FIRED_FOR_ROW(trigdata->tg_event) || !TRIGGER_FIRED_BY_INSERT(trigdata->tg_event))
		elog(ERROR, "rowclone: rowclone_rules_on_insert must be a BEFORE INSERT row trigger");
	tup = trigdata->tg_trigtuple;
	desc = RelationGetDescr(trigdata->tg_relation);
	row = read_rule(tup, desc);
	if (!SearchSysCacheExists1(RELOID, ObjectIdGetDatum(row->relid)))
	{
		ereport(WARNING,
				(errmsg("copy rule of table with OID %u left out: the table does not exist",
						row->relid)));
		return PointerGetDatum(NULL);
	}
	for (int i = 0; i < row->ncolumns; i++)
	{
		AttrNumber	attnum = get_attnum(row->relid, row->columns[i]);

		if (attnum == InvalidAttrNumber)
		{
			ereport(WARNING,
					(errmsg("copy rule of table \"%s\" left out: column \"%s\" does not exist",
							get_rel_name(row->relid), row->columns[i])));
			return PointerGetDatum(NULL);
		}
		attnums[i] = Int16GetDatum(attnum);
	}
	values[Anum_rule_attnums - 1] =
		PointerGetDatum(construct_array(attnums, row->ncolumns, INT2OID, 2, true, TYPALIGN_SHORT));
	replace[Anum_rule_attnums - 1] = true;
	/* the tree holds object numbers of the dumped database: parse again */
	if (row->expression != NULL)
	{
		CookRequest req;

		memset(&req, 0, sizeof(req));
		req.relid = row->relid;
		LockRelationOid(row->relid, AccessShareLock);
		if (strcmp(row->kind, RULE_KIND_VALUE) == 0)
			req.column = rowclone_column_by_attnum(rowclone_table_get(row->relid),
												   DatumGetInt16(attnums[0]));
		req.text = row->expression;
		with_catalog_search_path(cook_expression, &req);
		values[Anum_rule_tree - 1] = CStringGetTextDatum(nodeToString(req.cooked));
		replace[Anum_rule_tree - 1] = true;
	}
	return PointerGetDatum(heap_modify_tuple(tup, desc, values, nulls, replace));
}

/*
 * Run fn(arg) with search_path set to pg_catalog alone: a deparsed rule
 * then names everything outside pg_catalog with its schema, and a parsed
 * one finds only what it names so.
 */
static void
with_catalog_search_path(void (*fn) (void *), void *arg)
{
	int			level = NewGUCNestLevel();

	(void) set_config_option("search_path", "pg_catalog", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	fn(arg);
	AtEOXact_GUC(true, level);
}


/*
 * Parse and check a rule's expression over the columns of relid, as a
 * CHECK constraint's expression is checked (no subquery, aggregate,
 * window function or set-returning function; unknown columns 42703), and
 * coerce it to the column's type (42804 where it cannot be).
 */
static void
cook_error_callback(void *arg)
{
	CookRequest *req = (CookRequest *) arg;

	if (req->column != NULL)
		errcontext("in the value rule of column \"%s\" of table \"%s\": %s",
				   req->column->name, get_rel_name(req->relid), req->text);
	else
		errcontext("in the filter rule of table \"%s\": %s",
				   get_rel_name(req->relid), req->text);
}

static void
cook_expression(void *arg)
{
	CookRequest *req = (CookRequest *) arg;
	ErrorContextCallback errcallback = {error_context_stack, cook_error_callback, req};
	List	   *parsed;
	SelectStmt *select = NULL;
	Relation	rel;
	ParseState *pstate;
	ParseNamespaceItem *nsitem;
	Node	   *expr;
	Oid			type;

	error_context_stack = &errcallback;
	parsed = raw_parser(psprintf("SELECT (%s)", req->text), RAW_PARSE_DEFAULT);
	if (list_length(parsed) == 1 && IsA(((RawStmt *) linitial(parsed))->stmt, SelectStmt))
		select = (SelectStmt *) ((RawStmt *) linitial(parsed))->stmt;
	if (select == NULL || list_length(select->targetList) != 1 || select->fromClause != NIL ||
		select->whereClause != NULL || select->groupClause != NIL || select->havingClause != NULL ||
		select->windowClause != NIL || select->sortClause != NIL || select->limitCount != NULL ||
		select->limitOffset != NULL || select->withClause != NULL || select->distinctClause != NIL ||
		select->intoClause != NULL || select->op != SETOP_NONE || select->lockingClause != NIL)
		ereport(ERROR,
				(errcode(ERRCODE_SYNTAX_ERROR),
				 errmsg("a copy rule takes one SQL expression: \"%s\"", req->text)));

	rel = relation_open(req->relid, AccessShareLock);
	pstate = make_parsestate(NULL);
	nsitem = addRangeTableEntryForRelation(pstate, rel, AccessShareLock, NULL, false, true);
	addNSItemToQuery(pstate, nsitem, true, true, true);
	expr = transformExpr(pstate, ((ResTarget *) linitial(select->targetList))->val,
						 EXPR_KIND_CHECK_CONSTRAINT);
	type = exprType(expr);
	if (req->column == NULL)
		expr = coerce_to_boolean(pstate, expr, "a filter rule");
	else
		expr = coerce_to_target_type(pstate, expr, type, req->column->typid,
								 TupleDescAttr(RelationGetDescr(rel), req->column->attnum - 1)->atttypmod,
								 COERCION_ASSIGNMENT, COERCE_IMPLICIT_CAST, -1);
	if (expr == NULL && req->column != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("column \"%s\" of table \"%s\" is of type %s but the value rule is of type %s",
						req->column->name, RelationGetRelationName(rel),
						format_type_be(req->column->typid), format_type_be(type)),
				 errhint("Rewrite or cast the expression.")));
	assign_expr_collations(pstate, expr);
	free_parsestate(pstate);
	req->cooked = expr;
	relation_close(rel, NoLock);
	error_context_stack = errcallback.previous;
}

/* Deparse req->cooked with every name outside pg_catalog qualified. */
static void
deparse_qualified(void *arg)
{
	CookRequest *req = (CookRequest *) arg;

	req->deparsed = deparse_expression(req->cooked,
									   deparse_context_for(get_rel_name(req->relid), req->relid),
									   false, false);
}

PG_FUNCTION_INFO_V1(rowclone_set_value);

/*
 * clone_set_value(rel, column_name, expression): every copy of a row of
 * rel gets this value in the column, an expression over the source row's
 * columns, parsed now (with the caller's search_path) and kept as a tree;
 * NULL removes the rule.
 */
Datum
rowclone_set_value(PG_FUNCTION_ARGS)
{
	RowcloneTable *table;
	RowcloneColumn *col;
	CookRequest req;
	List	   *parts;
	char	   *name;

	if (PG_ARGISNULL(0))
		rowclone_null_argument("rel");
	if (PG_ARGISNULL(1))
		rowclone_null_argument("column_name");
	table = owned_table(PG_GETARG_OID(0));
	parts = rowclone_split_column_ref(TextDatumGetCString(PG_GETARG_DATUM(1)), "column_name");
	name = strVal(llast(parts));
	col = list_length(parts) == 1 ? rowclone_column_by_name(table, name) : NULL;
	if (list_length(parts) != 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_NAME),
				 errmsg("invalid column name \"%s\" in column_name",
						TextDatumGetCString(PG_GETARG_DATUM(1))),
				 errhint("Name a column of table \"%s\" alone, without a table name.",
						 rowclone_display_name(table))));
	if (col == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("column \"%s\" of table \"%s\" does not exist",
						name, rowclone_display_name(table))));
	if (col->generated)
		ereport(ERROR,
				(errcode(ERRCODE_GENERATED_ALWAYS),
				 errmsg("cannot declare a value for generated column \"%s\" of table \"%s\"",
						col->name, rowclone_display_name(table)),
				 errdetail("Copies compute generated columns again.")));
	if (PG_ARGISNULL(2))
	{
		store_rule(table->relid, RULE_KIND_VALUE, 1, &col->attnum, &col->name, false,
				   NULL, NULL, true);
		PG_RETURN_VOID();
	}
	memset(&req, 0, sizeof(req));
	req.relid = table->relid;
	req.column = col;
	req.text = TextDatumGetCString(PG_GETARG_DATUM(2));
	cook_expression(&req);
	with_catalog_search_path(deparse_qualified, &req);
	store_rule(table->relid, RULE_KIND_VALUE, 1, &col->attnum, &col->name, false,
			   req.deparsed, nodeToString(req.cooked), false);
	PG_RETURN_VOID();
}

PG_FUNCTION_INFO_V1(rowclone_set_filter);

/*
 * clone_set_filter(rel, condition): rows of rel that a cascade reaches are
 * copied only where condition holds on the row (the rows a call names are
 * always copied); NULL removes the rule.
 */
Datum
rowclone_set_filter(PG_FUNCTION_ARGS)
{
	RowcloneTable *table;
	CookRequest req;

	if (PG_ARGISNULL(0))
		rowclone_null_argument("rel");
	table = owned_table(PG_GETARG_OID(0));
	if (PG_ARGISNULL(1))
	{
		store_rule(table->relid, RULE_KIND_FILTER, 0, NULL, NULL, false, NULL, NULL, true);
		PG_RETURN_VOID();
	}
	memset(&req, 0, sizeof(req));
	req.relid = table->relid;
	req.text = TextDatumGetCString(PG_GETARG_DATUM(1));
	cook_expression(&req);
	with_catalog_search_path(deparse_qualified, &req);
	store_rule(table->relid, RULE_KIND_FILTER, 0, NULL, NULL, false,
			   req.deparsed, nodeToString(req.cooked), false);
	PG_RETURN_VOID();
}

/* What rowclone_value keeps between calls of one call site. */
typedef struct ValueState
{
	Oid			relid;
	AttrNumber	attnum;
	ExprState  *expr;
	ExprContext *econtext;
	TupleTableSlot *slot;
	int16		typlen;
	bool		typbyval;
} ValueState;

PG_FUNCTION_INFO_V1(rowclone_value);

/*
 * rowclone_value(rel, attnum, source, type) RETURNS anycompatible: the
 * value rule of column attnum of rel, evaluated over the source row (a
 * whole-row value of rel), in the type of the fourth argument.  The
 * statements rowclone generates call it; the tree is never parsed again.
 */
Datum
rowclone_value(PG_FUNCTION_ARGS)
{
	ValueState *vs = (ValueState *) fcinfo->flinfo->fn_extra;
	Oid			relid;
	AttrNumber	attnum;
	HeapTupleHeader row;
	HeapTupleData tuple;
	Datum		result;
	bool		isnull;

	if (PG_ARGISNULL(0))
		rowclone_null_argument("rel");
	if (PG_ARGISNULL(1))
		rowclone_null_argument("attnum");
	relid = PG_GETARG_OID(0);
	attnum = PG_GETARG_INT16(1);
	if (vs == NULL || vs->relid != relid || vs->attnum != attnum)
	{
		MemoryContext old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
		RowcloneTable *table;
		RowcloneColumn *col;
		Expr	   *rule;
		Relation	rel;

		if (get_rel_name(relid) == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_TABLE),
					 errmsg("relation with OID %u does not exist", relid)));
		table = rowclone_table_get(relid);
		col = attnum > 0 ? rowclone_column_by_attnum(table, attnum) : NULL;
		rule = attnum == 0 ? table->filter : col ? col->value_rule : NULL;
		if (rule == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("table \"%s\" has no copy rule %d", rowclone_display_name(table),
							attnum)));
		/* the argument types are those of the generated call, or the call is refused */
		if (get_fn_expr_argtype(fcinfo->flinfo, 2) != get_rel_type_id(relid) ||
			getBaseType(get_fn_expr_argtype(fcinfo->flinfo, 3)) !=
			getBaseType(col ? col->typid : BOOLOID))
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("rowclone_value of table \"%s\" takes a row of the table and a value of type %s",
							rowclone_display_name(table), format_type_be(col ? col->typid : BOOLOID)),
					 errhint("Only the statements rowclone generates call this function.")));
		vs = palloc0(sizeof(ValueState));
		vs->relid = relid;
		vs->attnum = attnum;
		vs->expr = ExecPrepareExpr(copyObject(rule), CreateExecutorState());
		vs->econtext = CreateStandaloneExprContext();
		rel = relation_open(relid, NoLock);
		vs->slot = MakeSingleTupleTableSlot(CreateTupleDescCopy(RelationGetDescr(rel)),
											&TTSOpsHeapTuple);
		relation_close(rel, NoLock);
		get_typlenbyval(col ? col->typid : BOOLOID, &vs->typlen, &vs->typbyval);
		fcinfo->flinfo->fn_extra = vs;
		MemoryContextSwitchTo(old);
	}
	if (PG_ARGISNULL(2))
		PG_RETURN_NULL();
	row = PG_GETARG_HEAPTUPLEHEADER(2);
	tuple.t_len = HeapTupleHeaderGetDatumLength(row);
	ItemPointerSetInvalid(&tuple.t_self);
	tuple.t_tableOid = relid;
	tuple.t_data = row;
	ExecStoreHeapTuple(&tuple, vs->slot, false);
	ResetExprContext(vs->econtext);
	vs->econtext->ecxt_scantuple = vs->slot;
	result = ExecEvalExprSwitchContext(vs->expr, vs->econtext, &isnull);
	ExecClearTuple(vs->slot);
	if (isnull)
		PG_RETURN_NULL();
	PG_RETURN_DATUM(datumCopy(result, vs->typbyval, vs->typlen));
}

/*
 * The condition a closure or INSERT adds for the filter rule of table,
 * over its row s (NULL: no filter).
 */
char *
rowclone_filter_sql(RowcloneTable *table)
{
	if (table->filter == NULL)
		return NULL;
	return psprintf("%s.rowclone_value(%u::pg_catalog.oid, 0::pg_catalog.int2, s, NULL::pg_catalog.bool)",
					quote_identifier(get_namespace_name(extension_schema())), table->relid);
}

/*
 * The call of rowclone_value that a statement makes for the value rule of
 * col of table, over the source row s.
 */
char *
rowclone_value_sql(RowcloneTable *table, RowcloneColumn *col)
{
	Oid			nsp = extension_schema();

	return psprintf("%s.rowclone_value(%u::pg_catalog.oid, %d::pg_catalog.int2, s, NULL::%s)",
					quote_identifier(get_namespace_name(nsp)), table->relid, col->attnum,
					rowclone_qualified_type_name(col->typid));
}
