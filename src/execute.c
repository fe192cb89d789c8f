/*-------------------------------------------------------------------------
 *
 * execute.c
 *	  Runs a clone plan through SPI, in its shape (graph.h).  The one-row
 *	  shape runs each table's INSERT for the one source key, is-a parents
 *	  first, then the fix-ups.  The set shape runs four phases:
 *
 *	  1. closure: find every source row, breadth first from the source row
 *		 down the followed foreign keys (and up to is-a parents), keeping
 *		 each row once however many paths reach it;
 *	  2. keys: make each copy's primary key in C: defaults and identities
 *		 evaluated from their stored expression trees, is-a and other key
 *		 references looked up in the referenced table's new keys;
 *	  3. insert: one INSERT ... SELECT per table, joined to old/new key
 *		 arrays, in an order where referenced copies come first;
 *	  4. fix-ups: one UPDATE per reference that closes a cycle.
 *
 * Statements are a handful per table, never one per row.  All run with one
 * registered snapshot (advancing command id), so the clone reads one
 * consistent state and sees its own copies.  Memory for rows and keys is a
 * child of the caller's context (SPI's), freed by SPI_finish.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/relation.h"
#include "catalog/objectaddress.h"
#include "catalog/pg_type.h"
#include "executor/executor.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/tuplestore.h"

#include "citus.h"
#include "columns.h"
#include "execute.h"
#include "progress.h"
#include "sqlgen.h"

typedef struct CloneState
{
	RowclonePlan *plan;
	RowcloneGraph *g;
	Snapshot	snapshot;
	RowcloneRowSet **rows;
	int		   *cursor;			/* rows whose children were looked up */
	Datum	  **old_arrays;		/* per node, per key column, after keys */
	Datum	  **new_arrays;
	Datum	   *copy_arrays;	/* per node: the copy number of each key */
	Datum		overrides;
	uint64	   *keyless_rows;	/* per node without a key: rows copied */
	Datum	   *override_values;	/* typed, for key overrides */
	bool	   *override_nulls;
	RowcloneSources *sources;
	RowcloneKey *key;			/* NULL: many source rows */
	int			copies;
	int			current;		/* node being written, for the error context */
	RowcloneProgress progress;
} CloneState;

/* The one source key, "(pk, ...)=(value, ...)" as keys.c prints it. */
static char *
describe_source_key(CloneState *st)
{
	RowcloneNode *root = &st->g->nodes[0];
	int			map[INDEX_MAX_KEYS];

	/* a one-column key passed as a scalar is value 0 */
	for (int j = 0; j < root->npk; j++)
		map[j] = st->plan->key_as_jsonb ? j : 0;
	return rowclone_key_describe(root->npk, root->pk_names, map, st->key);
}

/* One-row shape: the key of node i's one source row. */
static char *
describe_row_key(CloneState *st, int i)
{
	RowcloneNode *node = &st->g->nodes[i];

	return rowclone_key_describe(node->npk, node->pk_names, node->root_key_pos, st->key);
}

static void
clone_error_callback(void *arg)
{
	CloneState *st = (CloneState *) arg;
	RowcloneNode *root = &st->g->nodes[0];

	if (st->g->one_row)
	{
		int			i = Max(st->current, 0);

		errcontext("while cloning row %s of table \"%s\"",
				   describe_row_key(st, i), st->g->nodes[i].display_name);
	}
	else if (st->key == NULL)
	{
		int			nsource = st->rows[0] ? st->rows[0]->nrows : 0;

		if (st->current >= 0 && st->g->nodes[st->current].untracked)
			errcontext("while copying rows of table \"%s\" in a clone of %d %s of table \"%s\"",
					   st->g->nodes[st->current].display_name,
					   nsource, nsource == 1 ? "row" : "rows", root->display_name);
		else if (st->current >= 0)
			errcontext("while copying rows of table \"%s\" (%d in all) in a clone of %d %s of table \"%s\"",
					   st->g->nodes[st->current].display_name,
					   st->rows[st->current] ? st->rows[st->current]->nrows * st->copies : 0,
					   nsource, nsource == 1 ? "row" : "rows", root->display_name);
		else
			errcontext("while cloning rows of table \"%s\"", root->display_name);
	}
	else if (st->current >= 0 && st->g->nodes[st->current].untracked)
		errcontext("while copying rows of table \"%s\" in a clone of row %s of table \"%s\"",
				   st->g->nodes[st->current].display_name,
				   describe_source_key(st), root->display_name);
	else if (st->current >= 0)
		errcontext("while copying rows of table \"%s\" (%d in all) in a clone of row %s of table \"%s\"",
				   st->g->nodes[st->current].display_name,
				   st->rows[st->current] ? st->rows[st->current]->nrows * st->copies : 0,
				   describe_source_key(st), root->display_name);
	else
		errcontext("while cloning row %s of table \"%s\"",
				   describe_source_key(st), root->display_name);
}

static Datum
make_array(Datum *values, bool *nulls, int n, Oid type)
{
	int16		typlen;
	bool		typbyval;
	char		typalign;
	int			dims[1] = {n};
	int			lbs[1] = {1};

	get_typlenbyvalalign(type, &typlen, &typbyval, &typalign);
	return PointerGetDatum(construct_md_array(values, nulls, 1, dims, lbs, type,
											  typlen, typbyval, typalign));
}

/* Array of one fetched column over rows [from, to) of a row set. */
static Datum
column_array(RowcloneRowSet *rs, int col, int from, int to)
{
	return make_array(rs->values[col] + from, rs->nulls[col] + from, to - from,
					  rs->types[col]);
}

static int
run_with_nulls(CloneState *st, SPIPlanPtr plan, Datum *values, const char *nulls, int expected)
{
	int			rc = SPI_execute_snapshot(plan, values, nulls, st->snapshot,
										  InvalidSnapshot, false, true, 0);

	if (rc < 0 || (expected != 0 && rc != expected))
		elog(ERROR, "rowclone: unexpected SPI result %s", SPI_result_code_string(rc));
	return rc;
}

static int
run(CloneState *st, SPIPlanPtr plan, Datum *values, int expected)
{
	return run_with_nulls(st, plan, values, NULL, expected);
}

static void add_rows_from_result(CloneState *st, int node, int depth);

/* depth argument of add_rows_from_result: each row's is in its last column */
#define DEPTH_IN_RESULT (-1)

/*
 * Rows a query returns come in batches of this many, so that a large result
 * is never held whole in SPI's memory as well as in the row set.
 */
#define FETCH_BATCH 10000

/*
 * A read-only cursor on plan, reading with snapshot (a read-only cursor
 * takes the active snapshot), or with the active one when it is NULL.
 */
static Portal
open_cursor(SPIPlanPtr plan, Datum *values, Snapshot snapshot)
{
	Portal		portal;

	if (snapshot != NULL)
		PushActiveSnapshot(snapshot);
	portal = SPI_cursor_open(NULL, plan, values, NULL, true);
	if (snapshot != NULL)
		PopActiveSnapshot();
	return portal;
}

/*
 * The next batch of the cursor's rows in SPI_tuptable (the caller frees
 * it); false, with the cursor closed, when there are no more.
 */
static bool
fetch_batch(Portal portal)
{
	SPI_cursor_fetch(portal, true, FETCH_BATCH);
	if (SPI_processed > 0)
		return true;
	SPI_freetuptable(SPI_tuptable);
	SPI_cursor_close(portal);
	return false;
}

/* Few enough distinct tenants to list; more, and the whole array is passed. */
#define MAX_TENANT_VALUES 64

/*
 * The tenant parameter of a statement on a Citus hash-distributed table
 * (graph.c's append_tenant_filter): the distinct values of the array it
 * filters by, told apart by their bytes (an equal value twice does no
 * harm), or the array itself when it holds more than MAX_TENANT_VALUES.
 */
static Datum
tenant_values(Datum array)
{
	ArrayType  *arr = DatumGetArrayTypeP(array);
	Oid			type = ARR_ELEMTYPE(arr);
	int16		typlen;
	bool		typbyval;
	char		typalign;
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	Datum		distinct[MAX_TENANT_VALUES];
	bool		distinct_nulls[MAX_TENANT_VALUES] = {0};
	int			ndistinct = 0;

	get_typlenbyvalalign(type, &typlen, &typbyval, &typalign);
	deconstruct_array(arr, type, typlen, typbyval, typalign, &elems, &nulls, &n);
	for (int e = 0; e < n; e++)
	{
		bool		seen = false;

		if (nulls[e])
			continue;			/* matches no row */
		for (int d = ndistinct - 1; d >= 0 && !seen; d--)
			seen = datum_image_eq(elems[e], distinct[d], typbyval, typlen);
		if (seen)
			continue;
		if (ndistinct == MAX_TENANT_VALUES)
			return array;
		distinct[ndistinct++] = elems[e];
	}
	return make_array(distinct, distinct_nulls, ndistinct, type);
}

/*
 * Run a closure or seed query and add the rows it returns to node, at
 * depth; with its tenant parameter after nvalues values, when tenant_from.
 */
static void
fetch_rows(CloneState *st, SPIPlanPtr plan, Datum *values, int nvalues, int tenant_from,
		   int node, int depth)
{
	Datum		all[INDEX_MAX_KEYS + 1];
	Portal		portal;

	if (tenant_from > 0)
	{
		Assert(nvalues <= INDEX_MAX_KEYS);
		memcpy(all, values, sizeof(Datum) * nvalues);
		all[nvalues] = tenant_values(values[tenant_from - 1]);
		values = all;
	}
	portal = open_cursor(plan, values, st->snapshot);

	while (fetch_batch(portal))
		add_rows_from_result(st, node, depth);
}

/* Fetch rows of a node by key arrays and add them at depth. */
static void
seed(CloneState *st, int node, Datum *key_arrays, int depth)
{
	RowcloneNode *n = &st->g->nodes[node];

	fetch_rows(st, n->seed_plan, key_arrays, n->npk, n->seed_tenant_from, node, depth);
}

/* The is-a parents of rows [from, to) of a node are copied too, at the same depth. */
static void
add_parents(CloneState *st, int node, int from, int to, int depth)
{
	RowcloneNode *n = &st->g->nodes[node];
	RowcloneRemap *link = NULL;
	RowcloneRowSet *rs = st->rows[node];
	Datum		arrays[INDEX_MAX_KEYS];

	if (n->isa_parent < 0 || from >= to)
		return;
	for (int r = 0; r < n->nremaps; r++)
		if (n->remaps[r].is_parent_link)
			link = &n->remaps[r];
	if (link == NULL)
		return;					/* the link's columns are overridden or reset */
	for (int k = 0; k < link->nkeys; k++)
		arrays[link->target_pos[k]] = column_array(rs, link->fetch_col[k], from, to);
	seed(st, n->isa_parent, arrays, depth);
	for (int k = 0; k < link->nkeys; k++)
		pfree(DatumGetPointer(arrays[link->target_pos[k]]));
}

/*
 * Add the rows of SPI_tuptable to node at depth, or, when depth is
 * DEPTH_IN_RESULT, at the depth each row carries in a last column (a chain
 * query's rows, in order of depth).
 */
static void
add_rows_from_result(CloneState *st, int node, int depth)
{
	RowcloneRowSet *rs = st->rows[node];
	SPITupleTable *tt = SPI_tuptable;
	uint64		n = SPI_processed;
	int			first_new = rs->nrows;
	Datum	   *values = rs->scratch_values;
	bool	   *nulls = rs->scratch_nulls;
	int			ncols = rs->ncols + (depth == DEPTH_IN_RESULT ? 1 : 0);

	/* every query that feeds a node returns all of its fetched columns */
	if (tt->tupdesc->natts != ncols)
		elog(ERROR, "rowclone: query for \"%s\" returns %d columns, expected %d",
			 st->g->nodes[node].display_name, tt->tupdesc->natts, ncols);
	for (uint64 t = 0; t < n; t++)
	{
		int			row_depth = depth;

		CHECK_FOR_INTERRUPTS();
		for (int c = 0; c < rs->ncols; c++)
			values[c] = SPI_getbinval(tt->vals[t], tt->tupdesc, c + 1, &nulls[c]);
		if (depth == DEPTH_IN_RESULT)
		{
			bool		isnull;

			row_depth = DatumGetInt32(SPI_getbinval(tt->vals[t], tt->tupdesc, ncols, &isnull));
		}
		(void) rowclone_rowset_add(rs, values, nulls, row_depth);
	}
	SPI_freetuptable(tt);
	/* is-a parents at the depth of their rows: one seed per run of a depth */
	for (int from = first_new, to; from < rs->nrows; from = to)
	{
		for (to = from + 1; to < rs->nrows && rs->depth[to] == rs->depth[from]; to++)
			;
		add_parents(st, node, from, to, rs->depth[from]);
	}
}

/*
 * The chain below the source rows along a self-reference (edge->chain_plan):
 * one recursive query instead of one closure query per level.
 */
static void
fetch_chain(CloneState *st, RowcloneEdge *edge, int to)
{
	RowcloneRowSet *rs = st->rows[0];
	int			npk = st->g->nodes[0].npk;
	Datum	   *arrays = palloc(sizeof(Datum) * (edge->nkeys + npk));

	for (int k = 0; k < edge->nkeys; k++)
		arrays[k] = column_array(rs, edge->parent_fetch_col[k], 0, to);
	for (int j = 0; j < npk; j++)
		arrays[edge->nkeys + j] = column_array(rs, j, 0, to);
	fetch_rows(st, edge->chain_plan, arrays, edge->nkeys + npk, 0, 0, DEPTH_IN_RESULT);
	for (int k = 0; k < edge->nkeys + npk; k++)
		pfree(DatumGetPointer(arrays[k]));
	pfree(arrays);
}

/* Phase 1: find every source row. */
static void
closure(CloneState *st, Datum *root_key_arrays)
{
	RowcloneGraph *g = st->g;
	int			max_depth = st->plan->max_depth;

	seed(st, 0, root_key_arrays, 0);
	if (st->rows[0]->nrows == 0 && st->sources->missing_ok)
		return;
	if (st->rows[0]->nrows == 0)
		rowclone_row_not_found(describe_source_key(st), g->nodes[0].display_name);

	for (int depth = 0;; depth++)
	{
		bool		pending = false;

		for (int i = 0; i < g->nnodes; i++)
		{
			RowcloneRowSet *rs = st->rows[i];
			int			from = st->cursor[i];
			int			to = from;

			while (to < rs->nrows && rs->depth[to] == depth)
				to++;
			if (from == to)
				continue;
			st->cursor[i] = to;
			if (max_depth >= 0 && depth + 1 > max_depth)
				continue;
			for (int e = 0; e < g->nedges; e++)
			{
				RowcloneEdge *edge = &g->edges[e];
				Datum		arrays[INDEX_MAX_KEYS];

				if (edge->parent != i)
					continue;
				CHECK_FOR_INTERRUPTS();
				if (edge->chain_plan != NULL)
				{
					/* the source rows are all at depth 0; the chain's rows come with theirs */
					if (depth == 0)
						fetch_chain(st, edge, to);
					rs = st->rows[i];
					continue;
				}
				if (edge->closure_plan == NULL)
					continue;	/* a child without a key finds its own rows */
				for (int k = 0; k < edge->nkeys; k++)
					arrays[k] = column_array(rs, edge->parent_fetch_col[k], from, to);
				/* the set may have grown: re-read rs after adding */
				fetch_rows(st, edge->closure_plan, arrays, edge->nkeys, edge->closure_tenant_from,
						   edge->child, depth + 1);
				for (int k = 0; k < edge->nkeys; k++)
					pfree(DatumGetPointer(arrays[k]));
				rs = st->rows[i];
			}
		}
		for (int i = 0; i < g->nnodes; i++)
			if (st->cursor[i] < st->rows[i]->nrows)
				pending = true;
		if (!pending)
			break;
	}
}

/*
 * Typed values of the overrides, one query, when keys are made of them or
 * an INSERT takes them as parameters: noverride_slots values, or with
 * fan-out that many per copy (copy c's at c * nslots).
 */
static void
read_overrides(CloneState *st)
{
	RowcloneGraph *g = st->g;
	int			nslots = Max(g->noverride_slots, 1);
	int			nobjects = g->per_copy_overrides ? st->copies : 1;
	StringInfoData sql;
	bool		any = false;
	Oid			argtypes[1] = {JSONBOID};
	int			rc;

	st->override_values = palloc0(sizeof(Datum) * nslots * nobjects);
	st->override_nulls = palloc0(sizeof(bool) * nslots * nobjects);
	for (int i = 0; i < g->nnodes; i++)
		for (int j = 0; j < g->nodes[i].npk; j++)
			if (g->nodes[i].key_source[j] == RC_KEY_OVERRIDE)
				any = true;
	for (int i = 0; i < g->nnodes; i++)
		if (g->nodes[i].override_params != NIL)
			any = true;
	if (!any)
		return;
	initStringInfo(&sql);
	appendStringInfo(&sql, RC_SQL_MARK "SELECT * FROM pg_catalog.%s($1) AS o(",
					 g->per_copy_overrides ? "jsonb_to_recordset" : "jsonb_to_record");
	for (int s = 0; s < g->noverride_slots; s++)
		appendStringInfo(&sql, "%s%s %s", s > 0 ? ", " : "", g->override_colnames[s],
						 rowclone_qualified_type_name(g->override_types[s]));
	appendStringInfoChar(&sql, ')');
	rc = SPI_execute_with_args(sql.data, 1, argtypes, &st->overrides, NULL, true, 0);
	if (rc != SPI_OK_SELECT || SPI_processed != (uint64) nobjects)
		elog(ERROR, "rowclone: could not read overrides");
	for (int c = 0; c < nobjects; c++)
		for (int s = 0; s < g->noverride_slots; s++)
		{
			int16		typlen;
			bool		typbyval;
			int			k = c * nslots + s;
			Datum		v = SPI_getbinval(SPI_tuptable->vals[c], SPI_tuptable->tupdesc, s + 1,
										  &st->override_nulls[k]);

			get_typlenbyval(g->override_types[s], &typlen, &typbyval);
			st->override_values[k] = st->override_nulls[k] ? (Datum) 0 :
				datumCopy(v, typbyval, typlen);
		}
	SPI_freetuptable(SPI_tuptable);
}

/* Source rows of node i: the one-row shape copies one row of each table. */
static int
source_rows(CloneState *st, int i)
{
	if (st->g->one_row)
		return st->g->nodes[i].not_copied ? 0 : 1;
	return st->rows[i]->nrows;
}

/*
 * Key defaults are evaluated here, before the INSERTs that the executor
 * checks: without INSERT on a table, evaluating them would still draw
 * identity values (whose sequences need no USAGE).  Check first.
 */
static void
check_insert_privileges(CloneState *st)
{
	Oid			user = GetUserId();

	for (int i = 0; i < st->g->nnodes; i++)
	{
		RowcloneNode *node = &st->g->nodes[i];

		if (node->untracked || source_rows(st, i) == 0)
			continue;			/* the executor checks before any default */
		if (pg_class_aclcheck(node->relid, user, ACL_INSERT) == ACLCHECK_OK)
			continue;
		if (pg_attribute_aclcheck_all(node->relid, user, ACL_INSERT, ACLMASK_ANY) != ACLCHECK_OK)
			aclcheck_error(ACLCHECK_NO_PRIV, get_relkind_objtype(get_rel_relkind(node->relid)),
						   get_rel_name(node->relid));

		/*
		 * This shape draws the keys of the copies itself and names the key
		 * columns in its INSERT, where a one-row clone leaves a column with
		 * a default out: with column privileges, it needs INSERT on them.
		 */
		for (int j = 0; j < node->npk; j++)
			if (node->key_source[j] == RC_KEY_DEFAULT &&
				pg_attribute_aclcheck(node->relid, node->pk_attnums[j], user,
									  ACL_INSERT) != ACLCHECK_OK)
				ereport(ERROR,
						(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
						 errmsg("permission denied to insert the new keys of copies of table \"%s\"",
								node->display_name),
						 errdetail("clone_rows, clone_graph and cascades draw the copies' keys from the default of column \"%s\" and insert them; the current user has no INSERT privilege on that column.",
								   node->pk_names[j]),
						 errhint("Grant INSERT on the column, or use clone_row without cascade, which leaves the column to its default.")));
	}
}

/*
 * A row whose key is made fresh only by references to copied rows, none
 * of which is copied: its copy would keep its key.  Nothing is written yet.
 */
static void
report_stale_key(CloneState *st, int i, int row)
{
	RowcloneNode *node = &st->g->nodes[i];
	RowcloneRowSet *rs = st->rows[i];
	StringInfoData names;
	StringInfoData values;
	StringInfoData refs;
	int			nrefs = 0;
	int			last = -1;

	initStringInfo(&names);
	initStringInfo(&values);
	initStringInfo(&refs);
	for (int j = 0; j < node->npk; j++)
	{
		Oid			out;
		bool		varlena;

		getTypeOutputInfo(node->pk_types[j], &out, &varlena);
		appendStringInfo(&names, "%s%s", j > 0 ? ", " : "", quote_identifier(node->pk_names[j]));
		appendStringInfo(&values, "%s%s", j > 0 ? ", " : "",
						 OidOutputFunctionCall(out, rs->values[j][row]));
		if (node->key_source[j] == RC_KEY_MAP)
		{
			appendStringInfo(&refs, "%s\"%s\"", nrefs > 0 ? ", " : "", node->pk_names[j]);
			nrefs++;
			last = j;
		}
	}
	ereport(ERROR,
			(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
			 errmsg("cannot give the copy of row (%s)=(%s) of table \"%s\" a fresh primary key",
					names.data, values.data, node->display_name),
			 nrefs == 1 ?
			 errdetail("Key column %s references a row of table \"%s\" that is not copied, and no other key column of \"%s\" takes a fresh value.",
					   refs.data,
					   st->g->nodes[node->remaps[node->key_remap[last]].target].display_name,
					   node->display_name) :
			 errdetail("Key columns %s reference rows that are not copied, and no other key column of \"%s\" takes a fresh value.",
					   refs.data, node->display_name),
			 errhint("Copy the referenced rows in the same clone, skip the table, or give a key column a default.")));
}

/* Phase 2: the copies' keys, in insert order (referenced tables first). */
static void
make_keys(CloneState *st)
{
	RowcloneGraph *g = st->g;
	EState	   *estate = CreateExecutorState();
	ExprContext *econtext = GetPerTupleExprContext(estate);

	read_overrides(st);
	for (int o = 0; o < g->nnodes; o++)
	{
		int			i = g->order[o];
		RowcloneNode *node = &g->nodes[i];
		RowcloneRowSet *rs = st->rows[i];
		ExprState  *defaults[INDEX_MAX_KEYS] = {0};
		TupleTableSlot *source = NULL;
		int		   *key_order;

		rowclone_rowset_alloc_new_keys(rs, st->copies);
		for (int j = 0; j < node->npk; j++)
			if (node->key_source[j] == RC_KEY_DEFAULT)
				defaults[j] = ExecPrepareExpr(node->key_default[j], estate);
		/* a key's value rule reads the source row: the columns it names */
		if (node->value_attnums != NIL)
		{
			Relation	rel = relation_open(node->relid, NoLock);

			source = ExecInitExtraTupleSlot(estate, CreateTupleDescCopy(RelationGetDescr(rel)),
											&TTSOpsVirtual);
			relation_close(rel, NoLock);
		}

		/* copy 1 of every row in key order, then copy 2, ... */
		key_order = rowclone_rowset_key_order(rs);
		for (int pos = 0; pos < rs->nrows * st->copies; pos++)
		{
			int			row = key_order[pos % rs->nrows];
			int			copy = pos / rs->nrows;
			int			slot = copy * rs->nrows + row;
			bool		fresh = false;

			if ((pos & 1023) == 0)
			{
				CHECK_FOR_INTERRUPTS();
				ResetExprContext(econtext);
			}
			if (source != NULL)
			{
				ListCell   *a;
				ListCell   *f;

				ExecClearTuple(source);
				memset(source->tts_isnull, true, sizeof(bool) * source->tts_tupleDescriptor->natts);
				forboth(a, node->value_attnums, f, node->value_fetch)
				{
					source->tts_values[lfirst_int(a) - 1] = rs->values[lfirst_int(f)][row];
					source->tts_isnull[lfirst_int(a) - 1] = rs->nulls[lfirst_int(f)][row];
				}
				ExecStoreVirtualTuple(source);
				econtext->ecxt_scantuple = source;
			}
			for (int j = 0; j < node->npk; j++)
			{
				Datum		v = rs->values[j][row];
				bool		isnull = false;

				switch (node->key_source[j])
				{
					case RC_KEY_COPY:
						break;
					case RC_KEY_OVERRIDE:
						{
							int			ov = node->key_slot[j];

							if (g->per_copy_overrides)
								ov += copy * Max(g->noverride_slots, 1);
							v = st->override_values[ov];
							isnull = st->override_nulls[ov];
							break;
						}
					case RC_KEY_DEFAULT:
						v = ExecEvalExprSwitchContext(defaults[j], econtext, &isnull);
						if (!isnull)
						{
							MemoryContext old = MemoryContextSwitchTo(rs->cxt);

							v = datumCopy(v, rs->typbyval[j], rs->typlen[j]);
							MemoryContextSwitchTo(old);
						}
						break;
					case RC_KEY_MAP:
						{
							RowcloneRemap *remap = &node->remaps[node->key_remap[j]];
							RowcloneRowSet *target = st->rows[remap->target];
							Datum		probe[INDEX_MAX_KEYS];
							bool		complete = true;
							int			trow;

							for (int k = 0; k < remap->nkeys; k++)
							{
								if (rs->nulls[remap->fetch_col[k]][row])
									complete = false;
								probe[remap->target_pos[k]] = rs->values[remap->fetch_col[k]][row];
							}
							trow = complete && target->new_key ?
								rowclone_rowset_find(target, probe) : -1;
							/* copy c of a row references copy c of its target */
							if (trow >= 0)
							{
								for (int k = 0; k < remap->nkeys; k++)
									if (remap->conkey[k] == node->pk_attnums[j])
										v = target->new_key[remap->target_pos[k]][copy * target->nrows + trow];
								fresh = true;
							}
							break;
						}
				}
				rs->new_key[j][slot] = v;
				rs->new_key_null[j][slot] = isnull;
			}
			if (node->fresh_by_reference && !fresh)
				report_stale_key(st, i, row);
		}
		pfree(key_order);
	}
	FreeExecutorState(estate);
}

/*
 * The key map of every table: arrays of old keys (each source key once per
 * copy), new keys, and copy numbers (1 for the first nrows, then 2, ...),
 * in the order of new_key.  One set of statements writes all copies.
 */
static void
build_key_maps(CloneState *st)
{
	RowcloneGraph *g = st->g;
	int			n = st->copies;

	st->old_arrays = palloc0(sizeof(Datum *) * g->nnodes);
	st->new_arrays = palloc0(sizeof(Datum *) * g->nnodes);
	st->copy_arrays = palloc0(sizeof(Datum) * g->nnodes);
	for (int i = 0; i < g->nnodes; i++)
	{
		RowcloneRowSet *rs = st->rows[i];
		int			nrows = rs->nrows;
		int			total = nrows * n;
		Datum	   *values = palloc(sizeof(Datum) * Max(total, 1));
		bool	   *nulls = palloc(sizeof(bool) * Max(total, 1));

		st->old_arrays[i] = palloc0(sizeof(Datum) * Max(g->nodes[i].npk, 1));
		st->new_arrays[i] = palloc0(sizeof(Datum) * Max(g->nodes[i].npk, 1));
		for (int j = 0; j < g->nodes[i].npk; j++)
		{
			if (n == 1)
				st->old_arrays[i][j] = column_array(rs, j, 0, nrows);
			else
			{
				for (int c = 0; c < n; c++)
				{
					memcpy(values + c * nrows, rs->values[j], sizeof(Datum) * nrows);
					memcpy(nulls + c * nrows, rs->nulls[j], sizeof(bool) * nrows);
				}
				st->old_arrays[i][j] = make_array(values, nulls, total, rs->types[j]);
			}
			st->new_arrays[i][j] = make_array(rs->new_key[j], rs->new_key_null[j], total,
											  g->nodes[i].pk_types[j]);
		}
		for (int k = 0; k < total; k++)
		{
			values[k] = Int32GetDatum(k / nrows + 1);
			nulls[k] = false;
		}
		st->copy_arrays[i] = make_array(values, nulls, total, INT4OID);
		pfree(values);
		pfree(nulls);
	}
}

/*
 * Per row of node i's key map: is it a copy of a source row (depth 0)?
 * For overrides that set those copies only.
 */
static Datum
source_flags(CloneState *st, int i)
{
	RowcloneRowSet *rs = st->rows[i];
	int			total = rs->nrows * st->copies;
	Datum	   *values = palloc(sizeof(Datum) * Max(total, 1));
	Datum		result;

	for (int k = 0; k < total; k++)
		values[k] = BoolGetDatum(rs->depth[k % rs->nrows] == 0);
	result = make_array(values, NULL, total, BOOLOID);
	pfree(values);
	return result;
}

/* The key map of node i into out: KEYMAP_NARGS(npk) parameters. */
static int
key_map_params(CloneState *st, int i, Datum *out)
{
	int			npk = st->g->nodes[i].npk;

	for (int j = 0; j < npk; j++)
	{
		out[j] = st->old_arrays[i][j];
		out[npk + j] = st->new_arrays[i][j];
	}
	out[2 * npk] = st->copy_arrays[i];
	return 2 * npk + 1;
}

/*
 * The key map of a remap (KEYMAP_NARGS(nmap) arrays): the target's, or
 * for a unique key its values read back from the target's copies (which
 * must exist by now), with the copy numbers.
 */
static int
remap_arrays(CloneState *st, RowcloneRemap *remap, Datum *out)
{
	Datum		params[KEYMAP_NARGS(INDEX_MAX_KEYS)];
	SPITupleTable *tt;
	uint64		rows;

	if (!remap->via_unique)
		return key_map_params(st, remap->target, out);

	key_map_params(st, remap->target, params);
	run(st, remap->keymap_plan, params, SPI_OK_SELECT);
	tt = SPI_tuptable;
	rows = SPI_processed;
	for (int c = 0; c < KEYMAP_NARGS(remap->nmap); c++)
	{
		Datum	   *values = palloc(sizeof(Datum) * Max(rows, 1));
		bool	   *nulls = palloc(sizeof(bool) * Max(rows, 1));

		for (uint64 r = 0; r < rows; r++)
			values[r] = SPI_getbinval(tt->vals[r], tt->tupdesc, c + 1, &nulls[r]);
		out[c] = make_array(values, nulls, (int) rows,
							c < 2 * remap->nmap ? remap->map_types[c % remap->nmap] : INT4OID);
		pfree(values);
		pfree(nulls);
	}
	/* the arrays hold copies of the values */
	SPI_freetuptable(tt);
	return KEYMAP_NARGS(remap->nmap);
}

/*
 * Parameters of node's INSERT from position n on: the key maps of the
 * referenced copies it joins, in the order of their parameters (the
 * referenced values of an untracked table's incoming edges follow them).
 */
static int
remap_params(CloneState *st, RowcloneNode *node, Datum *params, int n)
{
	while (n < node->insert_nparams)
	{
		RowcloneRemap *remap = NULL;

		for (int r = 0; r < node->nremaps; r++)
			if (node->remaps[r].join_param == n + 1)
				remap = &node->remaps[r];
		if (remap == NULL)
			break;
		n += remap_arrays(st, remap, &params[n]);
	}
	return n;
}

/*
 * Phase 4, for both shapes: point the deferred references of the copies
 * at the copies they reference, once all copies exist.
 */
static void
write_fixups(CloneState *st)
{
	RowcloneGraph *g = st->g;

	for (int o = 0; o < g->nnodes; o++)
	{
		int			i = g->order[o];
		RowcloneNode *node = &g->nodes[i];

		if (source_rows(st, i) == 0)
			continue;
		st->current = i;
		for (int r = 0; r < node->nremaps; r++)
		{
			RowcloneRemap *remap = &node->remaps[r];
			Datum		params[2 * KEYMAP_NARGS(INDEX_MAX_KEYS)];
			int			n;

			/* a reference inserted as NULL is restored even when it points out of the set */
			if (!remap->deferred ||
				(source_rows(st, remap->target) == 0 && !remap->insert_null))
				continue;
			n = key_map_params(st, i, params);
			n += remap_arrays(st, remap, &params[n]);
			run(st, remap->fixup_count_plan, params, SPI_OK_SELECT);
			{
				bool		isnull;
				int64		want = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
															   SPI_tuptable->tupdesc, 1, &isnull));

				SPI_freetuptable(SPI_tuptable);
				run(st, remap->fixup_plan, params, SPI_OK_UPDATE);
				if (SPI_processed != (uint64) want)
					ereport(ERROR,
							(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
							 errmsg("could not update " UINT64_FORMAT " of " INT64_FORMAT " copies of rows of table \"%s\"",
									(uint64) want - SPI_processed, want, node->display_name),
							 errdetail("The copies must be updated to point at the copies they reference (foreign key \"%s\"), and are not visible to UPDATE, probably because of a row-level security policy.",
									   remap->conname)));
			}
		}
	}
	st->current = -1;
}

/* Phase 3 and 4: one INSERT per table, then the deferred references. */
static void
write_copies(CloneState *st)
{
	RowcloneGraph *g = st->g;
	int			tables = 0;

	for (int i = 0; i < g->nnodes; i++)
		if (g->nodes[i].untracked || st->rows[i]->nrows > 0)
			tables++;
	rowclone_progress_begin(&st->progress, g->nodes[0].relid, tables);

	for (int o = 0; o < g->nnodes; o++)
	{
		int			i = g->order[o];
		RowcloneNode *node = &g->nodes[i];
		Datum	   *params;
		char	   *nulls;
		int			n = 0;
		uint64		inserted;
		ListCell   *lc;

		if (!node->untracked && st->rows[i]->nrows == 0)
			continue;
		params = palloc(sizeof(Datum) * Max(node->insert_nparams, 1));
		nulls = palloc(Max(node->insert_nparams, 1) + 1);
		memset(nulls, ' ', Max(node->insert_nparams, 1));
		nulls[Max(node->insert_nparams, 1)] = '\0';
		st->current = i;
		rowclone_progress_table_start(&st->progress, node->relid);
		if (!node->untracked)
			n = key_map_params(st, i, params);
		else
			params[n++] = Int32GetDatum(st->copies);
		if (node->insert_takes_source_flags)
			params[n++] = source_flags(st, i);
		foreach(lc, node->override_params)
		{
			if (st->override_nulls[lfirst_int(lc)])
				nulls[n] = 'n';
			params[n++] = st->override_values[lfirst_int(lc)];
		}
		if (node->insert_takes_overrides)
			params[n++] = st->overrides;
		n = remap_params(st, node, params, n);
		/* no key: the referenced values of copied rows within max_depth */
		foreach(lc, node->incoming)
		{
			RowcloneEdge *edge = &g->edges[lfirst_int(lc)];
			RowcloneRowSet *parent = st->rows[edge->parent];
			int			upto = 0;

			while (upto < parent->nrows &&
				   (st->plan->max_depth < 0 || parent->depth[upto] + 1 <= st->plan->max_depth))
				upto++;
			for (int k = 0; k < edge->nkeys; k++)
				params[n++] = column_array(parent, edge->parent_fetch_col[k], 0, upto);
		}
		if (node->insert_tenant_from > 0)
			params[n++] = tenant_values(params[node->insert_tenant_from - 1]);
		if (n != node->insert_nparams)
			elog(ERROR, "rowclone: %d of %d parameters of the INSERT of \"%s\" made",
				 n, node->insert_nparams, node->display_name);
		if (node->insert_sorts)
		{
			/*
			 * The sort of a large table's copies, as RI_Initial_Check does
			 * for its one big query: maintenance_work_mem, not work_mem, so
			 * that it need not spill to disk.
			 */
			int			save_nestlevel = NewGUCNestLevel();
			char		workmem[32];

			snprintf(workmem, sizeof(workmem), "%d", maintenance_work_mem);
			(void) set_config_option("work_mem", workmem, PGC_USERSET, PGC_S_SESSION,
									 GUC_ACTION_SAVE, true, 0, false);
			run_with_nulls(st, node->insert_plan, params, nulls, SPI_OK_INSERT);
			AtEOXact_GUC(false, save_nestlevel);
		}
		else
			run_with_nulls(st, node->insert_plan, params, nulls,
						   node->insert_checks_keys ? SPI_OK_SELECT : SPI_OK_INSERT);
		pfree(params);
		pfree(nulls);
		inserted = SPI_processed;
		if (node->insert_checks_keys)
		{
			bool		isnull;
			int64		changed;

			inserted = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc,
												   1, &isnull));
			changed = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc,
												  2, &isnull));
			SPI_freetuptable(SPI_tuptable);
			if (changed > 0)
				rowclone_copy_keys_changed(node->display_name, changed, inserted);
		}
		if (node->untracked)
			st->keyless_rows[i] += inserted;
		else if (inserted != (uint64) st->rows[i]->nrows * st->copies)
			rowclone_copies_not_inserted(node->display_name, inserted,
										 (uint64) st->rows[i]->nrows * st->copies);
		rowclone_progress_table_done(&st->progress, node->display_name, inserted);
	}

	write_fixups(st);
}

/* The sources of a clone of one row: its key as one-element arrays. */
void
rowclone_sources_of_key(RowclonePlan *plan, RowcloneKey *key, RowcloneSources *sources)
{
	RowcloneNode *root = &plan->graph->nodes[0];

	memset(sources, 0, sizeof(*sources));
	sources->copies = 1;
	sources->key = key;
	if (key->matches_nothing)
		sources->key_arrays[0] = make_array(NULL, NULL, 0, root->pk_types[0]);
	else if (plan->key_as_jsonb)
	{
		for (int j = 0; j < root->npk; j++)
			sources->key_arrays[j] = make_array(&key->values[j], NULL, 1, root->pk_types[j]);
	}
	else
	{
		Datum		v = rowclone_cast_datum(key->values[0], plan->key_param_types[0],
											root->pk_types[0]);

		sources->key_arrays[0] = make_array(&v, NULL, 1, root->pk_types[0]);
	}
}

/*
 * Run a set-based clone of the source rows.  Call inside SPI_connect; the
 * result's memory lives in the current (SPI) memory context.
 *
 * All copies of every row are written by one round of statements: the
 * key maps carry the copy number, and copy c of a row references copy c
 * of its target.
 */
void
rowclone_execute_set(RowclonePlan *plan, RowcloneSources *sources, Datum overrides,
						 RowcloneSetResult *result)
{
	RowcloneGraph *g = plan->graph;
	CloneState st;
	ErrorContextCallback errcallback;
	int			citus_level;

	memset(&st, 0, sizeof(st));
	st.plan = plan;
	st.g = g;
	st.sources = sources;
	st.key = sources->key;
	st.copies = sources->copies;
	st.overrides = overrides;
	st.current = -1;
	st.snapshot = RegisterSnapshot(GetTransactionSnapshot());
	st.rows = palloc0(sizeof(RowcloneRowSet *) * g->nnodes);
	st.cursor = palloc0(sizeof(int) * g->nnodes);
	st.keyless_rows = palloc0(sizeof(uint64) * g->nnodes);
	for (int i = 0; i < g->nnodes; i++)
		st.rows[i] = rowclone_rowset_create(CurrentMemoryContext, g->nodes[i].nfetch,
											g->nodes[i].npk, g->nodes[i].fetch_types,
											g->nodes[i].pk_collations);

	errcallback.callback = clone_error_callback;
	errcallback.arg = &st;
	errcallback.previous = error_context_stack;
	error_context_stack = &errcallback;
	citus_level = rowclone_citus_clone_begin(g->citus_sequential);

	closure(&st, sources->key_arrays);
	if (st.rows[0]->nrows > 0)
	{
		check_insert_privileges(&st);
		make_keys(&st);
		build_key_maps(&st);
		write_copies(&st);
		rowclone_progress_end(&st.progress);
	}

	rowclone_citus_clone_end(citus_level);
	UnregisterSnapshot(st.snapshot);
	error_context_stack = errcallback.previous;
	result->graph = g;
	result->copies = st.copies;
	result->rows = st.rows;
	result->keyless_rows = st.keyless_rows;
	result->old_arrays = st.old_arrays;
	result->new_arrays = st.new_arrays;
}

static void
returning_keys_callback(void *arg)
{
	errcontext("while returning the keys of the copies of rows of table \"%s\"",
			   ((RowcloneNode *) arg)->display_name);
}

/*
 * clone_row's result, in either shape: the root copy's key (keys, one per
 * key column) in the caller's key type, in the current memory context.
 */
static Datum
key_result(RowclonePlan *plan, Datum *keys)
{
	RowcloneNode *root = &plan->graph->nodes[0];
	Datum		v;

	if (!plan->key_as_jsonb)
	{
		ErrorContextCallback errcallback = {error_context_stack, returning_keys_callback, root};

		error_context_stack = &errcallback;
		v = rowclone_new_key_as(keys[0], root->pk_types[0], plan->result_type,
								root->display_name, root->pk_names[0]);
		error_context_stack = errcallback.previous;
		return v;
	}
	v = rowclone_key_to_jsonb(root->npk, root->pk_names, root->pk_types, keys);
	if (plan->result_type != JSONBOID)
		v = rowclone_cast_datum(v, JSONBOID, plan->result_type);
	return v;
}

/* clone_row's result from a set-shape clone. */
Datum
rowclone_root_result(RowclonePlan *plan, RowcloneSetResult *result, bool *isnull)
{
	RowcloneRowSet *rs = result->rows[0];
	Datum		keys[INDEX_MAX_KEYS];

	*isnull = false;
	for (int j = 0; j < result->graph->nodes[0].npk; j++)
		keys[j] = rs->new_key[j][0];
	return key_result(plan, keys);
}

/* One-row shape: does node i's source row exist? */
static bool
source_row_exists(CloneState *st, int i, Datum *key_values)
{
	SPIPlanPtr	check = rowclone_prepare(st->g->nodes[i].exists_sql, st->plan->nkey_params,
										 st->plan->key_param_types, 0);

	run(st, check, key_values, SPI_OK_SELECT);
	return SPI_processed > 0;
}

/*
 * One-row shape: node i's INSERT made no row.  Name the row that is
 * missing (the source row first: its is-a parents are copied before it),
 * or say that a trigger suppressed the copy.
 */
static void
report_nothing_inserted(CloneState *st, int i, Datum *key_values)
{
	RowcloneGraph *g = st->g;
	int			missing = -1;

	if (!source_row_exists(st, 0, key_values))
		missing = 0;
	else if (i != 0 && !source_row_exists(st, i, key_values))
		missing = i;
	if (missing >= 0)
	{
		st->current = missing;
		rowclone_row_not_found(describe_row_key(st, missing), g->nodes[missing].display_name);
	}
	rowclone_copies_not_inserted(g->nodes[i].display_name, 0, 1);
}

/*
 * One-row shape: the key map of node i's one copy (old key, new key, copy
 * number 1), for the statements that read it.
 */
static void
one_row_key_map(CloneState *st, int i, Datum *old_key, Datum *new_key)
{
	RowcloneNode *node = &st->g->nodes[i];
	Datum		one = Int32GetDatum(1);
	int			n = source_rows(st, i);

	st->old_arrays[i] = palloc(sizeof(Datum) * node->npk);
	st->new_arrays[i] = palloc(sizeof(Datum) * node->npk);
	for (int j = 0; j < node->npk; j++)
	{
		st->old_arrays[i][j] = make_array(&old_key[j], NULL, n, node->pk_types[j]);
		st->new_arrays[i][j] = make_array(&new_key[j], NULL, n, node->pk_types[j]);
	}
	st->copy_arrays[i] = make_array(&one, NULL, n, INT4OID);
}

/*
 * Run a one-row plan (RowcloneGraph.one_row) for one source key: each
 * table's INSERT, is-a parents first, then the fix-ups.  Call inside
 * SPI_connect; returns the copy's key in the current memory context.
 *
 * for_clone_rows: clone_rows of one key runs in this shape too, as it
 * would in the set shape: a missing source row is no copy (*isnull), not
 * an error, and the key columns it draws need INSERT privilege.
 */
Datum
rowclone_execute_one_row(RowclonePlan *plan, RowcloneKey *key, Datum overrides,
						 bool for_clone_rows, bool *isnull)
{
	RowcloneGraph *g = plan->graph;
	CloneState	st;
	ErrorContextCallback errcallback;
	int			citus_level;
	Datum	   *params;
	Datum		root_key[INDEX_MAX_KEYS];
	int			maxparams = 0;
	Datum		result;

	memset(&st, 0, sizeof(st));
	st.plan = plan;
	st.g = g;
	st.key = key;
	st.copies = 1;
	st.current = 0;
	st.snapshot = RegisterSnapshot(GetTransactionSnapshot());

	errcallback.callback = clone_error_callback;
	errcallback.arg = &st;
	errcallback.previous = error_context_stack;
	error_context_stack = &errcallback;
	citus_level = rowclone_citus_clone_begin(g->citus_sequential);

	*isnull = false;
	if (key->matches_nothing && !for_clone_rows)
		rowclone_row_not_found(describe_row_key(&st, 0), g->nodes[0].display_name);
	/*
	 * Without the source row nothing may be written: look before copying
	 * is-a parents (a lone table finds out from its INSERT).
	 */
	if (for_clone_rows &&
		(key->matches_nothing ||
		 (g->nnodes > 1 && !source_row_exists(&st, 0, key->values))))
		goto no_copy;
	if (for_clone_rows)
		check_insert_privileges(&st);
	for (int i = 0; i < g->nnodes; i++)
	{
		maxparams = Max(maxparams, g->nodes[i].insert_nparams);
		if (g->nodes[i].keymap_needed && st.old_arrays == NULL)
		{
			st.old_arrays = palloc0(sizeof(Datum *) * g->nnodes);
			st.new_arrays = palloc0(sizeof(Datum *) * g->nnodes);
			st.copy_arrays = palloc0(sizeof(Datum) * g->nnodes);
		}
	}
	params = palloc(sizeof(Datum) * Max(maxparams, 1));

	for (int o = 0; o < g->nnodes; o++)
	{
		int			i = g->order[o];
		RowcloneNode *node = &g->nodes[i];
		Datum	   *new_key = (i == 0) ? root_key : palloc(sizeof(Datum) * node->npk);
		int			n;

		st.current = i;
		if (node->not_copied)
		{
			if (node->keymap_needed)
				one_row_key_map(&st, i, NULL, NULL);	/* empty */
			continue;
		}
		memcpy(params, key->values, sizeof(Datum) * plan->nkey_params);
		n = plan->nkey_params;
		if (node->insert_takes_overrides)
			params[n++] = overrides;
		n = remap_params(&st, node, params, n);
		Assert(n == node->insert_nparams);
		run(&st, node->insert_plan, params, SPI_OK_INSERT_RETURNING);
		if (SPI_processed > 1)
			elog(ERROR, "rowclone: primary key lookup in \"%s\" returned " UINT64_FORMAT " rows",
				 node->display_name, SPI_processed);
		if (SPI_processed == 0)
		{
			if (for_clone_rows && g->nnodes == 1 && !source_row_exists(&st, 0, params))
				goto no_copy;
			report_nothing_inserted(&st, i, params);
		}
		for (int j = 0; j < node->npk; j++)
		{
			bool		null;

			/* lives in SPI memory until SPI_finish */
			new_key[j] = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, j + 1, &null);
		}
		if (node->keymap_needed)
		{
			Datum		old_key[INDEX_MAX_KEYS];

			for (int j = 0; j < node->npk; j++)
				old_key[j] = rowclone_cast_datum(key->values[node->root_key_pos[j]],
												 plan->key_param_types[node->root_key_pos[j]],
												 node->pk_types[j]);
			one_row_key_map(&st, i, old_key, new_key);
		}
	}
	write_fixups(&st);

	rowclone_citus_clone_end(citus_level);
	UnregisterSnapshot(st.snapshot);
	error_context_stack = errcallback.previous;
	result = key_result(plan, root_key);
	return result;

no_copy:
	*isnull = true;
	rowclone_citus_clone_end(citus_level);
	UnregisterSnapshot(st.snapshot);
	error_context_stack = errcallback.previous;
	return (Datum) 0;
}

/*
 * SELECT [CAST(]jsonb_build_object('pk', m.X0, ...)[ AS type)], ... FROM
 * ROWS FROM (unnest($1), ...) WITH ORDINALITY AS m(X0, ..., ord) ORDER BY
 * m.ord: a jsonb key object per element of each group of key arrays (X is
 * the group's letter in groups: "on" is old and new keys), in order.
 * Sets argtypes to the key array types, group after group.
 */
static char *
key_json_sql(RowcloneNode *node, const char *groups, Oid cast_to, Oid *argtypes)
{
	StringInfoData sql;
	int			ngroups = strlen(groups);

	initStringInfo(&sql);
	appendStringInfoString(&sql, RC_SQL_MARK "SELECT ");
	for (int g = 0; g < ngroups; g++)
	{
		appendStringInfo(&sql, "%s%spg_catalog.jsonb_build_object(", g > 0 ? ", " : "",
						 OidIsValid(cast_to) ? "CAST(" : "");
		for (int j = 0; j < node->npk; j++)
			appendStringInfo(&sql, "%s%s, m.%c%d", j > 0 ? ", " : "",
							 quote_literal_cstr(node->pk_names[j]), groups[g], j);
		appendStringInfoChar(&sql, ')');
		if (OidIsValid(cast_to))
			appendStringInfo(&sql, " AS %s)", rowclone_qualified_type_name(cast_to));
	}
	appendStringInfoString(&sql, " FROM ROWS FROM (");
	for (int g = 0; g < ngroups; g++)
		for (int j = 0; j < node->npk; j++)
		{
			int			p = g * node->npk + j;

			appendStringInfo(&sql, "%spg_catalog.unnest($%d)", p > 0 ? ", " : "", p + 1);
			argtypes[p] = get_array_type(node->pk_types[j]);
		}
	appendStringInfoString(&sql, ") WITH ORDINALITY AS m(");
	for (int g = 0; g < ngroups; g++)
		for (int j = 0; j < node->npk; j++)
			appendStringInfo(&sql, "%c%d, ", groups[g], j);
	appendStringInfoString(&sql, "ord) ORDER BY m.ord");
	return sql.data;
}

/*
 * clone_graph's rows: (relation, old key, new key, depth) of every copy,
 * by depth, the source row first.  Keys become jsonb objects by one query
 * per table and depth, read through a cursor in batches straight into the
 * tuplestore (which spills to disk), so the listing of a large clone is
 * never held in memory whole.
 */
void
rowclone_emit_graph(RowcloneSetResult *result, Tuplestorestate *store, TupleDesc desc)
{
	RowcloneGraph *g = result->graph;
	SPIPlanPtr *json_plans = palloc0(sizeof(SPIPlanPtr) * g->nnodes);
	int		   *cursor = palloc0(sizeof(int) * g->nnodes);
	int			max_depth = 0;

	for (int i = 0; i < g->nnodes; i++)
	{
		RowcloneRowSet *rs = result->rows[i];

		if (rs->nrows > 0)
			max_depth = Max(max_depth, rs->depth[rs->nrows - 1]);
		if (result->keyless_rows[i] > 0)
			max_depth = Max(max_depth, g->nodes[i].depth);
	}
	for (int d = 0; d <= max_depth; d++)
		for (int i = 0; i < g->nnodes; i++)
		{
			RowcloneNode *node = &g->nodes[i];
			RowcloneRowSet *rs = result->rows[i];
			int			from = cursor[i];
			Datum		args[2 * INDEX_MAX_KEYS];
			Portal		portal;

			/* rows of a table without a key: no key to show */
			if (node->untracked && node->depth == d)
				for (uint64 k = 0; k < result->keyless_rows[i]; k++)
				{
					Datum		values[4] = {ObjectIdGetDatum(node->relid), 0, 0,
					Int32GetDatum(d)};
					bool		nulls[4] = {false, true, true, false};

					tuplestore_putvalues(store, desc, values, nulls);
				}

			while (cursor[i] < rs->nrows && rs->depth[cursor[i]] == d)
				cursor[i]++;
			if (cursor[i] == from)
				continue;
			if (json_plans[i] == NULL)
			{
				Oid			argtypes[2 * INDEX_MAX_KEYS];
				char	   *sql = key_json_sql(node, "on", InvalidOid, argtypes);

				json_plans[i] = rowclone_prepare(sql, 2 * node->npk, argtypes, 0);
			}
			for (int j = 0; j < node->npk; j++)
			{
				args[j] = column_array(rs, j, from, cursor[i]);
				args[node->npk + j] = make_array(rs->new_key[j] + from, rs->new_key_null[j] + from,
												 cursor[i] - from, node->pk_types[j]);
			}
			portal = open_cursor(json_plans[i], args, NULL);
			while (fetch_batch(portal))
			{
				for (uint64 r = 0; r < SPI_processed; r++)
				{
					Datum		values[4];
					bool		nulls[4] = {0};

					values[0] = ObjectIdGetDatum(node->relid);
					values[1] = SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 1, &nulls[1]);
					values[2] = SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 2, &nulls[2]);
					values[3] = Int32GetDatum(d);
					tuplestore_putvalues(store, desc, values, nulls);
				}
				SPI_freetuptable(SPI_tuptable);
			}
			for (int j = 0; j < 2 * node->npk; j++)
				pfree(DatumGetPointer(args[j]));
		}
}

/*
 * clone_rows's rows: (old key as passed, new key, copy) for every copy of every
 * source row, in the order of the keys array (a repeated key once), copies
 * in order.  New keys come back in the type of the keys' elements: one
 * array cast for one-column keys, one query building jsonb objects for
 * composite keys.
 */
void
rowclone_emit_pairs(RowclonePlan *plan, RowcloneSetResult *result,
							RowcloneKeyList *keys, Tuplestorestate *store, TupleDesc desc)
{
	RowcloneRowSet *rs = result->rows[0];
	RowcloneNode *root = &result->graph->nodes[0];
	int			copies = result->copies;
	bool	   *seen = palloc0(sizeof(bool) * Max(rs->nrows, 1));
	int		   *out_elem = palloc(sizeof(int) * Max(rs->nrows, 1));
	int		   *out_row = palloc(sizeof(int) * Max(rs->nrows, 1));
	int			nout = 0;
	Datum	   *new_keys;
	int			nnew;

	if (rs->nrows == 0)
		return;
	for (int e = 0; e < keys->nkeys; e++)
	{
		Datum		probe[INDEX_MAX_KEYS];
		int			row;

		CHECK_FOR_INTERRUPTS();
		for (int j = 0; j < root->npk; j++)
			probe[j] = keys->values[j][e];
		row = keys->matches_nothing && keys->matches_nothing[e] ? -1 :
			rowclone_rowset_find(rs, probe);
		if (row < 0 || seen[row])
			continue;
		seen[row] = true;
		out_elem[nout] = e;
		out_row[nout++] = row;
	}

	/* new keys of the source rows' copies, in output order, per key column */
	{
		Datum		arrays[INDEX_MAX_KEYS];
		Datum	   *values = palloc(sizeof(Datum) * nout * copies);
		bool	   *nulls = palloc(sizeof(bool) * nout * copies);

		for (int j = 0; j < root->npk; j++)
		{
			for (int o = 0; o < nout; o++)
				for (int c = 0; c < copies; c++)
				{
					values[o * copies + c] = rs->new_key[j][c * rs->nrows + out_row[o]];
					nulls[o * copies + c] = rs->new_key_null[j][c * rs->nrows + out_row[o]];
				}
			arrays[j] = make_array(values, nulls, nout * copies, root->pk_types[j]);
		}

		if (!plan->key_as_jsonb)
		{
			ArrayType  *cast;
			bool	   *castnulls;
			int16		typlen;
			bool		typbyval;
			char		typalign;
			ErrorContextCallback errcallback = {error_context_stack, returning_keys_callback, root};
			Datum		a;

			error_context_stack = &errcallback;
			a = rowclone_new_key_as(arrays[0], get_array_type(root->pk_types[0]),
									get_array_type(plan->result_type),
									root->display_name, root->pk_names[0]);
			error_context_stack = errcallback.previous;

			cast = DatumGetArrayTypeP(a);
			get_typlenbyvalalign(plan->result_type, &typlen, &typbyval, &typalign);
			deconstruct_array(cast, plan->result_type, typlen, typbyval, typalign,
							  &new_keys, &castnulls, &nnew);
		}
		else
		{
			Oid			argtypes[INDEX_MAX_KEYS];
			/* an untyped literal key is text: the jsonb object as text */
			char	   *sql = key_json_sql(root, "n", plan->result_type, argtypes);
			int			rc;

			rc = SPI_execute_with_args(sql, root->npk, argtypes, arrays, NULL, true, 0);
			if (rc != SPI_OK_SELECT || SPI_processed != (uint64) nout * copies)
				elog(ERROR, "rowclone: could not describe the copies of \"%s\"", root->display_name);
			nnew = nout * copies;
			new_keys = palloc(sizeof(Datum) * Max(nnew, 1));
			for (int k = 0; k < nnew; k++)
			{
				bool		isnull;

				new_keys[k] = SPI_getbinval(SPI_tuptable->vals[k], SPI_tuptable->tupdesc, 1,
											&isnull);
			}
		}
	}

	Assert(nnew == nout * copies);
	for (int o = 0; o < nout; o++)
		for (int c = 0; c < copies; c++)
		{
			Datum		values[3];
			bool		nulls[3] = {false, false, false};

			values[0] = keys->given[out_elem[o]];
			values[1] = new_keys[o * copies + c];
			values[2] = Int32GetDatum(c + 1);	/* a 0.1 definition has no copy column */
			tuplestore_putvalues(store, desc, values, nulls);
		}
}
