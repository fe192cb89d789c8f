/*-------------------------------------------------------------------------
 *
 * sqlgen.h
 *	  Pieces of the SQL text clone statements are built from, and how they
 *	  are prepared.
 *
 *-------------------------------------------------------------------------
 */
#ifndef ROWCLONE_SQLGEN_H
#define ROWCLONE_SQLGEN_H

#include "postgres.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"

#include "catalog.h"

/*
 * Every statement rowclone runs starts with this comment, so that the
 * "SQL statement" context lines SPI adds for them can be told from the
 * caller's own statements and left out of errors (rowclone.c).
 */
#define RC_SQL_MARK "/* rowclone */ "

extern const char *rowclone_only(RowcloneTable *table);
extern void rowclone_sql_key_match(StringInfo buf, RowcloneTable *table, const char *alias,
								   char **exprs, Oid *expr_types);
extern char *rowclone_sql_exists(RowcloneTable *table, char **key_exprs, Oid *key_types);
extern SPIPlanPtr rowclone_prepare(const char *sql, int nargs, Oid *argtypes,
								   int cursor_options);

#endif							/* ROWCLONE_SQLGEN_H */
