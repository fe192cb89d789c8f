/*-------------------------------------------------------------------------
 *
 * request.h
 *	  What a clone call asks for, and the column references of its options
 *	  resolved against the tables the clone copies.
 *
 *-------------------------------------------------------------------------
 */
#ifndef ROWCLONE_REQUEST_H
#define ROWCLONE_REQUEST_H

#include "postgres.h"
#include "fmgr.h"
#include "utils/jsonb.h"

#include "catalog.h"

/* What a call asks for, decoded from its arguments (rowclone.c). */
typedef struct RowcloneRequest
{
	Oid			relid;
	Oid			keytype;		/* type of the key argument */
	Jsonb	   *overrides;		/* NULL: none */
	bool		cascade;
	bool		set_mode;		/* the set shape for every table: many source
								 * rows, or the caller lists every copy */
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

/* A column named in overrides or reset, resolved to one of a clone's tables. */
typedef struct RowcloneOption
{
	int			table;			/* index into the clone's tables */
	RowcloneColumn *column;
	bool		unqualified;	/* "col": overrides set the source rows'
								 * copies only, not other rows of the table */
} RowcloneOption;

/* Where a SQL function has its options; -1 where it has none. */
typedef struct RowcloneOptionArgs
{
	int			overrides;
	int			reset;
	int			cascade;
	int			skip;
	int			max_depth;
	bool		fanout;			/* overrides may be an array, one per copy */
} RowcloneOptionArgs;

extern void rowclone_null_argument(const char *name);
extern void rowclone_decode_options(FunctionCallInfo fcinfo, const RowcloneOptionArgs *args,
									RowcloneRequest *req);
extern void rowclone_request_sign(RowcloneRequest *req);
extern List *rowclone_split_column_ref(const char *raw, const char *argname);
extern int	rowclone_option_slot(RowcloneRequest *req, RowcloneOption *overrides,
								 RowcloneColumn *col);
extern bool rowclone_option_is_reset(RowcloneRequest *req, RowcloneOption *resets,
									 RowcloneColumn *col);
extern void rowclone_resolve_options(RowcloneRequest *req, RowcloneTable **tables,
									 int ntables, RowcloneOption **overrides,
									 RowcloneOption **resets);
extern int	rowclone_resolve_column_ref(RowcloneTable **tables, int ntables,
										const char *raw, const char *argname,
										RowcloneColumn **column, bool *unqualified);

#endif							/* ROWCLONE_REQUEST_H */
