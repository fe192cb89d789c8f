/*-------------------------------------------------------------------------
 *
 * rules.h
 *	  Copy rules (SPEC "Copy rules"): what an application says about its
 *	  tables that the catalog does not, declared once and kept in the
 *	  extension's configuration table rowclone_rule.
 *
 *-------------------------------------------------------------------------
 */
#ifndef ROWCLONE_RULES_H
#define ROWCLONE_RULES_H

#include "catalog.h"

/* Mark the foreign keys of table that a rule declares (catalog.c). */
extern void rowclone_rules_apply(RowcloneTable *table);
/* Add the links into table to its references (catalog.c). */
extern void rowclone_rules_load_links_to(RowcloneTable *table);
extern char *rowclone_value_sql(RowcloneTable *table, RowcloneColumn *col);
extern char *rowclone_filter_sql(RowcloneTable *table);
extern char *rowclone_link_condition_sql(RowcloneTable *table, RowcloneForeignKey *fk,
										 const char *alias);

#endif							/* ROWCLONE_RULES_H */
