/*-------------------------------------------------------------------------
 *
 * request.c
 *	  A clone call's options, decoded from its arguments and checked (NULLs,
 *	  the shape of overrides, fan-out arrays, max_depth), with the plan
 *	  signature; and the column references of overrides and reset ("col",
 *	  "table.col", "schema.table.col"), resolved against the tables a clone
 *	  copies and checked: unknown or ambiguous names, a column named twice,
 *	  a generated column overridden, a column both overridden and reset.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "lib/stringinfo.h"
#include "nodes/value.h"
#include "utils/array.h"
#include "utils/builtins.h"

#include "compat.h"
#include "request.h"

void
rowclone_null_argument(const char *name)
{
	ereport(ERROR,
			(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
			 errmsg("argument \"%s\" cannot be null", name)));
}

/* Text elements of a text[] option; NULL elements are an error. */
static char **
text_array_items(ArrayType *arr, const char *argname, int *nitems)
{
	Datum	   *elems;
	bool	   *nulls;
	char	  **items;

	deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, nitems);
	items = palloc(sizeof(char *) * Max(*nitems, 1));
	for (int i = 0; i < *nitems; i++)
	{
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s cannot contain null elements", argname)));
		items[i] = TextDatumGetCString(elems[i]);
	}
	return items;
}

/* Where a SQL function has its options; -1 where it has none. */
/* The keys of a jsonb object, in jsonb order, appended to keys[*n]. */
static void
object_keys(JsonbContainer *obj, char **keys, int *n)
{
	JsonbIterator *it = JsonbIteratorInit(obj);
	JsonbValue	v;
	JsonbIteratorToken tok;

	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
		if (tok == WJB_KEY)
			keys[(*n)++] = pnstrdup(v.val.string.val, v.val.string.len);
}

/*
 * Fan-out: overrides is an array of objects, one per copy, each naming the
 * same columns (the plan has one column list for all copies).  Sets the
 * override keys from the first.
 */
static void
decode_fanout(Jsonb *ov, RowcloneRequest *req)
{
	int			n = JB_ROOT_COUNT(ov);

	if (n == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("overrides must not be an empty array"),
				 errhint("Pass one object per copy, or NULL for no overrides.")));
	for (int e = 0; e < n; e++)
	{
		JsonbValue *elem = getIthJsonbValueFromContainer(&ov->root, e);
		int			nkeys = 0;

		if (elem->type != jbvBinary || !JsonContainerIsObject(elem->val.binary.data))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("element %d of overrides is not a jsonb object", e + 1),
					 errhint("An overrides array holds one object per copy, such as '[{\"name\": \"a\"}, {\"name\": \"b\"}]'.")));
		if (e == 0)
		{
			req->override_keys = palloc(sizeof(char *) *
										Max(JsonContainerSize(elem->val.binary.data), 1));
			object_keys(elem->val.binary.data, req->override_keys, &req->noverride_keys);
			continue;
		}
		nkeys = JsonContainerSize(elem->val.binary.data);
		for (int k = 0; k < req->noverride_keys && nkeys == req->noverride_keys; k++)
			if (getKeyJsonValueFromContainer(elem->val.binary.data, req->override_keys[k],
											 strlen(req->override_keys[k]), NULL) == NULL)
				nkeys = -1;
		if (nkeys != req->noverride_keys)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("element %d of overrides names other columns than element 1", e + 1),
					 errdetail("Every object of an overrides array must name the same columns."),
					 errhint("Give each copy a value for each column, JSON null for NULL.")));
	}
	req->fanout = n;
}

/*
 * Decode the options of a clone function.  The signature string captures
 * everything that shapes the plan; it is empty for a plain clone_row call.
 */
void
rowclone_decode_options(FunctionCallInfo fcinfo, const RowcloneOptionArgs *args,
						RowcloneRequest *req)
{
	req->max_depth = -1;
	if (args->overrides >= 0 && !PG_ARGISNULL(args->overrides))
	{
		Jsonb	   *ov = PG_GETARG_JSONB_P(args->overrides);

		if (args->fanout && JB_ROOT_IS_ARRAY(ov) && !JB_ROOT_IS_SCALAR(ov))
			decode_fanout(ov, req);
		else if (!JB_ROOT_IS_OBJECT(ov))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("overrides must be a jsonb object"),
					 args->fanout ?
					 errhint("Pass an object mapping column names to values, such as '{\"name\": \"copy\"}', or an array of such objects, one per copy.") :
					 errhint("Pass an object mapping column names to values, such as '{\"name\": \"copy\"}'; an array of objects, one per copy, is for clone_rows.")));
		else
		{
			req->override_keys = palloc(sizeof(char *) * Max(JB_ROOT_COUNT(ov), 1));
			object_keys(&ov->root, req->override_keys, &req->noverride_keys);
		}
		req->overrides = ov;
	}
	if (args->reset >= 0 && !PG_ARGISNULL(args->reset))
		req->reset = text_array_items(PG_GETARG_ARRAYTYPE_P(args->reset), "reset", &req->nreset);
	if (PG_ARGISNULL(args->cascade))
		rowclone_null_argument("cascade");
	req->cascade = PG_GETARG_BOOL(args->cascade);
	if (!PG_ARGISNULL(args->skip))
	{
		ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(args->skip);
		Datum	   *elems;
		bool	   *nulls;

		deconstruct_array(arr, REGCLASSOID, sizeof(Oid), true, TYPALIGN_INT,
						  &elems, &nulls, &req->nskip);
		req->skip = palloc(sizeof(Oid) * Max(req->nskip, 1));
		for (int i = 0; i < req->nskip; i++)
		{
			if (nulls[i])
				ereport(ERROR,
						(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						 errmsg("skip cannot contain null elements")));
			req->skip[i] = DatumGetObjectId(elems[i]);
		}
	}
	if (!PG_ARGISNULL(args->max_depth))
	{
		req->max_depth = PG_GETARG_INT32(args->max_depth);
		if (req->max_depth < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("max_depth must not be negative"),
					 errdetail("max_depth is %d; the source row is at depth 0.", req->max_depth)));
	}

	req->set_mode = req->set_mode || req->cascade;
	rowclone_request_sign(req);
}

/*
 * Set req->signature: everything that shapes the plan, empty for a plain
 * clone_row call.
 */
void
rowclone_request_sign(RowcloneRequest *req)
{
	StringInfoData sig;

	if (req->noverride_keys == 0 && req->nreset == 0 && !req->cascade &&
		req->nskip == 0 && req->max_depth < 0 && !req->set_mode)
	{
		req->signature = "";
		return;
	}
	initStringInfo(&sig);
	appendStringInfo(&sig, "c%d s%d g%d d%d f%d o", req->cascade, req->set_mode, req->need_rows,
					 req->max_depth, req->fanout > 0);
	for (int i = 0; i < req->noverride_keys; i++)
		appendStringInfo(&sig, "\x1f%s", req->override_keys[i]);
	appendStringInfoString(&sig, "\x1er");
	for (int i = 0; i < req->nreset; i++)
		appendStringInfo(&sig, "\x1f%s", req->reset[i]);
	appendStringInfoString(&sig, "\x1es");
	for (int i = 0; i < req->nskip; i++)
		appendStringInfo(&sig, " %u", req->skip[i]);
	req->signature = sig.data;
}

/*
 * Split a column reference as SQL would, turning the parser's bare
 * "invalid name syntax" into an error that names the argument.
 */
List *
rowclone_split_column_ref(const char *raw, const char *argname)
{
	MemoryContext cxt = CurrentMemoryContext;
	List	   *names = NIL;

	PG_TRY();
	{
		names = rowclone_qualified_name_list(raw);
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(cxt);
		FlushErrorState();
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_NAME),
				 errmsg("invalid column reference \"%s\" in %s", raw, argname),
				 errhint("Write column references as in SQL: column, table.column or schema.table.column, with double quotes around names that contain spaces, dots or capitals.")));
	}
	PG_END_TRY();
	return names;
}

/*
 * Resolve a column reference of overrides or reset against the tables a
 * clone copies (tables[0] is the source table).  Returns the table's index
 * and sets *column.
 */
int
rowclone_resolve_column_ref(RowcloneTable **tables, int ntables, const char *raw,
							const char *argname, RowcloneColumn **column, bool *unqualified)
{
	List	   *names = rowclone_split_column_ref(raw, argname);
	int			nnames = list_length(names);
	const char *colname = strVal(llast(names));
	int			found = -1;

	*unqualified = nnames == 1;
	if (nnames == 1)
		found = 0;
	else if (nnames <= 3)
	{
		const char *relname = strVal(list_nth(names, nnames - 2));
		const char *nspname = nnames == 3 ? strVal(linitial(names)) : NULL;

		for (int i = 0; i < ntables; i++)
		{
			RowcloneTable *t = tables[i];

			if (strcmp(t->relname, relname) != 0 ||
				(nspname != NULL && strcmp(t->nspname, nspname) != 0))
				continue;
			if (found >= 0)
				ereport(ERROR,
						(errcode(ERRCODE_AMBIGUOUS_ALIAS),
						 errmsg("table reference \"%s\" in %s is ambiguous", relname, argname),
						 errdetail("Tables \"%s.%s\" and \"%s.%s\" are both copied by this clone.",
								   tables[found]->nspname, relname, t->nspname, relname),
						 errhint("Qualify the table name with its schema.")));
			found = i;
		}
		if (found < 0)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_TABLE),
					 errmsg("table \"%s\" named in %s is not copied by this clone",
							nspname ? psprintf("%s.%s", nspname, relname) : relname,
							argname),
					 errdetail("Only columns of \"%s\" and of the tables whose rows the clone copies can be named in %s.",
							   rowclone_display_name(tables[0]), argname)));
	}
	else
		ereport(ERROR,
				(errcode(ERRCODE_SYNTAX_ERROR),
				 errmsg("improper column reference \"%s\" in %s (too many dotted names)",
						raw, argname)));

	*column = rowclone_column_by_name(tables[found], colname);
	if (*column == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("column \"%s\" of table \"%s\" does not exist",
						colname, rowclone_display_name(tables[found])),
				 errdetail("The column is named in %s.", argname)));
	return found;
}



/*
 * Resolve overrides and reset against the tables of a clone and check
 * them: generated columns cannot be overridden, a column is named once.
 * Results are indexed like req->override_keys and req->reset.
 */
void
rowclone_resolve_options(RowcloneRequest *req, RowcloneTable **tables, int ntables,
						 RowcloneOption **overrides_out, RowcloneOption **resets_out)
{
	RowcloneOption *overrides = palloc0(sizeof(RowcloneOption) * Max(req->noverride_keys, 1));
	RowcloneOption *resets = palloc0(sizeof(RowcloneOption) * Max(req->nreset, 1));

	for (int i = 0; i < req->noverride_keys; i++)
	{
		RowcloneOption ref;

		ref.table = rowclone_resolve_column_ref(tables, ntables, req->override_keys[i],
												"overrides", &ref.column, &ref.unqualified);
		for (int k = 0; k < i; k++)
			if (overrides[k].column == ref.column)
				ereport(ERROR,
						(errcode(ERRCODE_DUPLICATE_COLUMN),
						 errmsg("column \"%s\" of table \"%s\" is named more than once in overrides",
								ref.column->name,
								rowclone_display_name(tables[ref.table]))));
		if (ref.column->generated)
			ereport(ERROR,
					(errcode(ERRCODE_GENERATED_ALWAYS),
					 errmsg("cannot override generated column \"%s\" of table \"%s\"",
							ref.column->name, rowclone_display_name(tables[ref.table])),
					 errdetail("Column \"%s\" is a generated column; copies compute it again.",
							   ref.column->name)));
		overrides[i] = ref;
	}
	for (int i = 0; i < req->nreset; i++)
	{
		RowcloneOption ref;

		ref.table = rowclone_resolve_column_ref(tables, ntables, req->reset[i],
												"reset", &ref.column, &ref.unqualified);
		for (int k = 0; k < req->noverride_keys; k++)
			if (overrides[k].column == ref.column)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("column \"%s\" of table \"%s\" is named in both overrides and reset",
								ref.column->name,
								rowclone_display_name(tables[ref.table]))));
		resets[i] = ref;
	}
	*overrides_out = overrides;
	*resets_out = resets;
}

/* The override slot naming col, or -1. */
int
rowclone_option_slot(RowcloneRequest *req, RowcloneOption *overrides, RowcloneColumn *col)
{
	for (int i = 0; i < req->noverride_keys; i++)
		if (overrides[i].column == col)
			return i;
	return -1;
}

bool
rowclone_option_is_reset(RowcloneRequest *req, RowcloneOption *resets, RowcloneColumn *col)
{
	for (int i = 0; i < req->nreset; i++)
		if (resets[i].column == col)
			return true;
	return false;
}

