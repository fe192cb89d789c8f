/*-------------------------------------------------------------------------
 *
 * catalog.h
 *	  Per-backend cache of what rowclone needs to know about a table.
 *
 *-------------------------------------------------------------------------
 */
#ifndef ROWCLONE_CATALOG_H
#define ROWCLONE_CATALOG_H

#include "postgres.h"
#include "access/attnum.h"
#include "nodes/primnodes.h"
#include "pg_config_manual.h"
#include "utils/palloc.h"

typedef struct RowcloneColumn
{
	AttrNumber	attnum;
	char	   *name;
	Oid			typid;
	char		identity;		/* pg_attribute.attidentity: '\0', 'a', 'd' */
	char		generated;		/* pg_attribute.attgenerated: '\0' or 's' */
	bool		has_default;
	bool		not_null;
	int			pk_position;	/* index into pk_attnums, or -1 */
	Expr	   *value_rule;		/* clone_set_value: the copies' value, an
								 * expression over the source row (rules.c) */
} RowcloneColumn;

/* What a copy rule (clone_set_reference) says a foreign key is. */
typedef enum RowcloneDeclared
{
	RC_DECLARED_NONE,			/* as the catalog says (ON DELETE) */
	RC_DECLARED_REFERENCE,		/* a reference: not followed by cascade */
	RC_DECLARED_OWNERSHIP		/* ownership: followed, whatever ON DELETE says */
} RowcloneDeclared;

typedef struct RowcloneForeignKey
{
	Oid			conoid;
	char	   *conname;
	Oid			confrelid;		/* the referenced table */
	int			nkeys;
	AttrNumber	conkey[INDEX_MAX_KEYS]; /* referencing columns, ours */
	AttrNumber	confkey[INDEX_MAX_KEYS];	/* referenced columns, theirs */
	Oid			pf_eq_oprs[INDEX_MAX_KEYS]; /* ours = theirs operators */
	char		confdeltype;	/* pg_constraint.confdeltype */
	Oid			conparentid;	/* constraint this one was cloned from */
	bool		for_referenced_partition;	/* a clone pointing at one partition
											 * of the referenced table: the
											 * parent constraint covers it */
	bool		is_parent_link; /* conkey is exactly our PK: "is-a" */
	RowcloneDeclared declared;	/* a copy rule about it (rules.c) */
	/* a link (clone_add_link): no constraint, conoid invalid (rules.c) */
	bool		is_link;
	AttrNumber	when_attnum;	/* 0, or only rows where this column ... */
	char	   *when_value;		/* ... equals this value (its text) */
} RowcloneForeignKey;

/*
 * Everything here lives in the entry's own memory context.  An entry is
 * valid until a relcache invalidation of its table; a stale entry is kept
 * alive (retired) until no clone is running, so pointers taken during one
 * call stay usable for the rest of it.
 */
typedef struct RowcloneTable
{
	Oid			relid;
	bool		valid;
	MemoryContext cxt;
	char		relkind;
	bool		insert_triggers_may_change_keys;	/* BEFORE INSERT row triggers */
	char		citus_partmethod;	/* how Citus distributes it (citus.h) */
	AttrNumber	citus_distcol;	/* its distribution column (hash), or 0 */
	Oid			nspoid;
	char	   *nspname;
	char	   *relname;
	char	   *sql_name;		/* "schema"."table", for generated SQL */
	char	   *display_name;	/* as regclass prints it, for messages */
	int			ncolumns;
	RowcloneColumn *columns;	/* live columns in attnum order */
	int			npk;			/* 0: no primary key */
	AttrNumber	pk_attnums[INDEX_MAX_KEYS];
	Oid			pk_opcintype[INDEX_MAX_KEYS];
	Oid			pk_eqop[INDEX_MAX_KEYS];	/* btree equality of the PK index */
	int			nfkeys;
	RowcloneForeignKey *fkeys;	/* foreign keys this table holds */
	Expr	   *filter;			/* clone_set_filter: which rows a cascade
								 * copies, a condition on the row (rules.c) */
	int			nuniques;		/* unique keys other than the primary key: */
	int		   *unique_ncols;	/* unique constraints and unique indexes on */
	AttrNumber **unique_cols;	/* plain columns, without a predicate */
	bool		refs_loaded;	/* the two below are read on first use */
	int			nrefs;
	Oid		   *ref_conoids;	/* foreign keys that reference this table */
	Oid		   *ref_conrelids;	/* ... and the tables that hold them */
	AttrNumber **ref_links;		/* or, where ref_conoids is invalid, the
								 * columns of a link: n, then n attnums
								 * in ascending order (rules.c) */
} RowcloneTable;

extern void rowclone_catalog_init(void);
extern RowcloneTable *rowclone_table_get(Oid relid);
extern void rowclone_check_table(RowcloneTable *table);
extern void rowclone_check_cloneable(RowcloneTable *table);
extern void rowclone_check_user_table(RowcloneTable *table);
extern RowcloneColumn *rowclone_column_by_name(RowcloneTable *table,
											   const char *name);
extern RowcloneColumn *rowclone_column_by_attnum(RowcloneTable *table,
												 AttrNumber attnum);
extern char *rowclone_display_name(RowcloneTable *table);
extern char *rowclone_qualified_type_name(Oid typid);
extern void rowclone_retire_context(MemoryContext cxt);
extern void rowclone_release_retired(void);
extern void rowclone_table_load_references(RowcloneTable *table);
extern bool rowclone_same_columns(int na, const AttrNumber *a, int nb, const AttrNumber *b);
extern RowcloneForeignKey *rowclone_fkey_by_oid(RowcloneTable *table, Oid conoid);
extern RowcloneForeignKey *rowclone_referencing_fkey(RowcloneTable *table, int r,
													 RowcloneTable **child_out);
extern void rowclone_table_add_reference(RowcloneTable *table, Oid conoid, Oid conrelid,
										 int nlink, const AttrNumber *link);
extern bool rowclone_fk_primary_key_positions(RowcloneForeignKey *fk, RowcloneTable *target,
											  int *pos);
extern RowcloneForeignKey *rowclone_find_parent_link(RowcloneTable *table,
													 RowcloneTable **parent_out);

/* Which relids a cached clone plan depends on is tracked in plancache.c. */
typedef void (*RowcloneInvalidateHook) (Oid relid);
extern void rowclone_catalog_set_invalidate_hook(RowcloneInvalidateHook hook);

#endif							/* ROWCLONE_CATALOG_H */
