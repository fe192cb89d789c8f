/*-------------------------------------------------------------------------
 *
 * columns.h
 *	  What a copy gets: the rule for each column, and the fresh-key check,
 *	  shared by every statement shape.
 *
 *-------------------------------------------------------------------------
 */
#ifndef ROWCLONE_COLUMNS_H
#define ROWCLONE_COLUMNS_H

#include "nodes/primnodes.h"

#include "catalog.h"

/* README "What a copy gets": where a column of a copy gets its value */
typedef enum RowcloneValueRule
{
	RC_RULE_GENERATED,			/* left out: computed again */
	RC_RULE_OVERRIDE,			/* the value in overrides */
	RC_RULE_VALUE,				/* a value rule (clone_set_value) */
	RC_RULE_RESET,				/* left out: the column default, or NULL */
	RC_RULE_REFERENCE,			/* the copy of the row it references (the
								 * is-a link; any key into the copied set) */
	RC_RULE_FRESH,				/* left out: identity or key default fires */
	RC_RULE_UUID,				/* a uuid key without a default: a fresh
								 * gen_random_uuid() */
	RC_RULE_COPY				/* as it is */
} RowcloneValueRule;

extern RowcloneValueRule rowclone_value_rule(RowcloneTable *table, RowcloneColumn *col,
											 bool overridden, bool reset,
											 bool references_copy);
extern bool rowclone_rule_makes_key_fresh(RowcloneValueRule rule);
extern Expr *rowclone_fresh_uuid_expr(void);

/* RC_RULE_UUID in SQL, the same function as rowclone_fresh_uuid_expr() */
#define RC_FRESH_UUID_SQL "pg_catalog.gen_random_uuid()"
extern char *rowclone_no_fresh_key(RowcloneTable *table, const char *reached_by,
								   bool describe_only);
extern void rowclone_copies_not_inserted(const char *display_name, uint64 inserted,
										 uint64 wanted);
extern void rowclone_copy_keys_changed(const char *display_name, uint64 changed,
									   uint64 inserted);
extern char *rowclone_pk_column_list(RowcloneTable *table);
extern void rowclone_row_not_found(const char *key_text, const char *display_name);

#endif							/* ROWCLONE_COLUMNS_H */
