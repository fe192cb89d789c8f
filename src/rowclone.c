/*-------------------------------------------------------------------------
 *
 * rowclone.c
 *	  SQL-callable entry points of rowclone and module initialisation.
 *
 * Entry points only: each function's arguments go to request.c, its plan
 * comes from plancache.c (plan.c, graph.c), and it runs in execute.c; this
 * file also keeps error contexts short.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "storage/lmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"
#include "utils/tuplestore.h"

#include "catalog.h"
#include "compat.h"
#include "execute.h"
#include "graph.h"
#include "keys.h"
#include "plan.h"
#include "progress.h"
#include "sqlgen.h"

PG_MODULE_MAGIC;

/* Clones running in this backend (nested through triggers). */
static int	active_clones = 0;

void		_PG_init(void);

void
_PG_init(void)
{
	rowclone_catalog_init();
	rowclone_progress_init();
	rowclone_plan_init();		/* last: it reserves the rowclone. prefix */
}

/* Where each SQL function has its options */
static const RowcloneOptionArgs clone_args = {2, 3, 4, 5, 6, false};
static const RowcloneOptionArgs rows_args = {2, 3, 4, 5, 6, true};
static const RowcloneOptionArgs plan_args = {-1, -1, 1, 2, 3, false};

/* One overrides object, re-keyed (see overrides_param), pushed to b. */
static void
push_rekeyed(RowcloneJsonbBuilder *b, RowclonePlan *plan, JsonbContainer *obj)
{
	rowclone_jsonb_push(b, WJB_BEGIN_OBJECT, NULL);
	for (int i = 0; i < plan->noverrides; i++)
	{
		const char *raw = plan->override_keys[i];
		JsonbValue	k;
		JsonbValue *v;
		char	   *slot = psprintf("%d", i);

		k.type = jbvString;
		k.val.string.val = slot;
		k.val.string.len = strlen(slot);
		rowclone_jsonb_push(b, WJB_KEY, &k);
		v = getKeyJsonValueFromContainer(obj, raw, strlen(raw), NULL);
		Assert(v != NULL);
		rowclone_jsonb_push(b, WJB_VALUE, v);
	}
	rowclone_jsonb_push(b, WJB_END_OBJECT, NULL);
}

/*
 * overrides re-keyed "0", "1", ... in the order of plan->override_keys,
 * the names the generated jsonb_to_record column list uses; a fan-out
 * array becomes an array of such objects, in copy order.
 */
static Datum
overrides_param(RowclonePlan *plan, Jsonb *ov)
{
	RowcloneJsonbBuilder b;

	memset(&b, 0, sizeof(b));
	if (!JB_ROOT_IS_ARRAY(ov))
		push_rekeyed(&b, plan, &ov->root);
	else
	{
		rowclone_jsonb_push(&b, WJB_BEGIN_ARRAY, NULL);
		for (int e = 0; e < (int) JB_ROOT_COUNT(ov); e++)
			push_rekeyed(&b, plan,
						 getIthJsonbValueFromContainer(&ov->root, e)->val.binary.data);
		rowclone_jsonb_push(&b, WJB_END_ARRAY, NULL);
	}
	return JsonbPGetDatum(JsonbValueToJsonb(b.result));
}

/* Lock the source table and make sure it exists. */
static void
lock_source_table(Oid relid)
{
	LockRelationOid(relid, RowExclusiveLock);
	if (!SearchSysCacheExists1(RELOID, ObjectIdGetDatum(relid)))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", relid)));
}

/* The source of a clone: rel (arg 0) and key (arg 1), neither NULL. */
static void
decode_source(FunctionCallInfo fcinfo, RowcloneRequest *req)
{
	if (PG_ARGISNULL(0))
		rowclone_null_argument("rel");
	if (PG_ARGISNULL(1))
		rowclone_null_argument("key");
	req->relid = PG_GETARG_OID(0);
	req->keytype = get_fn_expr_argtype(fcinfo->flinfo, 1);
}

/* Which function a clone runs for: what it returns. */
typedef enum CloneKind
{
	CLONE_ROW,					/* the copy's key */
	CLONE_GRAPH,				/* every created row */
	CLONE_ROWS					/* (old key, new key) per copy of a source row */
} CloneKind;

/*
 * clone_rows: decode the keys array (argument 1) and copy the rows it
 * names, copies times, into rsinfo's tuplestore.
 */
static void
run_clone_rows(FunctionCallInfo fcinfo, RowclonePlan *plan, Datum ov, int copies)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	RowcloneKeyList keys;
	RowcloneSources sources;
	RowcloneSetResult cascade;
	bool		isnull;

	if (plan->graph->one_row)
	{
		/* one key, one copy (rowclone_clone_rows chose the shape) */
		ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(1);
		Datum		given = array_get_element(PointerGetDatum(arr), 1, &ARR_LBOUND(arr)[0],
											  -1, plan->result_typlen, plan->result_typbyval,
											  plan->result_typalign, &isnull);
		RowcloneKey key;
		Datum		values[3];
		bool		nulls[3] = {false, false, false};

		rowclone_key_decode(plan, given, &key);
		values[1] = rowclone_execute_one_row(plan, &key, ov, true, &isnull);
		if (isnull)
			return;
		values[0] = given;
		values[2] = Int32GetDatum(1);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		return;
	}
	rowclone_key_list_decode(plan, PG_GETARG_ARRAYTYPE_P(1), &keys);
	if (keys.nkeys == 0)
		return;
	memset(&sources, 0, sizeof(sources));
	memcpy(sources.key_arrays, keys.arrays, sizeof(keys.arrays));
	sources.copies = copies;
	sources.missing_ok = true;
	rowclone_execute_set(plan, &sources, ov, &cascade);
	rowclone_emit_pairs(plan, &cascade, &keys, rsinfo->setResult, rsinfo->setDesc);
}

/* Lines of our own nested clones kept at each end of a long error context. */
#define CONTEXT_KEEP_CLONES 5

/*
 * An error's context without the "SQL statement" lines of rowclone's own
 * statements (users never see generated SQL); in the outermost clone, a
 * context naming more than twice CONTEXT_KEEP_CLONES clones (a trigger that
 * clones its own table without a guard, say) is cut to the first and last
 * few, with a line saying how many were left out.
 */
static char *
short_context(const char *context, bool outermost)
{
	StringInfoData buf;
	List	   *lines = NIL;
	int			nclones = 0;
	int			seen = 0;
	int			dropped = 0;
	char	   *copy = pstrdup(context);
	char	   *line;
	char	   *next;
	ListCell   *lc;

	for (line = copy; line != NULL; line = next)
	{
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		if (strncmp(line, "SQL statement \"" RC_SQL_MARK, strlen("SQL statement \"" RC_SQL_MARK)) == 0)
			continue;
		if (strncmp(line, "while ", 6) == 0)
			nclones++;
		lines = lappend(lines, line);
	}
	initStringInfo(&buf);
	foreach(lc, lines)
	{
		line = (char *) lfirst(lc);
		if (strncmp(line, "while ", 6) == 0)
			seen++;
		/* drop whole levels: a clone's line and the caller lines after it */
		if (outermost && nclones > 2 * CONTEXT_KEEP_CLONES &&
			seen > CONTEXT_KEEP_CLONES && seen <= nclones - CONTEXT_KEEP_CLONES)
		{
			if (strncmp(line, "while ", 6) == 0 && dropped++ == 0)
				appendStringInfo(&buf, "%s... %d more nested clones ...",
								 buf.len > 0 ? "\n" : "",
								 nclones - 2 * CONTEXT_KEEP_CLONES);
			continue;
		}
		appendStringInfo(&buf, "%s%s", buf.len > 0 ? "\n" : "", line);
	}
	return buf.data;
}

/*
 * Plan and run a clone.  clone_row returns the copy's key; clone_graph and
 * clone_rows put their rows into the tuplestore of fcinfo's resultinfo.
 */
static Datum
run_clone(FunctionCallInfo fcinfo, RowcloneRequest *req, CloneKind kind, int copies,
		  bool *isnull)
{
	volatile Datum result = (Datum) 0;
	MemoryContext caller_cxt = CurrentMemoryContext;

	*isnull = false;
	lock_source_table(req->relid);
	if (active_clones == 0)
		rowclone_release_retired();

	active_clones++;
	PG_TRY();
	{
		RowclonePlan *plan;
		RowcloneKey key;
		Datum		ov = (Datum) 0;

		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "rowclone: SPI_connect failed");
		plan = rowclone_plan_get(req);
		if (plan->noverrides > 0 && plan->graph->overrides_as_given)
			ov = JsonbPGetDatum(req->overrides);
		else if (plan->noverrides > 0)
			ov = overrides_param(plan, req->overrides);
		if (kind == CLONE_ROWS)
			run_clone_rows(fcinfo, plan, ov, copies);
		else if (!plan->graph->one_row)
		{
			ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
			RowcloneSources sources;
			RowcloneSetResult cascade;

			rowclone_key_decode(plan, PG_GETARG_DATUM(1), &key);
			rowclone_sources_of_key(plan, &key, &sources);
			rowclone_execute_set(plan, &sources, ov, &cascade);
			if (kind == CLONE_GRAPH)
				rowclone_emit_graph(&cascade, rsinfo->setResult, rsinfo->setDesc);
			else
			{
				result = rowclone_root_result(plan, &cascade, isnull);
				if (!*isnull)
					result = SPI_datumTransfer(result, plan->result_typbyval,
											   plan->result_typlen);
			}
		}
		else
		{
			rowclone_key_decode(plan, PG_GETARG_DATUM(1), &key);
			result = rowclone_execute_one_row(plan, &key, ov, false, isnull);
			result = SPI_datumTransfer(result, plan->result_typbyval, plan->result_typlen);
		}
		SPI_finish();
		/* the outermost clone is done: nothing runs a retired plan now */
		if (active_clones == 1)
			rowclone_release_retired();
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(caller_cxt);
		edata = CopyErrorData();
		FlushErrorState();
		if (edata->context != NULL)
			edata->context = short_context(edata->context, active_clones == 1);
		if (active_clones == 1)
			rowclone_progress_abort();
		active_clones--;
		ReThrowError(edata);
	}
	PG_END_TRY();
	active_clones--;
	return result;
}

PG_FUNCTION_INFO_V1(rowclone_clone_row);

/*
 * clone_row(rel, key, overrides, reset, cascade, skip, max_depth)
 *	  RETURNS anycompatible: the key of the copy, in the type of key.
 */
Datum
rowclone_clone_row(PG_FUNCTION_ARGS)
{
	RowcloneRequest req;
	Datum		result;
	bool		isnull;

	memset(&req, 0, sizeof(req));
	decode_source(fcinfo, &req);
	rowclone_decode_options(fcinfo, &clone_args, &req);
	result = run_clone(fcinfo, &req, CLONE_ROW, 1, &isnull);
	if (isnull)
		PG_RETURN_NULL();
	PG_RETURN_DATUM(result);
}

PG_FUNCTION_INFO_V1(rowclone_clone_graph);

/*
 * clone_graph(rel, key, overrides, reset, cascade, skip, max_depth)
 *	  RETURNS TABLE (relation, old_key, new_key, depth): every row created,
 *	  root first.
 */
Datum
rowclone_clone_graph(PG_FUNCTION_ARGS)
{
	RowcloneRequest req;
	bool		isnull;

	memset(&req, 0, sizeof(req));
	decode_source(fcinfo, &req);
	req.set_mode = true;
	req.need_rows = true;
	rowclone_decode_options(fcinfo, &clone_args, &req);
	InitMaterializedSRF(fcinfo, 0);
	(void) run_clone(fcinfo, &req, CLONE_GRAPH, 1, &isnull);
	return (Datum) 0;
}

PG_FUNCTION_INFO_V1(rowclone_clone_rows);

/*
 * clone_rows(rel, keys, overrides, reset, cascade, skip, max_depth, copies)
 *	  RETURNS TABLE (old_key, new_key, copy): one row per copy made, the
 *	  source rows copied as one set.  (Under the 0.1 SQL definition the
 *	  result has no copy column.)
 */
Datum
rowclone_clone_rows(PG_FUNCTION_ARGS)
{
	RowcloneRequest req;
	Oid			arraytype;
	int32		copies;
	bool		isnull;

	memset(&req, 0, sizeof(req));
	if (PG_ARGISNULL(0))
		rowclone_null_argument("rel");
	if (PG_ARGISNULL(1))
		rowclone_null_argument("keys");
	req.relid = PG_GETARG_OID(0);
	arraytype = get_fn_expr_argtype(fcinfo->flinfo, 1);
	req.keytype = get_element_type(arraytype);
	if (!OidIsValid(req.keytype))
		elog(ERROR, "rowclone: keys is not an array");
	req.set_mode = true;
	rowclone_decode_options(fcinfo, &rows_args, &req);
	/* NULL: one copy, or one per object of an overrides array */
	copies = PG_ARGISNULL(7) ? Max(req.fanout, 1) : PG_GETARG_INT32(7);
	if (copies < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("copies must be at least 1"),
				 errdetail("copies is %d.", copies)));
	/*
	 * One key, one copy, no cascade: the copy of one row, as clone_row
	 * makes it, in the one-row shape (a set-shape round costs several
	 * times as much for one row).
	 */
	if (copies == 1 && !req.cascade && req.fanout == 0)
	{
		ArrayType  *keys = PG_GETARG_ARRAYTYPE_P(1);

		if (ARR_NDIM(keys) == 1 && ArrayGetNItems(ARR_NDIM(keys), ARR_DIMS(keys)) == 1 &&
			!array_contains_nulls(keys))
		{
			req.set_mode = false;
			rowclone_request_sign(&req);
		}
	}
	if (req.fanout > 0 && copies != req.fanout)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("copies must be the length of the overrides array"),
				 errdetail_plural("copies is %d; overrides holds %d object, one per copy.",
								  "copies is %d; overrides holds %d objects, one per copy.",
								  req.fanout, copies, req.fanout),
				 errhint("Leave copies out: it defaults to the length of the array.")));
	InitMaterializedSRF(fcinfo, 0);
	(void) run_clone(fcinfo, &req, CLONE_ROWS, copies, &isnull);
	return (Datum) 0;
}

static Datum
text_array(List *items)
{
	Datum	   *elems = palloc(sizeof(Datum) * Max(list_length(items), 1));
	ListCell   *lc;
	int			n = 0;

	foreach(lc, items)
		elems[n++] = CStringGetTextDatum((char *) lfirst(lc));
	return PointerGetDatum(construct_array(elems, n, TEXTOID, -1, false, TYPALIGN_INT));
}

PG_FUNCTION_INFO_V1(rowclone_clone_plan);

/*
 * clone_plan(rel, cascade, skip, max_depth) RETURNS TABLE (...): one row
 * per table a clone would copy rows of.  Reads only the catalogs; writes
 * nothing.  A table the clone could not copy is reported, not raised.
 */
Datum
rowclone_clone_plan(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	RowcloneRequest req;
	RowcloneGraph *graph;

	memset(&req, 0, sizeof(req));
	if (PG_ARGISNULL(0))
		rowclone_null_argument("rel");
	req.relid = PG_GETARG_OID(0);
	req.set_mode = true;
	rowclone_decode_options(fcinfo, &plan_args, &req);
	InitMaterializedSRF(fcinfo, 0);

	LockRelationOid(req.relid, AccessShareLock);
	if (!SearchSysCacheExists1(RELOID, ObjectIdGetDatum(req.relid)))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", req.relid)));
	graph = rowclone_graph_build(&req, NULL, false);

	for (int i = 0; i < graph->nnodes; i++)
	{
		RowcloneNode *node = &graph->nodes[i];
		Datum		values[10];
		bool		nulls[10] = {0};

		values[0] = ObjectIdGetDatum(node->relid);
		values[1] = Int32GetDatum(node->depth);
		values[2] = CStringGetTextDatum(node->reached_by);
		values[3] = text_array(node->fresh_columns);
		values[4] = text_array(node->remapped_columns);
		values[5] = text_array(node->copied_columns);
		values[6] = text_array(node->not_followed);
		nulls[7] = node->problem == NULL;
		values[7] = node->problem ? CStringGetTextDatum(node->problem) : (Datum) 0;
		/* 0.2 (the 0.1 definition of the result stops before these) */
		nulls[8] = node->key_source_text == NULL;
		values[8] = node->key_source_text ? CStringGetTextDatum(node->key_source_text) : (Datum) 0;
		values[9] = text_array(node->warnings);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
