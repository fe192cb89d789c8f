/*-------------------------------------------------------------------------
 *
 * cascade.h
 *	  Running a set-based clone plan.
 *
 *-------------------------------------------------------------------------
 */
#ifndef ROWCLONE_CASCADE_H
#define ROWCLONE_CASCADE_H

#include "postgres.h"
#include "access/tupdesc.h"
#include "utils/tuplestore.h"

#include "graph.h"
#include "keys.h"
#include "plan.h"
#include "rowset.h"

/* Where a set-based clone starts: the source table's rows by key. */
typedef struct RowcloneSources
{
	Datum		key_arrays[INDEX_MAX_KEYS];	/* per primary key column, in its
											 * type; may repeat keys */
	int			copies;			/* independent copies of every source row */
	bool		missing_ok;		/* absent keys give no copy, not an error */
	RowcloneKey *key;			/* the one source key, for messages; NULL
								 * when there are many */
} RowcloneSources;

/*
 * What a set-based clone made: per node, its source rows and new keys.
 * Copy c of row r of a node has new key new_key[col][c * nrows + r].
 */
typedef struct RowcloneCascadeResult
{
	RowcloneGraph *graph;
	int			copies;
	RowcloneRowSet **rows;		/* per node */
	uint64	   *keyless_rows;	/* per node without a key: rows copied */
	Datum	  **old_arrays;		/* per node, per key column */
	Datum	  **new_arrays;
} RowcloneCascadeResult;

extern void rowclone_sources_of_key(RowclonePlan *plan, RowcloneKey *key,
									RowcloneSources *sources);
extern void rowclone_cascade_execute(RowclonePlan *plan, RowcloneSources *sources,
									 Datum overrides, RowcloneCascadeResult *result);
extern void rowclone_cascade_emit(RowcloneCascadeResult *result,
								  Tuplestorestate *store, TupleDesc desc);
extern void rowclone_cascade_emit_pairs(RowclonePlan *plan, RowcloneCascadeResult *result,
									   RowcloneKeyList *keys, Tuplestorestate *store,
									   TupleDesc desc);
extern Datum rowclone_cascade_root_result(RowclonePlan *plan, RowcloneCascadeResult *result,
										  bool *isnull);

#endif							/* ROWCLONE_CASCADE_H */
