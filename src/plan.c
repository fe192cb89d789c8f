/*-------------------------------------------------------------------------
 *
 * plan.c
 *	  Plans a clone: which tables get rows (the source table and its is-a
 *	  parent chain), the one-row statements that copy them, with each
 *	  column's value from the rules of columns.c, and which references
 *	  inside the copied set need fixing up.  Options are resolved against
 *	  the tables here; plancache.c keeps the plans.
 *
 * Every user-visible planning error (unknown column, a key that cannot be
 * made fresh, ...) is raised while planning, before anything is written.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_attribute.h"
#include "catalog/pg_type.h"
#include "lib/stringinfo.h"
#include "nodes/makefuncs.h"
#include "parser/parse_coerce.h"
#include "storage/lmgr.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

#include "columns.h"
#include "compat.h"
#include "graph.h"
#include "plan.h"
#include "sqlgen.h"

/* Planning state for one call to build_plan; transient. */
typedef struct PlanBuild
{
	RowcloneRequest *req;
	RowclonePlan *plan;
	int			nsteps;
	int			maxsteps;		/* allocated length of tables and links */
	RowcloneTable **tables;		/* chain: root first */
	RowcloneForeignKey **links; /* links[i]: tables[i] -> tables[i+1] */
	RowcloneOption  *overrides;		/* indexed by slot */
	RowcloneOption  *resets;
	char	   *root_key_exprs[INDEX_MAX_KEYS];
	Oid			root_key_types[INDEX_MAX_KEYS];
} PlanBuild;


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

static int
chain_index(PlanBuild *b, Oid relid)
{
	for (int i = 0; i < b->nsteps; i++)
		if (b->tables[i]->relid == relid)
			return i;
	return -1;
}

/* Follow is-a links up from the root. */
static void
build_chain(PlanBuild *b, RowcloneTable *root)
{
	b->maxsteps = 8;
	b->tables = palloc(sizeof(RowcloneTable *) * b->maxsteps);
	b->links = palloc(sizeof(RowcloneForeignKey *) * b->maxsteps);
	b->nsteps = 1;
	b->tables[0] = root;
	for (;;)
	{
		RowcloneTable *cur = b->tables[b->nsteps - 1];
		RowcloneTable *parent;
		RowcloneForeignKey *link = rowclone_find_parent_link(cur, &parent);

		b->links[b->nsteps - 1] = link;
		if (link == NULL)
			break;
		if (b->nsteps == b->maxsteps)
		{
			b->maxsteps *= 2;
			b->tables = repalloc(b->tables, sizeof(RowcloneTable *) * b->maxsteps);
			b->links = repalloc(b->links, sizeof(RowcloneForeignKey *) * b->maxsteps);
		}
		if (chain_index(b, parent->relid) >= 0)
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("parent tables of \"%s\" form a cycle",
							rowclone_display_name(root)),
					 errdetail("Following primary keys that are foreign keys from \"%s\" leads back to \"%s\".",
							   rowclone_display_name(cur), rowclone_display_name(parent))));
		rowclone_check_cloneable(parent);
		b->tables[b->nsteps++] = parent;
	}
}

/*
 * Resolve a column reference of overrides or reset: "col" (the root
 * table), "table.col" or "schema.table.col", folded and quoted as in SQL.
 */
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

#define override_slot(b, col) rowclone_option_slot((b)->req, (b)->overrides, (col))
#define is_reset(b, col) rowclone_option_is_reset((b)->req, (b)->resets, (col))

/*
 * The SPEC's rules for what a copy gets, for each column of chain table
 * ci; raises the "no fresh key" error.  Fills spec->sources and friends.
 */
static void
plan_columns(PlanBuild *b, int ci, RowcloneInsertSpec *spec, int parent_param_base)
{
	RowcloneTable *table = b->tables[ci];
	RowcloneForeignKey *link = b->links[ci];
	RowcloneTable *parent = link ? b->tables[ci + 1] : NULL;
	bool		fresh = false;

	spec->sources = palloc0(sizeof(RowcloneColumnSource) * Max(table->ncolumns, 1));
	spec->override_slot = palloc0(sizeof(int) * Max(table->ncolumns, 1));
	spec->parent_param = palloc0(sizeof(int) * Max(table->ncolumns, 1));
	spec->slots = palloc0(sizeof(int) * Max(b->req->noverride_keys, 1));
	spec->slot_types = palloc0(sizeof(Oid) * Max(b->req->noverride_keys, 1));

	for (int i = 0; i < table->ncolumns; i++)
	{
		RowcloneColumn *col = &table->columns[i];
		int			slot = override_slot(b, col);
		int			link_pos = -1;
		RowcloneValueRule rule;

		if (link != NULL)
			for (int k = 0; k < link->nkeys; k++)
				if (link->conkey[k] == col->attnum)
					link_pos = k;

		rule = rowclone_value_rule(table, col, slot >= 0, is_reset(b, col), link_pos >= 0);
		switch (rule)
		{
			case RC_RULE_OVERRIDE:
				spec->sources[i] = RC_COL_OVERRIDE;
				spec->override_slot[i] = slot;
				spec->slots[spec->nslots] = slot;
				spec->slot_types[spec->nslots++] = col->typid;
				break;
			case RC_RULE_REFERENCE:
				spec->sources[i] = RC_COL_PARENT_KEY;
				for (int j = 0; j < parent->npk; j++)
					if (parent->pk_attnums[j] == link->confkey[link_pos])
						spec->parent_param[i] = parent_param_base + j + 1;
				break;
			case RC_RULE_COPY:
				spec->sources[i] = RC_COL_COPY;
				break;
			case RC_RULE_GENERATED:
			case RC_RULE_RESET:
			case RC_RULE_FRESH:
				spec->sources[i] = RC_COL_OMIT;
				break;
		}
		if (col->pk_position >= 0 && rowclone_rule_makes_key_fresh(rule))
			fresh = true;
	}

	if (!fresh)
		(void) rowclone_no_fresh_key(table, NULL, false);
}

static bool
fk_columns_plain(RowcloneInsertSpec *spec, RowcloneTable *table, RowcloneForeignKey *fk)
{
	for (int k = 0; k < fk->nkeys; k++)
	{
		for (int i = 0; i < table->ncolumns; i++)
		{
			RowcloneColumn *col = &table->columns[i];

			if (col->attnum == fk->conkey[k] &&
				(spec->sources[i] != RC_COL_COPY || col->pk_position >= 0))
				return false;
		}
	}
	return true;
}

/* No column of fk is NOT NULL. */
static bool
fk_columns_nullable(RowcloneTable *table, RowcloneForeignKey *fk)
{
	for (int k = 0; k < fk->nkeys; k++)
		if (rowclone_column_by_attnum(table, fk->conkey[k])->not_null)
			return false;
	return true;
}

/* The columns of fk are inserted as NULL when condition holds (or another's). */
static void
add_null_if(RowcloneInsertSpec *spec, RowcloneTable *table, RowcloneForeignKey *fk,
			char *condition)
{
	if (spec->null_if == NULL)
		spec->null_if = palloc0(sizeof(char *) * Max(table->ncolumns, 1));
	for (int i = 0; i < table->ncolumns; i++)
		for (int k = 0; k < fk->nkeys; k++)
			if (table->columns[i].attnum == fk->conkey[k])
				spec->null_if[i] = spec->null_if[i] == NULL ? condition :
					psprintf("(%s) OR (%s)", spec->null_if[i], condition);
}

/*
 * Source-key expressions of chain table ci, in the order of its primary
 * key.  The root's come from the call's key parameters; a parent's are its
 * child's, carried through the is-a link's column pairs.
 */
static void
key_exprs_for(PlanBuild *b, int ci, char **exprs, Oid *types, int *key_map)
{
	int			map[INDEX_MAX_KEYS];

	for (int j = 0; j < b->tables[0]->npk; j++)
		map[j] = j;
	for (int c = 0; c < ci; c++)
	{
		RowcloneTable *child = b->tables[c];
		RowcloneTable *parent = b->tables[c + 1];
		RowcloneForeignKey *link = b->links[c];
		int			next[INDEX_MAX_KEYS];

		for (int j = 0; j < parent->npk; j++)
			for (int k = 0; k < link->nkeys; k++)
				if (link->confkey[k] == parent->pk_attnums[j])
					next[j] = map[rowclone_column_by_attnum(child, link->conkey[k])->pk_position];
		memcpy(map, next, sizeof(map));
	}
	for (int j = 0; j < b->tables[ci]->npk; j++)
	{
		exprs[j] = b->root_key_exprs[map[j]];
		types[j] = b->root_key_types[map[j]];
		key_map[j] = map[j];
	}
}

static void
check_key_type(PlanBuild *b, RowcloneTable *root)
{
	RowclonePlan *plan = b->plan;
	Oid			keytype = b->req->keytype;
	RowcloneColumn *pkcol = rowclone_column_by_attnum(root, root->pk_attnums[0]);

	/* An untyped literal arrives as text: for a composite key, read it as jsonb. */
	plan->key_as_jsonb = (keytype == JSONBOID &&
						  !(root->npk == 1 && pkcol->typid == JSONBOID)) ||
		(keytype == TEXTOID && root->npk > 1);
	if (plan->key_as_jsonb)
	{
		plan->result_type = keytype;
		plan->nkey_params = root->npk;
		for (int j = 0; j < root->npk; j++)
		{
			RowcloneColumn *col = rowclone_column_by_attnum(root, root->pk_attnums[j]);

			plan->key_param_types[j] = col->typid;
			b->root_key_exprs[j] = psprintf("$%d", j + 1);
			b->root_key_types[j] = col->typid;
		}
		return;
	}

	if (root->npk > 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("table \"%s\" has a composite primary key (%s)",
						rowclone_display_name(root), rowclone_pk_column_list(root)),
				 errdetail("A key of type %s names one column.", format_type_be(keytype)),
				 errhint("Pass the key as a jsonb object keyed by column name, or as a jsonb array in key order.")));

	if (!can_coerce_type(1, &keytype, &pkcol->typid, COERCION_EXPLICIT) ||
		!can_coerce_type(1, &pkcol->typid, &keytype, COERCION_EXPLICIT))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("key of type %s does not match primary key column \"%s\" of table \"%s\"",
						format_type_be(keytype), pkcol->name, rowclone_display_name(root)),
				 errdetail("Column \"%s\" is of type %s, and there is no cast between the two types.",
						   pkcol->name, format_type_be(pkcol->typid)),
				 errhint("Pass the key as %s, or as text.", format_type_be(pkcol->typid))));

	plan->result_type = keytype;
	plan->nkey_params = 1;
	plan->key_param_types[0] = keytype;
	b->root_key_types[0] = pkcol->typid;
	b->root_key_exprs[0] = keytype == pkcol->typid ? "$1" :
		psprintf("CAST($1 AS %s)", rowclone_qualified_type_name(pkcol->typid));
}

static char *
result_expr(PlanBuild *b, RowcloneTable *root)
{
	StringInfoData buf;

	initStringInfo(&buf);
	if (b->plan->key_as_jsonb)
	{
		appendStringInfoString(&buf, "pg_catalog.jsonb_build_object(");
		for (int j = 0; j < root->npk; j++)
		{
			const char *name = rowclone_column_by_attnum(root, root->pk_attnums[j])->name;

			appendStringInfo(&buf, "%s%s, t.%s", j > 0 ? ", " : "",
							 quote_literal_cstr(name), quote_identifier(name));
		}
		appendStringInfoChar(&buf, ')');
		if (b->req->keytype != JSONBOID)
		{
			char	   *inner = buf.data;

			initStringInfo(&buf);
			appendStringInfo(&buf, "CAST(%s AS %s)", inner,
							 rowclone_qualified_type_name(b->req->keytype));
		}
	}
	else
	{
		RowcloneColumn *pkcol = rowclone_column_by_attnum(root, root->pk_attnums[0]);

		/* in the column's type: execute.c casts it, checking that it fits */
		appendStringInfo(&buf, "t.%s", quote_identifier(pkcol->name));
	}
	return buf.data;
}

/*
 * SPI_prepare_cursor, keeping the caller's memory context: SPI returns to
 * its own procedure context, which SPI_finish frees.
 */
SPIPlanPtr
rowclone_prepare(const char *sql, int nargs, Oid *argtypes, int cursor_options)
{
	MemoryContext cxt = CurrentMemoryContext;
	SPIPlanPtr	plan;

	if (strncmp(sql, RC_SQL_MARK, strlen(RC_SQL_MARK)) != 0)
		sql = psprintf(RC_SQL_MARK "%s", sql);
	plan = SPI_prepare_cursor(sql, nargs, argtypes, cursor_options);

	MemoryContextSwitchTo(cxt);

	if (plan == NULL)
		elog(ERROR, "rowclone: SPI_prepare failed (%s) for: %s",
			 SPI_result_code_string(SPI_result), sql);
	return plan;
}

/*
 * Build the steps: one per chain table, parents first.  Runs in the plan's
 * memory context, inside SPI.
 */
static void
build_steps(PlanBuild *b)
{
	RowclonePlan *plan = b->plan;
	int			n = b->nsteps;
	int			common = plan->nkey_params + (plan->noverrides > 0 ? 1 : 0);

	plan->nsteps = n;
	plan->steps = palloc0(sizeof(RowcloneStep) * n);
	for (int s = 0; s < n; s++)
	{
		int			ci = n - 1 - s; /* chain index: root is 0 */
		RowcloneTable *table = b->tables[ci];
		RowcloneStep *step = &plan->steps[s];
		RowcloneInsertSpec spec;
		Oid			argtypes[2 * INDEX_MAX_KEYS + 1];
		int			flag_col;
		List	   *fixups = NIL;
		ListCell   *lc;

		memset(&spec, 0, sizeof(spec));
		spec.table = table;
		spec.override_param = plan->noverrides > 0 ? plan->nkey_params + 1 : 0;

		step->relid = table->relid;
		step->display_name = pstrdup(rowclone_display_name(table));
		step->npk = table->npk;
		step->pk_names = palloc(sizeof(char *) * table->npk);
		for (int j = 0; j < table->npk; j++)
		{
			RowcloneColumn *col = rowclone_column_by_attnum(table, table->pk_attnums[j]);

			step->pk_names[j] = pstrdup(col->name);
			step->pk_types[j] = col->typid;
		}
		key_exprs_for(b, ci, spec.key_exprs, spec.key_expr_types, step->key_map);

		memcpy(argtypes, plan->key_param_types, sizeof(Oid) * plan->nkey_params);
		if (plan->noverrides > 0)
			argtypes[plan->nkey_params] = JSONBOID;
		step->nparams = common;
		step->parent_step = -1;
		if (b->links[ci] != NULL)
		{
			RowcloneTable *parent = b->tables[ci + 1];

			step->parent_step = s - 1;
			for (int j = 0; j < parent->npk; j++)
				argtypes[step->nparams++] =
					rowclone_column_by_attnum(parent, parent->pk_attnums[j])->typid;
		}
		plan_columns(b, ci, &spec, common);

		flag_col = table->npk + 1;
		if (ci == 0)
		{
			spec.result_expr = result_expr(b, table);
			step->result_column = flag_col++;
		}

		/* References to copied rows that only a later UPDATE can set. */
		for (int f = 0; f < table->nfkeys; f++)
		{
			RowcloneForeignKey *fk = &table->fkeys[f];
			int			target_ci = chain_index(b, fk->confrelid);
			RowcloneTable *target;
			RowcloneFixup *fixup;
			char	   *texprs[INDEX_MAX_KEYS];
			Oid			ttypes[INDEX_MAX_KEYS];
			int			tmap[INDEX_MAX_KEYS];

			if (fk == b->links[ci] || target_ci < 0 || fk->for_referenced_partition)
				continue;
			target = b->tables[target_ci];
			if (!fk_columns_plain(&spec, table, fk))
				continue;
			key_exprs_for(b, target_ci, texprs, ttypes, tmap);
			if (fk_columns_nullable(table, fk))
			{
				/*
				 * Insert NULL where the source references the copied row, so
				 * that a unique key on the reference (a one-to-one to itself)
				 * cannot collide with the source's value before the fix-up.
				 */
				char	   *refers = rowclone_sql_fk_flag(table, fk, "s", target, texprs, ttypes);

				add_null_if(&spec, table, fk, refers);
				spec.flag_exprs = lappend(spec.flag_exprs,
										  rowclone_sql_source_flag(table, spec.key_exprs,
																   spec.key_expr_types, refers));
			}
			else
				spec.flag_exprs = lappend(spec.flag_exprs,
										  rowclone_sql_fk_flag(table, fk, "t", target, texprs, ttypes));
			fixup = palloc0(sizeof(RowcloneFixup));
			fixup->target_step = n - 1 - target_ci;
			fixup->flag_column = flag_col++;
			fixup->conname = pstrdup(fk->conname);
			{
				Oid			ftypes[2 * INDEX_MAX_KEYS];

				for (int j = 0; j < target->npk; j++)
					ftypes[j] = rowclone_column_by_attnum(target, target->pk_attnums[j])->typid;
				for (int j = 0; j < table->npk; j++)
					ftypes[target->npk + j] = step->pk_types[j];
				fixup->update_plan = rowclone_prepare(rowclone_sql_fixup(table, fk, target),
													  target->npk + table->npk, ftypes, 0);
			}
			fixups = lappend(fixups, fixup);
		}
		step->nfixups = list_length(fixups);
		step->fixups = palloc0(sizeof(RowcloneFixup) * Max(step->nfixups, 1));
		foreach(lc, fixups)
			step->fixups[foreach_current_index(lc)] = *(RowcloneFixup *) lfirst(lc);

		step->insert_sql = rowclone_sql_insert(&spec);
		step->exists_sql = rowclone_sql_exists(table, spec.key_exprs, spec.key_expr_types);
		step->insert_plan = rowclone_prepare(step->insert_sql, step->nparams, argtypes, 0);
	}
}

/* Facts about the result and key types that every call needs. */
static void
cache_type_facts(RowclonePlan *plan)
{
	bool		isvarlena;

	get_typlenbyval(plan->result_type, &plan->result_typlen, &plan->result_typbyval);
	if (!plan->key_as_jsonb)
		getTypeOutputInfo(plan->result_type, &plan->key_output_fn, &isvarlena);
}

/*
 * Plan req and prepare its statements (not yet kept).  The plan lives in
 * a new memory context, a child of the current one until the caller
 * adopts it; an error frees everything.  Call inside SPI_connect.
 */
RowclonePlan *
rowclone_plan_build(RowcloneRequest *req)
{
	PlanBuild	b;
	RowcloneTable *root;
	MemoryContext cxt = AllocSetContextCreate(CurrentMemoryContext, "rowclone plan",
											  ALLOCSET_SMALL_SIZES);
	MemoryContext old = MemoryContextSwitchTo(cxt);
	RowclonePlan *plan = palloc0(sizeof(RowclonePlan));

	plan->cxt = cxt;
	memset(&b, 0, sizeof(b));
	b.req = req;
	b.plan = plan;
	plan->signature = pstrdup(req->signature);

	root = rowclone_table_get(req->relid);
	rowclone_check_cloneable(root);
	plan->root_display_name = pstrdup(rowclone_display_name(root));
	check_key_type(&b, root);
	if (req->set_mode)
	{
		RowcloneGraph *graph = rowclone_graph_build(req, true);

		plan->graph = graph;
		plan->max_depth = req->max_depth;
		plan->root_pk_names = graph->nodes[0].pk_names;
		memcpy(plan->root_pk_types, graph->nodes[0].pk_types, sizeof(Oid) * root->npk);
		plan->noverrides = req->noverride_keys;
		plan->override_keys = palloc(sizeof(char *) * Max(req->noverride_keys, 1));
		for (int i = 0; i < req->noverride_keys; i++)
			plan->override_keys[i] = pstrdup(req->override_keys[i]);
		plan->nrelids = graph->nnodes;
		plan->relids = palloc(sizeof(Oid) * graph->nnodes);
		for (int i = 0; i < graph->nnodes; i++)
			plan->relids[i] = graph->nodes[i].relid;
		cache_type_facts(plan);
		MemoryContextSwitchTo(old);
		return plan;
	}
	build_chain(&b, root);
	rowclone_resolve_options(req, b.tables, b.nsteps, &b.overrides, &b.resets);

	plan->root_pk_names = palloc(sizeof(char *) * root->npk);
	for (int j = 0; j < root->npk; j++)
	{
		RowcloneColumn *col = rowclone_column_by_attnum(root, root->pk_attnums[j]);

		plan->root_pk_names[j] = pstrdup(col->name);
		plan->root_pk_types[j] = col->typid;
	}
	plan->noverrides = req->noverride_keys;
	plan->override_keys = palloc(sizeof(char *) * Max(req->noverride_keys, 1));
	for (int i = 0; i < req->noverride_keys; i++)
		plan->override_keys[i] = pstrdup(req->override_keys[i]);

	build_steps(&b);

	plan->nrelids = b.nsteps;
	plan->relids = palloc(sizeof(Oid) * b.nsteps);
	for (int i = 0; i < b.nsteps; i++)
		plan->relids[i] = b.tables[i]->relid;
	cache_type_facts(plan);

	MemoryContextSwitchTo(old);
	return plan;
}
