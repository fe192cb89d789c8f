/*-------------------------------------------------------------------------
 *
 * rowset.h
 *	  The source rows of one table in a cascade: fetched column values,
 *	  depth, and new key, with an index on the primary key.
 *
 *-------------------------------------------------------------------------
 */
#ifndef ROWCLONE_ROWSET_H
#define ROWCLONE_ROWSET_H

#include "postgres.h"
#include "fmgr.h"
#include "pg_config_manual.h"

struct rowidx_hash;

typedef struct RowcloneRowSet
{
	MemoryContext cxt;
	int			ncols;			/* columns fetched per row */
	int			nkey;			/* the first nkey columns are the primary key */
	Oid		   *types;			/* ncols of each */
	int16	   *typlen;
	bool	   *typbyval;
	Datum	   *scratch_values;	/* room for one row, for callers */
	bool	   *scratch_nulls;
	Oid			collations[INDEX_MAX_KEYS];
	FmgrInfo	hash_fn[INDEX_MAX_KEYS];
	FmgrInfo	eq_fn[INDEX_MAX_KEYS];
	FmgrInfo	cmp_fn[INDEX_MAX_KEYS];	/* btree order, for the tree index */
	int			nrows;
	int			cap;
	Datum	  **values;			/* values[col][row] */
	bool	  **nulls;			/* nulls[col][row] */
	int		   *depth;
	Datum	  **new_key;		/* new_key[keycol][copy * nrows + row], set by
								 * key generation */
	bool	  **new_key_null;
	Datum		probe[INDEX_MAX_KEYS];	/* key being looked up */
	struct rowidx_hash *index;	/* hashable keys */
	struct RBTree *tree;		/* keys without hashing, else NULL */
} RowcloneRowSet;

#define ROWSET_PROBE PG_UINT32_MAX

extern RowcloneRowSet *rowclone_rowset_create(MemoryContext parent, int ncols, int nkey,
											  Oid *types, Oid *key_collations);
extern int	rowclone_rowset_add(RowcloneRowSet *rs, Datum *values, bool *nulls, int depth);
extern int	rowclone_rowset_find(RowcloneRowSet *rs, Datum *key);
extern void rowclone_rowset_alloc_new_keys(RowcloneRowSet *rs, int copies);
extern int *rowclone_rowset_key_order(RowcloneRowSet *rs);

#endif							/* ROWCLONE_ROWSET_H */
