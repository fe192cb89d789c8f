/*-------------------------------------------------------------------------
 *
 * plan.h
 *	  A clone request and the cached plan that carries it out.
 *
 *-------------------------------------------------------------------------
 */
#ifndef ROWCLONE_PLAN_H
#define ROWCLONE_PLAN_H

#include "postgres.h"
#include "executor/spi.h"
#include "utils/array.h"
#include "utils/jsonb.h"

#include "catalog.h"

/* What a call asks for, decoded from its arguments (rowclone.c). */
typedef struct RowcloneRequest
{
	Oid			relid;
	Oid			keytype;		/* type of the key argument */
	Jsonb	   *overrides;		/* NULL: none */
	bool		cascade;
	bool		set_mode;		/* plan with the set-based engine (graph.c) */
	bool		need_rows;		/* the caller lists every copy (clone_graph) */
	int32		max_depth;		/* -1: no limit */
	int			fanout;			/* clone_rows: objects of an overrides array,
								 * one per copy; 0 for one object */
	int			noverride_keys;
	char	  **override_keys;	/* raw keys of overrides, in jsonb order */
	int			nreset;
	char	  **reset;			/* raw column references of reset */
	int			nskip;
	Oid		   *skip;
	char	   *signature;		/* all of the above that shapes the plan */
} RowcloneRequest;

/* How one column of a copy gets its value. */
typedef enum RowcloneColumnSource
{
	RC_COL_COPY,				/* copied as it is */
	RC_COL_OMIT,				/* left out: default, identity, generated */
	RC_COL_OVERRIDE,			/* value from overrides */
	RC_COL_PARENT_KEY			/* the new key of the is-a parent's copy */
} RowcloneColumnSource;

/*
 * A reference from a copied row to another copied row (or to itself) that
 * can only be pointed at the copy after both exist.  The step's INSERT
 * returns a flag saying whether the source row referenced the other
 * source row; only then does the UPDATE run.
 */
typedef struct RowcloneFixup
{
	int			target_step;	/* the step whose copy is referenced */
	int			flag_column;	/* 1-based column of the INSERT's RETURNING */
	SPIPlanPtr	update_plan;	/* $target new key..., $own new key... */
	char	   *conname;
} RowcloneFixup;

/* One table's share of a clone: one INSERT ... SELECT, then fix-ups. */
typedef struct RowcloneStep
{
	Oid			relid;
	char	   *display_name;
	int			npk;
	char	  **pk_names;
	Oid			pk_types[INDEX_MAX_KEYS];
	int			key_map[INDEX_MAX_KEYS];	/* root key column of each PK column */
	int			parent_step;	/* step whose new key is ours, or -1 */
	int			nparams;
	SPIPlanPtr	insert_plan;	/* RETURNING new PK..., [result], flags... */
	int			result_column;	/* root only: column of the caller's result */
	int			nfixups;
	RowcloneFixup *fixups;
	char	   *insert_sql;
	char	   *exists_sql;		/* takes the key parameters only */
} RowcloneStep;

typedef struct RowclonePlanKey
{
	Oid			relid;
	Oid			keytype;
	uint32		signature_hash;
} RowclonePlanKey;

typedef struct RowclonePlan
{
	RowclonePlanKey key;		/* where plancache.c keeps it */
	char	   *signature;
	bool		valid;
	MemoryContext cxt;
	bool		key_as_jsonb;	/* key passed and returned as a jsonb object */
	Oid			result_type;
	int16		result_typlen;	/* looked up once per plan, not per call */
	bool		result_typbyval;
	Oid			key_output_fn;	/* one-column keys: output function, for messages */
	int			nkey_params;	/* 1, or the root's PK width for jsonb keys */
	Oid			key_param_types[INDEX_MAX_KEYS];
	char	  **root_pk_names;
	Oid			root_pk_types[INDEX_MAX_KEYS];
	int			noverrides;		/* jsonb parameter follows the key params */
	char	  **override_keys;	/* raw key of override i, in "i" order */
	int			nsteps;
	RowcloneStep *steps;		/* parents first, the root last */
	int			nrelids;
	Oid		   *relids;			/* every table the plan depends on */
	char	   *root_display_name;
	int32		max_depth;		/* set mode: -1 for no limit */
	struct RowcloneGraph *graph;	/* set mode only; then nsteps is 0 */
} RowclonePlan;

/* A column named in overrides or reset, resolved to one of a clone's tables. */
typedef struct RowcloneOption
{
	int			table;			/* index into the clone's tables */
	RowcloneColumn *column;
	bool		unqualified;	/* "col": overrides set the source rows'
								 * copies only, not other rows of the table */
} RowcloneOption;

extern int	rowclone_option_slot(RowcloneRequest *req, RowcloneOption *overrides,
								 RowcloneColumn *col);
extern bool rowclone_option_is_reset(RowcloneRequest *req, RowcloneOption *resets,
									 RowcloneColumn *col);
extern void rowclone_resolve_options(RowcloneRequest *req, RowcloneTable **tables,
									 int ntables, RowcloneOption **overrides,
									 RowcloneOption **resets);
extern RowcloneForeignKey *rowclone_find_parent_link(RowcloneTable *table,
													 RowcloneTable **parent_out);
extern int	rowclone_resolve_column_ref(RowcloneTable **tables, int ntables,
										const char *raw, const char *argname,
										RowcloneColumn **column, bool *unqualified);
extern RowclonePlan *rowclone_plan_build(RowcloneRequest *req);

/* plancache.c */
extern void rowclone_plan_init(void);
extern RowclonePlan *rowclone_plan_get(RowcloneRequest *req);
/*
 * Every statement rowclone runs starts with this comment, so that the
 * "SQL statement" context lines SPI adds for them can be told from the
 * caller's own statements and left out of errors (rowclone.c).
 */
#define RC_SQL_MARK "/* rowclone */ "

extern SPIPlanPtr rowclone_prepare(const char *sql, int nargs, Oid *argtypes,
								   int cursor_options);

#endif							/* ROWCLONE_PLAN_H */
