/*-------------------------------------------------------------------------
 *
 * request.c
 *	  The column references of overrides and reset ("col", "table.col",
 *	  "schema.table.col"), resolved against the tables a clone copies and
 *	  checked: unknown or ambiguous names, a column named twice, a generated
 *	  column overridden, a column both overridden and reset.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "nodes/value.h"
#include "utils/builtins.h"

#include "compat.h"
#include "request.h"

/*
 * Split a column reference as SQL would, turning the parser's bare
 * "invalid name syntax" into an error that names the argument.
 */
static List *
split_column_ref(const char *raw, const char *argname)
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
	List	   *names = split_column_ref(raw, argname);
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

