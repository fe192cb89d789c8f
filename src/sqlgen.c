/*-------------------------------------------------------------------------
 *
 * sqlgen.c
 *	  Builds the SQL text of clone statements.
 *
 * Every identifier is quoted, every table and type schema-qualified and
 * every operator written OPERATOR(schema.op) (generate_operator_clause,
 * as ri_triggers.c does), so the caller's search_path cannot redirect
 * anything.  Values only ever travel as $n parameters; column defaults
 * never appear as text (columns that take them are left out of the
 * INSERT so the stored default fires).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_attribute.h"
#include "catalog/pg_class.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"

#include "sqlgen.h"

/* FROM ONLY for plain tables (skip inheritance children); partitioned
 * tables must be read through their partitions. */
const char *
rowclone_only(RowcloneTable *table)
{
	return table->relkind == RELKIND_PARTITIONED_TABLE ? "" : "ONLY ";
}

static char *
column_ref(const char *alias, const char *colname)
{
	return psprintf("%s.%s", alias, quote_identifier(colname));
}

/* alias.pk1 = exprs[0] AND ..., with the primary key's own equality operators */
void
rowclone_sql_key_match(StringInfo buf, RowcloneTable *table, const char *alias,
				 char **exprs, Oid *expr_types)
{
	for (int j = 0; j < table->npk; j++)
	{
		RowcloneColumn *col = rowclone_column_by_attnum(table, table->pk_attnums[j]);

		if (j > 0)
			appendStringInfoString(buf, " AND ");
		generate_operator_clause(buf,
								 column_ref(alias, col->name), col->typid,
								 table->pk_eqop[j],
								 exprs[j], expr_types[j]);
	}
}

/*
 * INSERT INTO t (cols) SELECT exprs FROM ONLY t AS s [CROSS JOIN overrides]
 * WHERE s.pk = key RETURNING t.pk..., [result], [flags].
 */
char *
rowclone_sql_insert(RowcloneInsertSpec *spec)
{
	RowcloneTable *table = spec->table;
	StringInfoData targets;
	StringInfoData exprs;
	StringInfoData sql;
	bool		overriding = false;
	bool		first = true;
	ListCell   *lc;

	initStringInfo(&targets);
	initStringInfo(&exprs);
	for (int i = 0; i < table->ncolumns; i++)
	{
		RowcloneColumn *col = &table->columns[i];

		if (spec->sources[i] == RC_COL_OMIT)
			continue;
		if (!first)
		{
			appendStringInfoString(&targets, ", ");
			appendStringInfoString(&exprs, ", ");
		}
		first = false;
		appendStringInfoString(&targets, quote_identifier(col->name));
		switch (spec->sources[i])
		{
			case RC_COL_COPY:
				if (spec->null_if != NULL && spec->null_if[i] != NULL)
					appendStringInfo(&exprs, "CASE WHEN %s THEN NULL ELSE %s END",
									 spec->null_if[i], column_ref("s", col->name));
				else
					appendStringInfoString(&exprs, column_ref("s", col->name));
				break;
			case RC_COL_OVERRIDE:
				appendStringInfo(&exprs, "o.\"%d\"", spec->override_slot[i]);
				break;
			case RC_COL_PARENT_KEY:
				appendStringInfo(&exprs, "$%d", spec->parent_param[i]);
				break;
			case RC_COL_OMIT:
				break;
		}
		if (col->identity == ATTRIBUTE_IDENTITY_ALWAYS)
			overriding = true;
	}

	initStringInfo(&sql);
	/* With no column to set, a zero-column SELECT gives every column its default. */
	appendStringInfo(&sql, "INSERT INTO %s AS t %s%s%s%s SELECT %s FROM %s%s AS s",
					 table->sql_name,
					 first ? "" : "(", targets.data, first ? "" : ")",
					 overriding ? " OVERRIDING SYSTEM VALUE" : "",
					 exprs.data, rowclone_only(table), table->sql_name);
	if (spec->nslots > 0)
	{
		appendStringInfo(&sql, " CROSS JOIN pg_catalog.jsonb_to_record($%d) AS o(",
						 spec->override_param);
		for (int k = 0; k < spec->nslots; k++)
			appendStringInfo(&sql, "%s\"%d\" %s", k > 0 ? ", " : "", spec->slots[k],
							 rowclone_qualified_type_name(spec->slot_types[k]));
		appendStringInfoChar(&sql, ')');
	}
	appendStringInfoString(&sql, " WHERE ");
	rowclone_sql_key_match(&sql, table, "s", spec->key_exprs, spec->key_expr_types);

	appendStringInfoString(&sql, " RETURNING ");
	for (int j = 0; j < table->npk; j++)
	{
		RowcloneColumn *col = rowclone_column_by_attnum(table, table->pk_attnums[j]);

		appendStringInfo(&sql, "%s%s", j > 0 ? ", " : "", column_ref("t", col->name));
	}
	if (spec->result_expr != NULL)
		appendStringInfo(&sql, ", %s", spec->result_expr);
	foreach(lc, spec->flag_exprs)
		appendStringInfo(&sql, ", (%s)", (char *) lfirst(lc));

	return sql.data;
}

/* SELECT 1 FROM ONLY t AS s WHERE s.pk = key: does the source row exist? */
char *
rowclone_sql_exists(RowcloneTable *table, char **key_exprs, Oid *key_types)
{
	StringInfoData sql;

	initStringInfo(&sql);
	appendStringInfo(&sql, "SELECT 1 FROM %s%s AS s WHERE ", rowclone_only(table),
					 table->sql_name);
	rowclone_sql_key_match(&sql, table, "s", key_exprs, key_types);
	return sql.data;
}

/*
 * Boolean expression saying whether the row called alias references the
 * source row of the target step through fk.  On "t" in the INSERT's
 * RETURNING: the copy still holds the source's values.  A key to the
 * target's primary key compares with the target's key expressions; a key
 * to another unique key reads that key from the target's source row.
 */
char *
rowclone_sql_fk_flag(RowcloneTable *table, RowcloneForeignKey *fk,
					 const char *alias, RowcloneTable *target,
					 char **target_key_exprs, Oid *target_key_types)
{
	StringInfoData buf;
	int			pos[INDEX_MAX_KEYS];
	bool		to_pk = rowclone_fk_primary_key_positions(fk, target, pos);

	initStringInfo(&buf);
	if (!to_pk)
	{
		appendStringInfo(&buf, "EXISTS (SELECT 1 FROM %s%s AS ts WHERE ",
						 rowclone_only(target), target->sql_name);
		rowclone_sql_key_match(&buf, target, "ts", target_key_exprs, target_key_types);
		appendStringInfoString(&buf, " AND ");
	}
	for (int i = 0; i < fk->nkeys; i++)
	{
		RowcloneColumn *col = rowclone_column_by_attnum(table, fk->conkey[i]);

		if (i > 0)
			appendStringInfoString(&buf, " AND ");
		/* conpfeqop compares referenced (left) with referencing (right). */
		if (to_pk)
			generate_operator_clause(&buf,
									 target_key_exprs[pos[i]], target_key_types[pos[i]],
									 fk->pf_eq_oprs[i],
									 column_ref(alias, col->name), col->typid);
		else
		{
			RowcloneColumn *ref = rowclone_column_by_attnum(target, fk->confkey[i]);

			generate_operator_clause(&buf, column_ref("ts", ref->name), ref->typid,
									 fk->pf_eq_oprs[i],
									 column_ref(alias, col->name), col->typid);
		}
	}
	if (!to_pk)
		appendStringInfoChar(&buf, ')');
	return buf.data;
}

/*
 * EXISTS (SELECT 1 FROM ONLY t AS s WHERE s.pk = key AND condition): a
 * flag about the source row, for a RETURNING whose copy no longer holds
 * the source's values.
 */
char *
rowclone_sql_source_flag(RowcloneTable *table, char **key_exprs, Oid *key_types,
						 const char *condition)
{
	StringInfoData sql;

	initStringInfo(&sql);
	appendStringInfo(&sql, "EXISTS (SELECT 1 FROM %s%s AS s WHERE ", rowclone_only(table),
					 table->sql_name);
	rowclone_sql_key_match(&sql, table, "s", key_exprs, key_types);
	appendStringInfo(&sql, " AND %s)", condition);
	return sql.data;
}

/*
 * UPDATE ONLY t SET fk columns = $target new key WHERE t.pk = $own new key;
 * for a key to another unique key of the target, SET fk columns = that
 * key's values in the target's copy.  Parameters: the target's new key
 * ($1..), then the row's own ($n+1..).
 */
char *
rowclone_sql_fixup(RowcloneTable *table, RowcloneForeignKey *fk,
				   RowcloneTable *target)
{
	StringInfoData sql;
	char	   *own[INDEX_MAX_KEYS];
	Oid			own_types[INDEX_MAX_KEYS];
	char	   *target_new[INDEX_MAX_KEYS];
	Oid			target_types[INDEX_MAX_KEYS];
	int			pos[INDEX_MAX_KEYS];
	bool		to_pk = rowclone_fk_primary_key_positions(fk, target, pos);

	for (int j = 0; j < target->npk; j++)
	{
		target_new[j] = psprintf("$%d", j + 1);
		target_types[j] = rowclone_column_by_attnum(target, target->pk_attnums[j])->typid;
	}
	initStringInfo(&sql);
	appendStringInfo(&sql, "UPDATE %s%s AS t SET ", rowclone_only(table), table->sql_name);
	for (int i = 0; i < fk->nkeys; i++)
	{
		RowcloneColumn *col = rowclone_column_by_attnum(table, fk->conkey[i]);

		appendStringInfo(&sql, "%s%s = ", i > 0 ? ", " : "", quote_identifier(col->name));
		if (to_pk)
			appendStringInfo(&sql, "$%d", pos[i] + 1);
		else
		{
			appendStringInfo(&sql, "(SELECT %s FROM %s%s AS tc WHERE ",
							 column_ref("tc", rowclone_column_by_attnum(target, fk->confkey[i])->name),
							 rowclone_only(target), target->sql_name);
			rowclone_sql_key_match(&sql, target, "tc", target_new, target_types);
			appendStringInfoChar(&sql, ')');
		}
	}
	for (int j = 0; j < table->npk; j++)
	{
		own[j] = psprintf("$%d", target->npk + j + 1);
		own_types[j] = rowclone_column_by_attnum(table, table->pk_attnums[j])->typid;
	}
	appendStringInfoString(&sql, " WHERE ");
	rowclone_sql_key_match(&sql, table, "t", own, own_types);
	return sql.data;
}
