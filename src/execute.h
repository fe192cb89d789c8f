/*-------------------------------------------------------------------------
 *
 * execute.h
 *	  Running a clone plan, in its one-row or set shape, and what each
 *	  clone function returns from it.
 *
 *-------------------------------------------------------------------------
 */
#ifndef ROWCLONE_EXECUTE_H
#define ROWCLONE_EXECUTE_H

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
typedef struct RowcloneSetResult
{
	RowcloneGraph *graph;
	int			copies;
	RowcloneRowSet **rows;		/* per node */
	uint64	   *keyless_rows;	/* per node without a key: rows copied */
	Datum	  **old_arrays;		/* per node, per key column */
	Datum	  **new_arrays;
} RowcloneSetResult;

extern void rowclone_sources_of_key(RowclonePlan *plan, RowcloneKey *key,
									RowcloneSources *sources);
extern void rowclone_execute_set(RowclonePlan *plan, RowcloneSources *sources,
									 Datum overrides, RowcloneSetResult *result);
extern void rowclone_emit_graph(RowcloneSetResult *result,
								  Tuplestorestate *store, TupleDesc desc);
extern void rowclone_emit_pairs(RowclonePlan *plan, RowcloneSetResult *result,
									   RowcloneKeyList *keys, Tuplestorestate *store,
									   TupleDesc desc);
extern Datum rowclone_execute_one_row(RowclonePlan *plan, RowcloneKey *key, Datum overrides,
									  bool for_clone_rows, bool *isnull);
extern Datum rowclone_root_result(RowclonePlan *plan, RowcloneSetResult *result,
										  bool *isnull);

#endif							/* ROWCLONE_EXECUTE_H */
