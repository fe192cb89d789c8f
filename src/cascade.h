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

/* What a set-based clone made: per node, its source rows and new keys. */
typedef struct RowcloneCascadeResult
{
	RowcloneGraph *graph;
	RowcloneRowSet **rows;		/* per node */
	uint64	   *keyless_rows;	/* per node without a key: rows copied */
	Datum	  **old_arrays;		/* per node, per key column */
	Datum	  **new_arrays;
} RowcloneCascadeResult;

extern void rowclone_cascade_execute(RowclonePlan *plan, RowcloneKey *key,
									 Datum overrides, RowcloneCascadeResult *result);
extern void rowclone_cascade_emit(RowcloneCascadeResult *result,
								  Tuplestorestate *store, TupleDesc desc);
extern Datum rowclone_cascade_root_result(RowclonePlan *plan, RowcloneCascadeResult *result,
										  bool *isnull);

#endif							/* ROWCLONE_CASCADE_H */
