/*-------------------------------------------------------------------------
 *
 * rowset.c
 *	  Column-wise storage of a cascade's source rows for one table, with a
 *	  index on the primary key so that a row reached along several paths
 *	  is kept once and its copy's key can be looked up, and the rows'
 *	  order by key, in which their copies get fresh keys.
 *
 * The index hashes with the key types' default hash opclass and equality
 * operator (typcache); a key type without hashing (money, bit, tsvector,
 * ...) is kept in a red-black tree ordered by its btree comparison, which
 * every primary key type has.  Memory lives in the set's own context, a
 * child of the caller's, freed with the clone.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/hashfn.h"
#include "lib/rbtree.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/sortsupport.h"
#include "utils/typcache.h"

#include "rowset.h"

typedef struct RowEntry
{
	uint32		row;
	uint32		hash;
	char		status;
} RowEntry;

static uint32 rowset_hash_row(RowcloneRowSet *rs, uint32 row);
static bool rowset_rows_equal(RowcloneRowSet *rs, uint32 a, uint32 b);

#define SH_PREFIX rowidx
#define SH_ELEMENT_TYPE RowEntry
#define SH_KEY_TYPE uint32
#define SH_KEY row
#define SH_HASH_KEY(tb, key) rowset_hash_row((RowcloneRowSet *) (tb)->private_data, key)
#define SH_EQUAL(tb, a, b) rowset_rows_equal((RowcloneRowSet *) (tb)->private_data, a, b)
#define SH_SCOPE static inline
#define SH_STORE_HASH
#define SH_GET_HASH(tb, a) ((a)->hash)
#define SH_DEFINE
#define SH_DECLARE
#include "lib/simplehash.h"

/* A node of the btree-ordered index: a row, or ROWSET_PROBE. */
typedef struct RowTreeNode
{
	RBTNode		rbt;
	uint32		row;
} RowTreeNode;

static inline Datum
key_value(RowcloneRowSet *rs, uint32 row, int col)
{
	return row == ROWSET_PROBE ? rs->probe[col] : rs->values[col][row];
}

static uint32
rowset_hash_row(RowcloneRowSet *rs, uint32 row)
{
	uint32		h = 0;

	for (int c = 0; c < rs->nkey; c++)
	{
		uint32		ch = DatumGetUInt32(FunctionCall1Coll(&rs->hash_fn[c], rs->collations[c],
														  key_value(rs, row, c)));

		h = hash_combine(h, ch);
	}
	return h;
}

static bool
rowset_rows_equal(RowcloneRowSet *rs, uint32 a, uint32 b)
{
	for (int c = 0; c < rs->nkey; c++)
		if (!DatumGetBool(FunctionCall2Coll(&rs->eq_fn[c], rs->collations[c],
											key_value(rs, a, c), key_value(rs, b, c))))
			return false;
	return true;
}

static int
rowset_tree_compare(const RBTNode *a, const RBTNode *b, void *arg)
{
	RowcloneRowSet *rs = (RowcloneRowSet *) arg;
	uint32		ra = ((const RowTreeNode *) a)->row;
	uint32		rb = ((const RowTreeNode *) b)->row;

	for (int c = 0; c < rs->nkey; c++)
	{
		int32		cmp = DatumGetInt32(FunctionCall2Coll(&rs->cmp_fn[c], rs->collations[c],
														  key_value(rs, ra, c),
														  key_value(rs, rb, c)));

		if (cmp != 0)
			return cmp;
	}
	return 0;
}

static RBTNode *
rowset_tree_alloc(void *arg)
{
	return MemoryContextAlloc(((RowcloneRowSet *) arg)->cxt, sizeof(RowTreeNode));
}

/* The row the index holds with the probe's key, or -1. */
static int
rowset_index_lookup(RowcloneRowSet *rs)
{
	if (rs->tree != NULL)
	{
		RowTreeNode probe;
		RowTreeNode *found;

		probe.row = ROWSET_PROBE;
		found = (RowTreeNode *) rbt_find(rs->tree, &probe.rbt);
		return found ? (int) found->row : -1;
	}
	else
	{
		RowEntry   *e = rowidx_lookup(rs->index, ROWSET_PROBE);

		return e ? (int) e->row : -1;
	}
}

static void
rowset_index_insert(RowcloneRowSet *rs, int row)
{
	/* callers look the key up first: it is never there yet */
	if (rs->tree != NULL)
	{
		RowTreeNode node;
		bool		is_new;

		node.row = (uint32) row;
		rbt_insert(rs->tree, &node.rbt, &is_new);
		Assert(is_new);
	}
	else
	{
		bool		found;

		rowidx_insert(rs->index, (uint32) row, &found);
		Assert(!found);
	}
}

RowcloneRowSet *
rowclone_rowset_create(MemoryContext parent, int ncols, int nkey, Oid *types,
					   Oid *key_collations)
{
	MemoryContext cxt = AllocSetContextCreate(parent, "rowclone rows",
											  ALLOCSET_DEFAULT_SIZES);
	RowcloneRowSet *rs = MemoryContextAllocZero(cxt, sizeof(RowcloneRowSet));
	bool		hashable = true;
	Oid			unordered = InvalidOid;	/* a key type without btree order */

	rs->cxt = cxt;
	rs->ncols = ncols;
	rs->nkey = nkey;
	rs->types = MemoryContextAlloc(cxt, sizeof(Oid) * Max(ncols, 1));
	rs->typlen = MemoryContextAlloc(cxt, sizeof(int16) * Max(ncols, 1));
	rs->typbyval = MemoryContextAlloc(cxt, sizeof(bool) * Max(ncols, 1));
	rs->scratch_values = MemoryContextAlloc(cxt, sizeof(Datum) * Max(ncols, 1));
	rs->scratch_nulls = MemoryContextAlloc(cxt, sizeof(bool) * Max(ncols, 1));
	for (int c = 0; c < ncols; c++)
	{
		rs->types[c] = types[c];
		get_typlenbyval(types[c], &rs->typlen[c], &rs->typbyval[c]);
	}
	for (int c = 0; c < nkey; c++)
	{
		TypeCacheEntry *tc = lookup_type_cache(types[c],
											   TYPECACHE_HASH_PROC_FINFO |
											   TYPECACHE_EQ_OPR_FINFO |
											   TYPECACHE_CMP_PROC_FINFO);

		rs->collations[c] = key_collations[c];
		if (!OidIsValid(tc->hash_proc_finfo.fn_oid) || !OidIsValid(tc->eq_opr_finfo.fn_oid))
			hashable = false;
		if (OidIsValid(tc->hash_proc_finfo.fn_oid))
			fmgr_info_cxt(tc->hash_proc_finfo.fn_oid, &rs->hash_fn[c], cxt);
		if (OidIsValid(tc->eq_opr_finfo.fn_oid))
			fmgr_info_cxt(tc->eq_opr_finfo.fn_oid, &rs->eq_fn[c], cxt);
		if (OidIsValid(tc->cmp_proc_finfo.fn_oid))
			fmgr_info_cxt(tc->cmp_proc_finfo.fn_oid, &rs->cmp_fn[c], cxt);
		else
			unordered = types[c];
	}
	if (!hashable && OidIsValid(unordered))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("cannot copy rows keyed by type %s", format_type_be(unordered)),
				 errdetail("The type has neither a default hash nor a default btree operator class, so copied rows cannot be told apart.")));
	rs->cap = 16;
	rs->values = MemoryContextAlloc(cxt, sizeof(Datum *) * Max(ncols, 1));
	rs->nulls = MemoryContextAlloc(cxt, sizeof(bool *) * Max(ncols, 1));
	for (int c = 0; c < ncols; c++)
	{
		rs->values[c] = MemoryContextAlloc(cxt, sizeof(Datum) * rs->cap);
		rs->nulls[c] = MemoryContextAlloc(cxt, sizeof(bool) * rs->cap);
	}
	rs->depth = MemoryContextAlloc(cxt, sizeof(int) * rs->cap);
	if (hashable)
		rs->index = rowidx_create(cxt, 16, rs);
	else
		rs->tree = rbt_create(sizeof(RowTreeNode), rowset_tree_compare, NULL,
							  rowset_tree_alloc, NULL, rs);
	return rs;
}

static void
grow(RowcloneRowSet *rs)
{
	int			cap = rs->cap * 2;

	if ((Size) cap * sizeof(Datum) > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many rows to clone in one call")));
	for (int c = 0; c < rs->ncols; c++)
	{
		rs->values[c] = repalloc(rs->values[c], sizeof(Datum) * cap);
		rs->nulls[c] = repalloc(rs->nulls[c], sizeof(bool) * cap);
	}
	rs->depth = repalloc(rs->depth, sizeof(int) * cap);
	rs->cap = cap;
}

/*
 * Add a row unless one with the same key is there.  Returns the new row's
 * index, or -1 when the key was already present.  Values are copied.
 */
int
rowclone_rowset_add(RowcloneRowSet *rs, Datum *values, bool *nulls, int depth)
{
	int			row = rs->nrows;
	MemoryContext old;

	for (int c = 0; c < rs->nkey; c++)
	{
		Assert(!nulls[c]);
		rs->probe[c] = values[c];
	}
	if (rowset_index_lookup(rs) >= 0)
		return -1;

	if (row >= rs->cap)
		grow(rs);
	old = MemoryContextSwitchTo(rs->cxt);
	for (int c = 0; c < rs->ncols; c++)
	{
		rs->nulls[c][row] = nulls[c];
		rs->values[c][row] = nulls[c] ? (Datum) 0 :
			datumCopy(values[c], rs->typbyval[c], rs->typlen[c]);
	}
	MemoryContextSwitchTo(old);
	rs->depth[row] = depth;
	rs->nrows++;
	rowset_index_insert(rs, row);
	return row;
}

/* Index of the row with this key, or -1. */
int
rowclone_rowset_find(RowcloneRowSet *rs, Datum *key)
{
	for (int c = 0; c < rs->nkey; c++)
		rs->probe[c] = key[c];
	return rowset_index_lookup(rs);
}

/* Room for the new keys of copies copies of every row. */
void
rowclone_rowset_alloc_new_keys(RowcloneRowSet *rs, int copies)
{
	Size		n = (Size) Max(rs->nrows, 1) * copies;

	if (n * sizeof(Datum) > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many copies to make in one call"),
				 errdetail("%d rows with %d copies each are more than one call can hold.",
						   rs->nrows, copies)));
	rs->new_key = MemoryContextAlloc(rs->cxt, sizeof(Datum *) * Max(rs->nkey, 1));
	rs->new_key_null = MemoryContextAlloc(rs->cxt, sizeof(bool *) * Max(rs->nkey, 1));
	for (int c = 0; c < rs->nkey; c++)
	{
		rs->new_key[c] = MemoryContextAllocZero(rs->cxt, sizeof(Datum) * n);
		rs->new_key_null[c] = MemoryContextAllocZero(rs->cxt, sizeof(bool) * n);
	}
}

typedef struct KeyOrder
{
	RowcloneRowSet *rs;
	SortSupportData ssup[INDEX_MAX_KEYS];
} KeyOrder;

static int
compare_rows_by_key(const void *a, const void *b, void *arg)
{
	KeyOrder   *ko = (KeyOrder *) arg;
	int			ra = *(const int *) a;
	int			rb = *(const int *) b;

	for (int c = 0; c < ko->rs->nkey; c++)
	{
		int			cmp = ApplySortComparator(ko->rs->values[c][ra], false,
											  ko->rs->values[c][rb], false, &ko->ssup[c]);

		if (cmp != 0)
			return cmp;
	}
	return ra - rb;
}

/*
 * The rows in the btree order of their keys (SPEC "Order": copies get
 * their fresh keys in their source rows' key order), or in the order they
 * were added where a key type has no btree order.  Allocated in the
 * current memory context.
 */
int *
rowclone_rowset_key_order(RowcloneRowSet *rs)
{
	int		   *order = palloc(sizeof(int) * Max(rs->nrows, 1));
	KeyOrder	ko;
	bool		sorted = true;

	for (int r = 0; r < rs->nrows; r++)
		order[r] = r;
	if (rs->nrows < 2 || rs->nkey == 0)
		return order;
	memset(&ko, 0, sizeof(ko));
	ko.rs = rs;
	for (int c = 0; c < rs->nkey; c++)
	{
		TypeCacheEntry *tc = lookup_type_cache(rs->types[c], TYPECACHE_LT_OPR);

		if (!OidIsValid(tc->lt_opr))
			return order;
		ko.ssup[c].ssup_cxt = CurrentMemoryContext;
		ko.ssup[c].ssup_collation = rs->collations[c];
		PrepareSortSupportFromOrderingOp(tc->lt_opr, &ko.ssup[c]);
	}
	/* rows usually come in key order already: check before sorting */
	for (int r = 1; r < rs->nrows && sorted; r++)
		if (compare_rows_by_key(&order[r - 1], &order[r], &ko) > 0)
			sorted = false;
	if (!sorted)
		qsort_arg(order, rs->nrows, sizeof(int), compare_rows_by_key, &ko);
	return order;
}
