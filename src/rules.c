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
#include "utils/tuplestore.h"
#include "utils/typcache.h"

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
#define Anum_rule_target		8
#define Anum_rule_target_attnums 9
#define Anum_rule_target_columns 10
#define Anum_rule_when_attnum	11
#define Anum_rule_when_column	12
#define Anum_rule_when_value	13
#define Natts_rule				13

#define RULE_KIND_REFERENCE "reference"
#define RULE_KIND_VALUE "value"
#define RULE_KIND_FILTER "filter"
#define RULE_KIND_LINK "link"

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
	/* a link: columns (ascending) -> target's target_attnums, pairwise */
	Oid			target;
	AttrNumber *target_attnums;
	char	  **target_columns;
	AttrNumber	when_attnum;	/* 0: every row */
	char	   *when_column;
	char	   *when_value;
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

/*
 * A row the rule functions did not write (a superuser's INSERT, a restore
 * of a damaged dump) is refused rather than read.
 */
static void
malformed_rule(const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("malformed row of rowclone_rule"),
			 errdetail_internal("%s", detail),
			 errhint("Declare copy rules with the rule functions (clone_set_reference, clone_add_link, clone_set_value, clone_set_filter).")));
}

/* Column column of a rule row: a one-dimensional array of n non-null attnums or names. */
static void *
rule_array(Datum *values, bool *nulls, int column, bool names, int n, const char *what)
{
	Datum	   *elems;
	bool	   *elem_nulls;
	int			count;
	void	   *out;

	if (nulls[column - 1])
		malformed_rule(psprintf("%s is null.", what));
	if (names)
		deconstruct_array(DatumGetArrayTypeP(values[column - 1]), NAMEOID, NAMEDATALEN, false,
						  TYPALIGN_CHAR, &elems, &elem_nulls, &count);
	else
		deconstruct_array(DatumGetArrayTypeP(values[column - 1]), INT2OID, 2, true,
						  TYPALIGN_SHORT, &elems, &elem_nulls, &count);
	if (count != n || count > INDEX_MAX_KEYS)
		malformed_rule(psprintf("%s has %d elements, the rule %d columns.", what, count, n));
	out = palloc0((names ? sizeof(char *) : sizeof(AttrNumber)) * Max(n, 1));
	for (int i = 0; i < n; i++)
	{
		if (elem_nulls[i])
			malformed_rule(psprintf("%s has a null element.", what));
		if (names)
			((char **) out)[i] = pstrdup(NameStr(*DatumGetName(elems[i])));
		else
			((AttrNumber *) out)[i] = DatumGetInt16(elems[i]);
	}
	return out;
}

static RuleRow *
read_rule(HeapTuple tup, TupleDesc desc)
{
	RuleRow    *row = palloc0(sizeof(RuleRow));
	Datum		values[Natts_rule];
	bool		nulls[Natts_rule];
	bool		is_link;

	heap_deform_tuple(tup, desc, values, nulls);
	row->tid = tup->t_self;
	row->tuple = heap_copytuple(tup);
	if (nulls[Anum_rule_rel - 1] || nulls[Anum_rule_kind - 1] || nulls[Anum_rule_attnums - 1])
		malformed_rule("rel, kind and attnums cannot be null.");
	row->relid = DatumGetObjectId(values[Anum_rule_rel - 1]);
	row->kind = TextDatumGetCString(values[Anum_rule_kind - 1]);
	is_link = strcmp(row->kind, RULE_KIND_LINK) == 0;
	if (strcmp(row->kind, RULE_KIND_REFERENCE) != 0 && strcmp(row->kind, RULE_KIND_VALUE) != 0 &&
		strcmp(row->kind, RULE_KIND_FILTER) != 0 && !is_link)
		malformed_rule(psprintf("\"%s\" is no kind of copy rule.", row->kind));
	row->ncolumns = ArrayGetNItems(ARR_NDIM(DatumGetArrayTypeP(values[Anum_rule_attnums - 1])),
								   ARR_DIMS(DatumGetArrayTypeP(values[Anum_rule_attnums - 1])));
	row->attnums = rule_array(values, nulls, Anum_rule_attnums, false, row->ncolumns, "attnums");
	row->columns = rule_array(values, nulls, Anum_rule_columns, true, row->ncolumns, "columns");
	if ((strcmp(row->kind, RULE_KIND_VALUE) == 0 && row->ncolumns != 1) ||
		(strcmp(row->kind, RULE_KIND_FILTER) == 0 && row->ncolumns != 0) ||
		(strcmp(row->kind, RULE_KIND_FILTER) != 0 && row->ncolumns == 0))
		malformed_rule(psprintf("A %s rule cannot have %d columns.", row->kind, row->ncolumns));
	row->is_reference = !nulls[Anum_rule_is_reference - 1] &&
		DatumGetBool(values[Anum_rule_is_reference - 1]);
	if (!nulls[Anum_rule_expression - 1])
		row->expression = TextDatumGetCString(values[Anum_rule_expression - 1]);
	if (!nulls[Anum_rule_tree - 1])
		row->tree = TextDatumGetCString(values[Anum_rule_tree - 1]);
	if ((strcmp(row->kind, RULE_KIND_VALUE) == 0 || strcmp(row->kind, RULE_KIND_FILTER) == 0) &&
		row->expression == NULL)
		malformed_rule(psprintf("A %s rule needs its expression.", row->kind));
	if (is_link != !nulls[Anum_rule_target - 1])
		malformed_rule("A link, and only a link, has a target.");
	if (is_link)
	{
		row->target = DatumGetObjectId(values[Anum_rule_target - 1]);
		row->target_attnums = rule_array(values, nulls, Anum_rule_target_attnums, false,
										 row->ncolumns, "target_attnums");
		row->target_columns = rule_array(values, nulls, Anum_rule_target_columns, true,
										 row->ncolumns, "target_columns");
	}
	if (!nulls[Anum_rule_when_column - 1] || !nulls[Anum_rule_when_value - 1] ||
		!nulls[Anum_rule_when_attnum - 1])
	{
		if (!is_link || nulls[Anum_rule_when_column - 1] || nulls[Anum_rule_when_value - 1] ||
			nulls[Anum_rule_when_attnum - 1])
			malformed_rule("when_attnum, when_column and when_value go together, in a link.");
		row->when_attnum = DatumGetInt16(values[Anum_rule_when_attnum - 1]);
		row->when_column = pstrdup(NameStr(*DatumGetName(values[Anum_rule_when_column - 1])));
		row->when_value = TextDatumGetCString(values[Anum_rule_when_value - 1]);
	}
	return row;
}

/* A rule of kind about relid's columns (n of them), to be stored. */
static RuleRow *
new_rule(Oid relid, const char *kind, int n, AttrNumber *attnums, char **names)
{
	RuleRow    *rule = palloc0(sizeof(RuleRow));

	rule->relid = relid;
	rule->kind = pstrdup(kind);
	rule->ncolumns = n;
	rule->attnums = attnums;
	rule->columns = names;
	return rule;
}

static Datum
int2_array(int n, AttrNumber *attnums)
{
	Datum		elems[INDEX_MAX_KEYS];

	for (int i = 0; i < n; i++)
		elems[i] = Int16GetDatum(attnums[i]);
	return PointerGetDatum(construct_array(elems, n, INT2OID, 2, true, TYPALIGN_SHORT));
}

static Datum
name_datum(const char *name)
{
	NameData   *nd = palloc0(sizeof(NameData));

	namestrcpy(nd, name);
	return NameGetDatum(nd);
}

static Datum
name_array(int n, char **names)
{
	Datum		elems[INDEX_MAX_KEYS];

	for (int i = 0; i < n; i++)
		elems[i] = name_datum(names[i]);
	return PointerGetDatum(construct_array(elems, n, NAMEOID, NAMEDATALEN, false, TYPALIGN_CHAR));
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
	SysScanDesc scan;
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
	scan = systable_beginscan(rel, InvalidOid, false, snapshot, OidIsValid(relid) ? 1 : 0, &key);
	while ((tup = systable_getnext(scan)) != NULL)
		rows = lappend(rows, read_rule(tup, RelationGetDescr(rel)));
	systable_endscan(scan);
	UnregisterSnapshot(snapshot);
	if (rel_out)
		*rel_out = rel;
	else
		table_close(rel, lockmode);
	return rows;
}

/*
 * The foreign key of table on exactly the columns attnums (any order), or
 * NULL; a foreign key before any link on them.
 */
static RowcloneForeignKey *
fkey_on_columns(RowcloneTable *table, int n, AttrNumber *attnums)
{
	for (int f = 0; f < table->nfkeys; f++)
	{
		RowcloneForeignKey *fk = &table->fkeys[f];

		if (!fk->for_referenced_partition &&
			rowclone_same_columns(fk->nkeys, fk->conkey, n, attnums))
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

static char *column_list(int n, char **names);

/*
 * The operator a link compares with, referenced (left) = referencing
 * (right), as pg_constraint.conpfeqop does: the type's own equality when
 * the types are the same, else pg_catalog's cross-type "=" (never one a
 * search_path finds).  InvalidOid when the types cannot be compared.
 */
static Oid
link_equality(Oid target_type, Oid type)
{
	target_type = getBaseType(target_type);
	type = getBaseType(type);
	if (target_type == type)
		return lookup_type_cache(type, TYPECACHE_EQ_OPR)->eq_opr;
	return OpernameGetOprid(list_make2(makeString("pg_catalog"), makeString("=")),
							target_type, type);
}

/*
 * "link (a, b)", "link (a) where t = 'x'": how plans and messages name a
 * link, unique among the foreign keys and links of its table
 */
static char *
link_name(RowcloneTable *table, RuleRow *row)
{
	char	   *names[INDEX_MAX_KEYS];

	for (int i = 0; i < row->ncolumns; i++)
		names[i] = rowclone_column_by_attnum(table, row->attnums[i])->name;
	if (row->when_column == NULL)
		return psprintf("link %s", column_list(row->ncolumns, names));
	return psprintf("link %s where %s = %s", column_list(row->ncolumns, names),
					quote_identifier(rowclone_column_by_attnum(table, row->when_attnum)->name),
					quote_literal_cstr(row->when_value));
}

/*
 * The link row as a foreign key of table, in *fk; false when something it
 * names is gone or no longer compares (the rule then waits, unused).
 */
static bool
link_as_fkey(RowcloneTable *table, RuleRow *row, RowcloneForeignKey *fk)
{
	memset(fk, 0, sizeof(*fk));
	if (get_rel_relkind(row->target) == '\0')
		return false;
	if (row->when_column && rowclone_column_by_attnum(table, row->when_attnum) == NULL)
		return false;
	for (int k = 0; k < row->ncolumns; k++)
	{
		RowcloneColumn *col = rowclone_column_by_attnum(table, row->attnums[k]);
		Oid			target_type = get_atttype(row->target, row->target_attnums[k]);

		if (col == NULL || !OidIsValid(target_type))
			return false;
		fk->pf_eq_oprs[k] = link_equality(target_type, col->typid);
		if (!OidIsValid(fk->pf_eq_oprs[k]))
			return false;
		fk->conkey[k] = row->attnums[k];
		fk->confkey[k] = row->target_attnums[k];
	}
	fk->conoid = InvalidOid;
	fk->conname = link_name(table, row);
	fk->confrelid = row->target;
	fk->nkeys = row->ncolumns;
	fk->confdeltype = FKCONSTR_ACTION_NOACTION;	/* followed unless declared */
	fk->is_link = true;
	fk->when_attnum = row->when_column ? row->when_attnum : 0;
	fk->when_value = row->when_value ? pstrdup(row->when_value) : NULL;
	return true;
}

/*
 * Apply the rules of table to its metadata, in its memory context: links
 * become foreign keys (before the reference rules, which may name them),
 * then value, filter and reference rules.
 */
void
rowclone_rules_apply(RowcloneTable *table)
{
	MemoryContext old = MemoryContextSwitchTo(table->cxt);
	List	   *rules = read_rules(table->relid, AccessShareLock, NULL);
	ListCell   *lc;

	foreach(lc, rules)
	{
		RuleRow    *row = (RuleRow *) lfirst(lc);
		RowcloneForeignKey fk;

		RowcloneForeignKey *same = fkey_on_columns(table, row->ncolumns, row->attnums);

		if (strcmp(row->kind, RULE_KIND_LINK) != 0 || (same != NULL && !same->is_link) ||
			!link_as_fkey(table, row, &fk))
			continue;
		table->fkeys = repalloc(table->fkeys, sizeof(RowcloneForeignKey) * (table->nfkeys + 1));
		table->fkeys[table->nfkeys++] = fk;
	}
	foreach(lc, rules)
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
		/* the foreign key on these columns, or every link on them */
		fk = fkey_on_columns(table, row->ncolumns, row->attnums);
		for (int f = 0; f < table->nfkeys && fk != NULL; f++)
			if (!table->fkeys[f].for_referenced_partition &&
				rowclone_same_columns(table->fkeys[f].nkeys, table->fkeys[f].conkey,
									  fk->nkeys, fk->conkey))
				table->fkeys[f].declared = row->is_reference ? RC_DECLARED_REFERENCE :
					RC_DECLARED_OWNERSHIP;
	}
	MemoryContextSwitchTo(old);
}

void
rowclone_rules_load_links_to(RowcloneTable *table)
{
	ListCell   *lc;

	foreach(lc, read_rules(InvalidOid, AccessShareLock, NULL))
	{
		RuleRow    *row = (RuleRow *) lfirst(lc);

		if (strcmp(row->kind, RULE_KIND_LINK) == 0 && row->target == table->relid)
			rowclone_table_add_reference(table, InvalidOid, row->relid, row->ncolumns,
										 row->attnums);
	}
}

/*
 * The condition a link's discriminator adds over the row alias.* of table
 * (NULL: none): alias.when_column = when_value, with the column type's
 * equality and the value as a constant of that type.
 */
char *
rowclone_link_condition_sql(RowcloneTable *table, RowcloneForeignKey *fk, const char *alias)
{
	RowcloneColumn *col;
	StringInfoData buf;

	if (fk->when_attnum == 0)
		return NULL;
	col = rowclone_column_by_attnum(table, fk->when_attnum);
	initStringInfo(&buf);
	generate_operator_clause(&buf, psprintf("%s.%s", alias, quote_identifier(col->name)), col->typid,
							 link_equality(col->typid, col->typid),
							 psprintf("%s::%s", quote_literal_cstr(fk->when_value),
									  rowclone_qualified_type_name(col->typid)),
							 col->typid);
	return buf.data;
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
 * The columns argument (argname) of a rule function: column names as in
 * SQL (folded unless quoted), each a column of table, sorted by number
 * unless the order means something (a link's pairs).
 */
static int
rule_columns(RowcloneTable *table, ArrayType *arr, const char *argname, bool sort,
			 AttrNumber *attnums, char **names)
{
	Datum	   *elems;
	bool	   *nulls;
	int			n;

	deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
	if (n == 0 || n > INDEX_MAX_KEYS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must name between 1 and %d columns", argname, INDEX_MAX_KEYS)));
	for (int i = 0; i < n; i++)
	{
		char	   *raw;
		List	   *parts;
		RowcloneColumn *col;

		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s cannot contain null elements", argname)));
		raw = TextDatumGetCString(elems[i]);
		parts = rowclone_split_column_ref(raw, argname);
		if (list_length(parts) != 1)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_NAME),
					 errmsg("invalid column name \"%s\" in %s", raw, argname),
					 errhint("Name columns of table \"%s\" alone, without a table name.",
							 rowclone_display_name(table))));
		col = rowclone_column_by_name(table, strVal(linitial(parts)));
		if (col == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("column \"%s\" of table \"%s\" does not exist",
							strVal(linitial(parts)), rowclone_display_name(table)),
					 errdetail("The column is named in %s.", argname)));
		for (int k = 0; k < i; k++)
			if (attnums[k] == col->attnum)
				ereport(ERROR,
						(errcode(ERRCODE_DUPLICATE_COLUMN),
						 errmsg("column \"%s\" is named more than once in %s", col->name, argname)));
		/* insertion sort by attnum */
		{
			int			k = i;

			while (sort && k > 0 && attnums[k - 1] > col->attnum)
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
 * Replace the rule of its table, kind and columns (and target: a link)
 * with rule, or with none (remove).  The metadata and plans of every table the old or the new rule
 * is about (a link: its target too) are rebuilt in every backend.
 */
static void
store_rule(RuleRow *rule, bool remove)
{
	Relation	rel;
	ListCell   *lc;
	Datum		values[Natts_rule] = {0};
	bool		nulls[Natts_rule] = {false};
	List	   *touched = list_make1_oid(rule->relid);
	int			n = rule->ncolumns;

	foreach(lc, read_rules(rule->relid, RowExclusiveLock, &rel))
	{
		RuleRow    *row = (RuleRow *) lfirst(lc);

		if (strcmp(row->kind, rule->kind) == 0 && row->ncolumns == n &&
			memcmp(row->attnums, rule->attnums, sizeof(AttrNumber) * n) == 0 &&
			row->target == rule->target)
		{
			CatalogTupleDelete(rel, &row->tid);
			if (OidIsValid(row->target))
				touched = list_append_unique_oid(touched, row->target);
		}
	}
	if (rel == NULL)
		elog(ERROR, "rowclone: table rowclone_rule of the extension is missing");
	if (!remove)
	{
		values[Anum_rule_rel - 1] = ObjectIdGetDatum(rule->relid);
		values[Anum_rule_kind - 1] = CStringGetTextDatum(rule->kind);
		values[Anum_rule_attnums - 1] = int2_array(n, rule->attnums);
		values[Anum_rule_columns - 1] = name_array(n, rule->columns);
		values[Anum_rule_is_reference - 1] = BoolGetDatum(rule->is_reference);
		nulls[Anum_rule_expression - 1] = rule->expression == NULL;
		if (rule->expression)
			values[Anum_rule_expression - 1] = CStringGetTextDatum(rule->expression);
		nulls[Anum_rule_tree - 1] = rule->tree == NULL;
		if (rule->tree)
			values[Anum_rule_tree - 1] = CStringGetTextDatum(rule->tree);
		nulls[Anum_rule_target - 1] = nulls[Anum_rule_target_attnums - 1] =
			nulls[Anum_rule_target_columns - 1] = !OidIsValid(rule->target);
		if (OidIsValid(rule->target))
		{
			values[Anum_rule_target - 1] = ObjectIdGetDatum(rule->target);
			values[Anum_rule_target_attnums - 1] = int2_array(n, rule->target_attnums);
			values[Anum_rule_target_columns - 1] = name_array(n, rule->target_columns);
			touched = list_append_unique_oid(touched, rule->target);
		}
		nulls[Anum_rule_when_attnum - 1] = nulls[Anum_rule_when_column - 1] =
			nulls[Anum_rule_when_value - 1] = rule->when_column == NULL;
		if (rule->when_column)
		{
			values[Anum_rule_when_attnum - 1] = Int16GetDatum(rule->when_attnum);
			values[Anum_rule_when_column - 1] = name_datum(rule->when_column);
			values[Anum_rule_when_value - 1] = CStringGetTextDatum(rule->when_value);
		}
		CatalogTupleInsert(rel, heap_form_tuple(RelationGetDescr(rel), values, nulls));
	}
	table_close(rel, RowExclusiveLock);

	foreach(lc, touched)
		CacheInvalidateRelcacheByRelid(lfirst_oid(lc));
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
	RuleRow    *rule;

	if (PG_ARGISNULL(0))
		rowclone_null_argument("rel");
	if (PG_ARGISNULL(1))
		rowclone_null_argument("columns");
	if (PG_ARGISNULL(2))
		rowclone_null_argument("is_reference");
	table = owned_table(PG_GETARG_OID(0));
	n = rule_columns(table, PG_GETARG_ARRAYTYPE_P(1), "columns", true, attnums, names);
	if (fkey_on_columns(table, n, attnums) == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("table \"%s\" has no foreign key or link on columns %s",
						rowclone_display_name(table), column_list(n, names)),
				 errhint("Name the columns of one foreign key or link, all of them.")));
	rule = new_rule(table->relid, RULE_KIND_REFERENCE, n, attnums, names);
	rule->is_reference = PG_GETARG_BOOL(2);
	store_rule(rule, false);
	PG_RETURN_VOID();
}

/*
 * A link is kept in ascending order of its columns (its identity), each
 * with its target column.
 */
static void
sort_link_columns(int n, AttrNumber *attnums, char **names, AttrNumber *target_attnums,
				  char **target_names)
{
	for (int i = 1; i < n; i++)
		for (int k = i; k > 0 && attnums[k - 1] > attnums[k]; k--)
		{
			AttrNumber	a = attnums[k];
			AttrNumber	ta = target_attnums[k];
			char	   *nm = names[k];
			char	   *tnm = target_names[k];

			attnums[k] = attnums[k - 1];
			target_attnums[k] = target_attnums[k - 1];
			names[k] = names[k - 1];
			target_names[k] = target_names[k - 1];
			attnums[k - 1] = a;
			target_attnums[k - 1] = ta;
			names[k - 1] = nm;
			target_names[k - 1] = tnm;
		}
}

PG_FUNCTION_INFO_V1(rowclone_add_link);

/* Do target columns (n, any order) make target's primary key or a unique key? */
static bool
is_unique_key(RowcloneTable *target, int n, AttrNumber *attnums)
{
	for (int u = -1; u < target->nuniques; u++)
		if (n > 0 && rowclone_same_columns(u < 0 ? target->npk : target->unique_ncols[u],
										   u < 0 ? target->pk_attnums : target->unique_cols[u],
										   n, attnums))
			return true;
	return false;
}

/*
 * clone_add_link(rel, columns, target, target_columns, when_column,
 * when_value): a foreign key the catalog does not have, rel.columns ->
 * target.target_columns (its primary key by default), for the rows where
 * when_column = when_value (or all).  Followed and remapped as a foreign
 * key.
 */
Datum
rowclone_add_link(PG_FUNCTION_ARGS)
{
	RowcloneTable *table;
	RowcloneTable *target;
	AttrNumber	attnums[INDEX_MAX_KEYS];
	char	   *names[INDEX_MAX_KEYS];
	AttrNumber	target_attnums[INDEX_MAX_KEYS];
	char	   *target_names[INDEX_MAX_KEYS];
	int			n;
	int			ntarget;
	RuleRow    *rule;
	ListCell   *lc;

	if (PG_ARGISNULL(0))
		rowclone_null_argument("rel");
	if (PG_ARGISNULL(1))
		rowclone_null_argument("columns");
	if (PG_ARGISNULL(2))
		rowclone_null_argument("target");
	if (PG_ARGISNULL(4) != PG_ARGISNULL(5))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("when_column and when_value go together"),
				 errhint("Give both, for a link that only some rows have, or neither.")));
	table = owned_table(PG_GETARG_OID(0));
	LockRelationOid(PG_GETARG_OID(2), AccessShareLock);
	if (!SearchSysCacheExists1(RELOID, PG_GETARG_DATUM(2)))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", PG_GETARG_OID(2))));
	target = rowclone_table_get(PG_GETARG_OID(2));
	rowclone_check_table(target);
	n = rule_columns(table, PG_GETARG_ARRAYTYPE_P(1), "columns", false, attnums, names);
	if (PG_ARGISNULL(3))
	{
		if (target->npk == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_FOREIGN_KEY),
					 errmsg("there is no primary key for referenced table \"%s\"",
							rowclone_display_name(target)),
					 errhint("Name the target's unique columns in target_columns.")));
		ntarget = target->npk;
		for (int k = 0; k < ntarget; k++)
		{
			target_attnums[k] = target->pk_attnums[k];
			target_names[k] = rowclone_column_by_attnum(target, target_attnums[k])->name;
		}
	}
	else
		ntarget = rule_columns(target, PG_GETARG_ARRAYTYPE_P(3), "target_columns", false,
							   target_attnums, target_names);
	if (ntarget != n)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_FOREIGN_KEY),
				 errmsg("number of columns and target_columns of a link must match"),
				 errdetail("columns names %d columns, target_columns %d.", n, ntarget)));
	if (!is_unique_key(target, ntarget, target_attnums))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_FOREIGN_KEY),
				 errmsg("there is no unique constraint matching given keys for referenced table \"%s\"",
						rowclone_display_name(target)),
				 errhint("A link points at the primary key or at the columns of a unique constraint of its target.")));
	for (int k = 0; k < n; k++)
	{
		RowcloneColumn *col = rowclone_column_by_attnum(table, attnums[k]);
		RowcloneColumn *tcol = rowclone_column_by_attnum(target, target_attnums[k]);

		if (col->pk_position >= 0)
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("a link cannot be made of key column \"%s\" of table \"%s\"",
							col->name, rowclone_display_name(table)),
					 errhint("Make a foreign key of it: is-a parents are foreign keys on the primary key.")));
		if (!OidIsValid(link_equality(tcol->typid, col->typid)))
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("link of table \"%s\" to table \"%s\" cannot be made",
							rowclone_display_name(table), rowclone_display_name(target)),
					 errdetail("Key columns \"%s\" and \"%s\" are of incompatible types: %s and %s.",
							   col->name, tcol->name, format_type_be(col->typid),
							   format_type_be(tcol->typid))));
	}
	sort_link_columns(n, attnums, names, target_attnums, target_names);
	{
		RowcloneForeignKey *fk = fkey_on_columns(table, n, attnums);

		if (fk != NULL && !fk->is_link)
			ereport(ERROR,
					(errcode(ERRCODE_DUPLICATE_OBJECT),
					 errmsg("table \"%s\" has foreign key \"%s\" on columns %s",
							rowclone_display_name(table), fk->conname, column_list(n, names)),
					 errhint("A link is for references the catalog does not have.")));
	}
	rule = new_rule(table->relid, RULE_KIND_LINK, n, attnums, names);
	rule->target = target->relid;
	rule->target_attnums = target_attnums;
	rule->target_columns = target_names;
	if (!PG_ARGISNULL(4))
	{
		List	   *parts = rowclone_split_column_ref(TextDatumGetCString(PG_GETARG_DATUM(4)),
													  "when_column");
		RowcloneColumn *col = list_length(parts) == 1 ?
			rowclone_column_by_name(table, strVal(linitial(parts))) : NULL;
		Oid			typinput;
		Oid			typioparam;
		Oid			typid;
		int32		typmod;
		Oid			collid;

		if (col == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("column \"%s\" of table \"%s\" does not exist",
							strVal(llast(parts)), rowclone_display_name(table)),
					 errdetail("The column is named in when_column.")));
		if (!OidIsValid(link_equality(col->typid, col->typid)))
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_FUNCTION),
					 errmsg("could not identify an equality operator for type %s of column \"%s\"",
							format_type_be(col->typid), col->name)));
		rule->when_attnum = col->attnum;
		rule->when_column = col->name;
		rule->when_value = TextDatumGetCString(PG_GETARG_DATUM(5));
		/* the value must be one of the column's type: 22P02 and the like now */
		get_atttypetypmodcoll(table->relid, col->attnum, &typid, &typmod, &collid);
		getTypeInputInfo(typid, &typinput, &typioparam);
		(void) OidInputFunctionCall(typinput, rule->when_value, typioparam, typmod);
	}
	/* links on the same columns (a polymorphic reference) tell their rows apart */
	foreach(lc, read_rules(table->relid, AccessShareLock, NULL))
	{
		RuleRow    *row = (RuleRow *) lfirst(lc);

		if (strcmp(row->kind, RULE_KIND_LINK) != 0 || row->ncolumns != n ||
			memcmp(row->attnums, attnums, sizeof(AttrNumber) * n) != 0 ||
			row->target == rule->target)
			continue;
		if (row->when_column == NULL || rule->when_column == NULL ||
			row->when_attnum != rule->when_attnum || strcmp(row->when_value, rule->when_value) == 0)
			ereport(ERROR,
					(errcode(ERRCODE_DUPLICATE_OBJECT),
					 errmsg("table \"%s\" has a link on columns %s to table \"%s\" already",
							rowclone_display_name(table), column_list(n, names),
							rowclone_display_name(rowclone_table_get(row->target))),
					 errdetail("Links on the same columns need the same when_column, each with a value of its own."),
					 errhint("Drop the other link with clone_drop_link, or give both links a when_column and when_value.")));
	}
	store_rule(rule, false);
	PG_RETURN_VOID();
}

PG_FUNCTION_INFO_V1(rowclone_drop_link);

/*
 * clone_drop_link(rel, columns): the links of rel on exactly these columns
 * (one per target) go.
 */
Datum
rowclone_drop_link(PG_FUNCTION_ARGS)
{
	RowcloneTable *table;
	AttrNumber	attnums[INDEX_MAX_KEYS];
	char	   *names[INDEX_MAX_KEYS];
	int			n;
	bool		found = false;
	ListCell   *lc;

	if (PG_ARGISNULL(0))
		rowclone_null_argument("rel");
	if (PG_ARGISNULL(1))
		rowclone_null_argument("columns");
	table = owned_table(PG_GETARG_OID(0));
	n = rule_columns(table, PG_GETARG_ARRAYTYPE_P(1), "columns", true, attnums, names);
	/* every link on these columns, whatever its target */
	foreach(lc, read_rules(table->relid, AccessShareLock, NULL))
	{
		RuleRow    *row = (RuleRow *) lfirst(lc);

		if (strcmp(row->kind, RULE_KIND_LINK) == 0 && row->ncolumns == n &&
			memcmp(row->attnums, attnums, sizeof(AttrNumber) * n) == 0)
		{
			store_rule(row, true);
			found = true;
		}
	}
	if (!found)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("table \"%s\" has no link on columns %s",
						rowclone_display_name(table), column_list(n, names))));
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
		if (strcmp(row->kind, RULE_KIND_LINK) == 0)
		{
			RowcloneForeignKey link;
			StringInfoData detail;

			values[1] = CStringGetTextDatum(row->kind);
			initStringInfo(&detail);
			if (get_rel_relkind(row->target) == '\0')
				continue;		/* its target was dropped meanwhile */
			appendStringInfo(&detail, "to %s %s",
							 rowclone_display_name(rowclone_table_get(row->target)),
							 column_list(row->ncolumns, row->target_columns));
			if (row->when_column)
				appendStringInfo(&detail, " where %s = %s", quote_identifier(row->when_column),
								 quote_literal_cstr(row->when_value));
			if (fk == NULL || !fk->is_link || !link_as_fkey(table, row, &link))
				appendStringInfoString(&detail, fk != NULL && !fk->is_link ?
									   " (unused: a foreign key on these columns exists)" :
									   " (unused: a column it names was dropped or changed type)");
			values[3] = CStringGetTextDatum(detail.data);
		}
		else if (strcmp(row->kind, RULE_KIND_VALUE) == 0 || strcmp(row->kind, RULE_KIND_FILTER) == 0)
		{
			values[1] = CStringGetTextDatum(row->kind);
			values[3] = CStringGetTextDatum(row->tree && !tree_columns_exist(table, row->tree) ?
											psprintf("%s (unused: a column it reads was dropped)",
													 row->expression) :
											row->expression ? row->expression : "");
		}
		else if (fk != NULL)
			values[3] = CStringGetTextDatum(psprintf(fk->is_link ? "%s to %s" : "foreign key \"%s\" to %s",
													 fk->conname,
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

/* The objects, and the list of them, in the caller's context: SPI_finish frees its own. */
static List *
event_objects(const char *query)
{
	MemoryContext caller = CurrentMemoryContext;
	List	   *out = NIL;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "rowclone: SPI_connect failed");
	if (SPI_execute(query, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "rowclone: could not read the event trigger's objects");
	for (uint64 r = 0; r < SPI_processed; r++)
	{
		bool		isnull;
		MemoryContext old = MemoryContextSwitchTo(caller);
		ObjectRef  *ref = palloc(sizeof(ObjectRef));

		ref->relid = DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[r],
													SPI_tuptable->tupdesc, 1, &isnull));
		ref->attnum = SPI_tuptable->tupdesc->natts > 1 ?
			DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 2, &isnull)) : 0;
		out = lappend(out, ref);
		MemoryContextSwitchTo(old);
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

			if (ref->relid == row->relid)
			{
				if (ref->attnum == 0 || (row->when_column && row->when_attnum == ref->attnum))
					gone = true;
				for (int i = 0; i < row->ncolumns; i++)
					if (row->attnums[i] == ref->attnum)
						gone = true;
			}
			/* a link goes with its target and the columns it points at */
			if (OidIsValid(row->target) && ref->relid == row->target)
			{
				if (ref->attnum == 0)
					gone = true;
				for (int i = 0; i < row->ncolumns; i++)
					if (row->target_attnums[i] == ref->attnum)
						gone = true;
			}
		}
		if (gone)
			CatalogTupleDelete(rel, &row->tid);
	}
	if (rel != NULL)
		table_close(rel, RowExclusiveLock);
	PG_RETURN_VOID();
}

/*
 * The names of columns attnums of relid today, in out (when it differs
 * from names, *changed is set); false if one is gone.
 */
static bool
current_names(Oid relid, int n, AttrNumber *attnums, char **names, Datum *out, bool *changed)
{
	for (int i = 0; i < n; i++)
	{
		char	   *name = get_attname(relid, attnums[i], true);

		if (name == NULL)
			return false;
		if (strcmp(name, names[i]) != 0)
			*changed = true;
		out[i] = name_datum(name);
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
		Datum		target_names[INDEX_MAX_KEYS];
		Datum		when_name = (Datum) 0;
		bool		touched = false;
		bool		changed = false;
		Datum		values[Natts_rule] = {0};
		bool		nulls[Natts_rule] = {false};
		bool		replace[Natts_rule] = {false};

		foreach(lc2, altered)
			if (((ObjectRef *) lfirst(lc2))->relid == row->relid ||
				((ObjectRef *) lfirst(lc2))->relid == row->target)
				touched = true;
		if (!touched ||
			!current_names(row->relid, row->ncolumns, row->attnums, row->columns, names, &changed))
			continue;
		if (OidIsValid(row->target) &&
			!current_names(row->target, row->ncolumns, row->target_attnums, row->target_columns,
						   target_names, &changed))
			continue;
		if (row->when_column &&
			!current_names(row->relid, 1, &row->when_attnum, &row->when_column, &when_name,
						   &changed))
			continue;
		if (!changed)
			continue;
		values[Anum_rule_columns - 1] =
			PointerGetDatum(construct_array(names, row->ncolumns, NAMEOID, NAMEDATALEN,
											false, TYPALIGN_CHAR));
		replace[Anum_rule_columns - 1] = true;
		if (OidIsValid(row->target))
		{
			values[Anum_rule_target_columns - 1] =
				PointerGetDatum(construct_array(target_names, row->ncolumns, NAMEOID, NAMEDATALEN,
												false, TYPALIGN_CHAR));
			replace[Anum_rule_target_columns - 1] = true;
		}
		if (row->when_column)
		{
			values[Anum_rule_when_column - 1] = when_name;
			replace[Anum_rule_when_column - 1] = true;
		}
		CatalogTupleUpdate(rel, &row->tid,
						   heap_modify_tuple(row->tuple, RelationGetDescr(rel), values, nulls,
											 replace));
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
/*
 * The numbers of columns names of relid in this database, or false, with
 * a warning that the rule is left out, when one is not there.
 */
static bool
restored_attnums(Oid relid, int n, char **names, AttrNumber *out)
{
	if (!SearchSysCacheExists1(RELOID, ObjectIdGetDatum(relid)))
	{
		ereport(WARNING,
				(errmsg("copy rule of table with OID %u left out: the table does not exist",
						relid)));
		return false;
	}
	for (int i = 0; i < n; i++)
	{
		out[i] = get_attnum(relid, names[i]);
		if (out[i] <= 0)		/* not there, or a system column */
		{
			ereport(WARNING,
					(errmsg("copy rule of table \"%s\" left out: column \"%s\" does not exist",
							get_rel_name(relid), names[i])));
			return false;
		}
	}
	return true;
}

Datum
rowclone_rules_on_insert(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	HeapTuple	tup;
	TupleDesc	desc;
	RuleRow    *row;
	AttrNumber	attnums[INDEX_MAX_KEYS];
	AttrNumber	target_attnums[INDEX_MAX_KEYS];
	Datum		values[Natts_rule] = {0};
	bool		nulls[Natts_rule] = {false};
	bool		replace[Natts_rule] = {false};

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_BEFORE(trigdata->tg_event) ||
		!TRIGGER_FIRED_FOR_ROW(trigdata->tg_event) || !TRIGGER_FIRED_BY_INSERT(trigdata->tg_event))
		elog(ERROR, "rowclone: rowclone_rules_on_insert must be a BEFORE INSERT row trigger");
	tup = trigdata->tg_trigtuple;
	desc = RelationGetDescr(trigdata->tg_relation);
	row = read_rule(tup, desc);
	if (!restored_attnums(row->relid, row->ncolumns, row->columns, attnums))
		return PointerGetDatum(NULL);
	if (OidIsValid(row->target))
	{
		if (!restored_attnums(row->target, row->ncolumns, row->target_columns, target_attnums))
			return PointerGetDatum(NULL);
		sort_link_columns(row->ncolumns, attnums, row->columns, target_attnums,
						  row->target_columns);
		values[Anum_rule_columns - 1] = name_array(row->ncolumns, row->columns);
		replace[Anum_rule_columns - 1] = true;
		values[Anum_rule_target_attnums - 1] = int2_array(row->ncolumns, target_attnums);
		replace[Anum_rule_target_attnums - 1] = true;
		values[Anum_rule_target_columns - 1] = name_array(row->ncolumns, row->target_columns);
		replace[Anum_rule_target_columns - 1] = true;
	}
	if (row->when_column)
	{
		AttrNumber	when_attnum;

		if (!restored_attnums(row->relid, 1, &row->when_column, &when_attnum))
			return PointerGetDatum(NULL);
		values[Anum_rule_when_attnum - 1] = Int16GetDatum(when_attnum);
		replace[Anum_rule_when_attnum - 1] = true;
	}
	values[Anum_rule_attnums - 1] = int2_array(row->ncolumns, attnums);
	replace[Anum_rule_attnums - 1] = true;
	/* the tree holds object numbers of the dumped database: parse again */
	if (row->expression != NULL)
	{
		CookRequest req;

		memset(&req, 0, sizeof(req));
		req.relid = row->relid;
		LockRelationOid(row->relid, AccessShareLock);
		if (strcmp(row->kind, RULE_KIND_VALUE) == 0)
			req.column = rowclone_column_by_attnum(rowclone_table_get(row->relid), attnums[0]);
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
	RuleRow    *rule;
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
		store_rule(new_rule(table->relid, RULE_KIND_VALUE, 1, &col->attnum, &col->name), true);
		PG_RETURN_VOID();
	}
	memset(&req, 0, sizeof(req));
	req.relid = table->relid;
	req.column = col;
	req.text = TextDatumGetCString(PG_GETARG_DATUM(2));
	cook_expression(&req);
	with_catalog_search_path(deparse_qualified, &req);
	rule = new_rule(table->relid, RULE_KIND_VALUE, 1, &col->attnum, &col->name);
	rule->expression = req.deparsed;
	rule->tree = nodeToString(req.cooked);
	store_rule(rule, false);
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
	RuleRow    *rule;

	if (PG_ARGISNULL(0))
		rowclone_null_argument("rel");
	table = owned_table(PG_GETARG_OID(0));
	if (PG_ARGISNULL(1))
	{
		store_rule(new_rule(table->relid, RULE_KIND_FILTER, 0, NULL, NULL), true);
		PG_RETURN_VOID();
	}
	memset(&req, 0, sizeof(req));
	req.relid = table->relid;
	req.text = TextDatumGetCString(PG_GETARG_DATUM(1));
	cook_expression(&req);
	with_catalog_search_path(deparse_qualified, &req);
	rule = new_rule(table->relid, RULE_KIND_FILTER, 0, NULL, NULL);
	rule->expression = req.deparsed;
	rule->tree = nodeToString(req.cooked);
	store_rule(rule, false);
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
