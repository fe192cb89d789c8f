/*-------------------------------------------------------------------------
 *
 * sqlgen.h
 *	  Text of the statements a clone plan runs.
 *
 *-------------------------------------------------------------------------
 */
#ifndef ROWCLONE_SQLGEN_H
#define ROWCLONE_SQLGEN_H

#include "postgres.h"
#include "lib/stringinfo.h"
#include "nodes/pg_list.h"

#include "catalog.h"
#include "plan.h"

/* Everything the INSERT ... SELECT of one step needs; transient. */
typedef struct RowcloneInsertSpec
{
	RowcloneTable *table;
	RowcloneColumnSource *sources;	/* indexed like table->columns */
	int		   *override_slot;	/* indexed like table->columns: "i" of o."i" */
	int		   *parent_param;	/* indexed like table->columns: $n or 0 */
	int			override_param; /* $n of the overrides jsonb, or 0 */
	int			nslots;			/* overrides of this table: */
	int		   *slots;			/* ... their "i" in the overrides parameter */
	Oid		   *slot_types;		/* ... and their column types */
	char	   *key_exprs[INDEX_MAX_KEYS];	/* source key, per PK column */
	Oid			key_expr_types[INDEX_MAX_KEYS];
	char	   *result_expr;	/* root only, else NULL */
	List	   *flag_exprs;		/* char *, each a boolean expression for RETURNING */
	char	  **null_if;		/* indexed like table->columns: a condition on s
								 * under which a copied column is inserted as
								 * NULL (set later by a fix-up), or NULL */
} RowcloneInsertSpec;

extern const char *rowclone_only(RowcloneTable *table);
extern void rowclone_sql_key_match(StringInfo buf, RowcloneTable *table, const char *alias,
								   char **exprs, Oid *expr_types);
extern char *rowclone_sql_insert(RowcloneInsertSpec *spec);
extern char *rowclone_sql_exists(RowcloneTable *table, char **key_exprs, Oid *key_types);
extern char *rowclone_sql_fk_flag(RowcloneTable *table, RowcloneForeignKey *fk,
								  const char *alias, RowcloneTable *target,
								  char **target_key_exprs, Oid *target_key_types);
extern char *rowclone_sql_source_flag(RowcloneTable *table, char **key_exprs,
									  Oid *key_types, const char *condition);
extern char *rowclone_sql_fixup(RowcloneTable *table, RowcloneForeignKey *fk,
								RowcloneTable *target);

#endif							/* ROWCLONE_SQLGEN_H */
