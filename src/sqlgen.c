/*-------------------------------------------------------------------------
 *
 * sqlgen.c
 *	  Pieces of the SQL text of clone statements, and their preparation.
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

