/*-------------------------------------------------------------------------
 *
 * plan.h
 *	  The cached plan of a clone request: its key and result types around
 *	  the graph of tables and statements that carries it out.
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
#include "graph.h"
#include "request.h"

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
	char		result_typalign;
	Oid			key_output_fn;	/* one-column keys: output function, for messages */
	int			nkey_params;	/* 1, or the root's PK width for jsonb keys */
	Oid			key_param_types[INDEX_MAX_KEYS];
	char	  **root_pk_names;
	Oid			root_pk_types[INDEX_MAX_KEYS];
	int			noverrides;		/* jsonb parameter follows the key params */
	char	  **override_keys;	/* raw key of override i, in "i" order */
	int			nrelids;
	Oid		   *relids;			/* every table the plan depends on */
	char	   *root_display_name;
	int32		max_depth;		/* -1 for no limit */
	RowcloneGraph *graph;		/* the tables, their statements and shapes */
} RowclonePlan;

extern RowclonePlan *rowclone_plan_build(RowcloneRequest *req);

/* plancache.c */
extern void rowclone_plan_init(void);
extern RowclonePlan *rowclone_plan_get(RowcloneRequest *req);

#endif							/* ROWCLONE_PLAN_H */
