/*-------------------------------------------------------------------------
 *
 * rowclone.c
 *	  SQL-callable entry points of rowclone and module initialisation.
 *
 * Owns argument decoding and validation only: NULL checks, option shapes,
 * the plan signature.  Planning is in plan.c, execution in execute.c.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "storage/lmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

#include "cascade.h"
#include "catalog.h"
#include "execute.h"
#include "keys.h"
#include "plan.h"

PG_MODULE_MAGIC;

/* Clones running in this backend (nested through triggers). */
static int	active_clones = 0;

void		_PG_init(void);

void
_PG_init(void)
{
	rowclone_catalog_init();
	rowclone_plan_init();
}

static void
null_argument(const char *name)
{
	ereport(ERROR,
			(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
			 errmsg("argument \"%s\" cannot be null", name)));
}

/* Text elements of a text[] option; NULL elements are an error. */
static char **
text_array_items(ArrayType *arr, const char *argname, int *nitems)
{
	Datum	   *elems;
	bool	   *nulls;
	char	  **items;

	deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, nitems);
	items = palloc(sizeof(char *) * Max(*nitems, 1));
	for (int i = 0; i < *nitems; i++)
	{
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s cannot contain null elements", argname)));
		items[i] = TextDatumGetCString(elems[i]);
	}
	return items;
}

/*
 * Decode the options shared by every clone function: overrides (arg 2),
 * reset (3), cascade (4), skip (5), max_depth (6).  The signature string
 * captures everything that shapes the plan; it is empty for a plain call.
 */
static void
decode_options(FunctionCallInfo fcinfo, RowcloneRequest *req)
{
	StringInfoData sig;

	req->max_depth = -1;
	if (!PG_ARGISNULL(2))
	{
		Jsonb	   *ov = PG_GETARG_JSONB_P(2);
		JsonbIterator *it;
		JsonbValue	v;
		JsonbIteratorToken tok;
		int			n = 0;

		if (!JB_ROOT_IS_OBJECT(ov))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("overrides must be a jsonb object"),
					 errhint("Pass an object mapping column names to values, such as '{\"name\": \"copy\"}'.")));
		req->overrides = ov;
		req->override_keys = palloc(sizeof(char *) * Max(JB_ROOT_COUNT(ov), 1));
		it = JsonbIteratorInit(&ov->root);
		while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
			if (tok == WJB_KEY)
				req->override_keys[n++] = pnstrdup(v.val.string.val, v.val.string.len);
		req->noverride_keys = n;
	}
	if (!PG_ARGISNULL(3))
		req->reset = text_array_items(PG_GETARG_ARRAYTYPE_P(3), "reset", &req->nreset);
	if (PG_ARGISNULL(4))
		null_argument("cascade");
	req->cascade = PG_GETARG_BOOL(4);
	if (!PG_ARGISNULL(5))
	{
		ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(5);
		Datum	   *elems;
		bool	   *nulls;

		deconstruct_array(arr, REGCLASSOID, sizeof(Oid), true, TYPALIGN_INT,
						  &elems, &nulls, &req->nskip);
		req->skip = palloc(sizeof(Oid) * Max(req->nskip, 1));
		for (int i = 0; i < req->nskip; i++)
		{
			if (nulls[i])
				ereport(ERROR,
						(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						 errmsg("skip cannot contain null elements")));
			req->skip[i] = DatumGetObjectId(elems[i]);
		}
	}
	if (!PG_ARGISNULL(6))
	{
		req->max_depth = PG_GETARG_INT32(6);
		if (req->max_depth < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("max_depth must not be negative"),
					 errdetail("max_depth is %d; the source row is at depth 0.", req->max_depth)));
	}

	req->set_mode = req->set_mode || req->cascade;
	if (req->noverride_keys == 0 && req->nreset == 0 && !req->cascade &&
		req->nskip == 0 && req->max_depth < 0 && !req->set_mode)
	{
		req->signature = "";
		return;
	}
	initStringInfo(&sig);
	appendStringInfo(&sig, "c%d s%d d%d o", req->cascade, req->set_mode, req->max_depth);
	for (int i = 0; i < req->noverride_keys; i++)
		appendStringInfo(&sig, "\x1f%s", req->override_keys[i]);
	appendStringInfoString(&sig, "\x1er");
	for (int i = 0; i < req->nreset; i++)
		appendStringInfo(&sig, "\x1f%s", req->reset[i]);
	appendStringInfoString(&sig, "\x1es");
	for (int i = 0; i < req->nskip; i++)
		appendStringInfo(&sig, " %u", req->skip[i]);
	req->signature = sig.data;
}

/*
 * overrides re-keyed "0", "1", ... in the order of plan->override_keys,
 * the names the generated jsonb_to_record column list uses.
 */
static Datum
overrides_param(RowclonePlan *plan, Jsonb *ov)
{
	JsonbParseState *state = NULL;
	JsonbValue *res;

	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	for (int i = 0; i < plan->noverrides; i++)
	{
		const char *raw = plan->override_keys[i];
		JsonbValue	k;
		JsonbValue *v;
		char	   *slot = psprintf("%d", i);

		k.type = jbvString;
		k.val.string.val = slot;
		k.val.string.len = strlen(slot);
		pushJsonbValue(&state, WJB_KEY, &k);
		v = getKeyJsonValueFromContainer(&ov->root, raw, strlen(raw), NULL);
		Assert(v != NULL);
		pushJsonbValue(&state, WJB_VALUE, v);
	}
	res = pushJsonbValue(&state, WJB_END_OBJECT, NULL);
	return JsonbPGetDatum(JsonbValueToJsonb(res));
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

PG_FUNCTION_INFO_V1(rowclone_clone_row);

/*
 * clone_row(rel, key, overrides, reset, cascade, skip, max_depth)
 *	  RETURNS anycompatible: the key of the copy, in the type of key.
 */
Datum
rowclone_clone_row(PG_FUNCTION_ARGS)
{
	RowcloneRequest req;
	Datum		result = (Datum) 0;
	bool		isnull = false;

	memset(&req, 0, sizeof(req));
	if (PG_ARGISNULL(0))
		null_argument("rel");
	if (PG_ARGISNULL(1))
		null_argument("key");
	req.relid = PG_GETARG_OID(0);
	req.keytype = get_fn_expr_argtype(fcinfo->flinfo, 1);
	decode_options(fcinfo, &req);

	lock_source_table(req.relid);
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
		plan = rowclone_plan_get(&req);
		rowclone_key_decode(plan, PG_GETARG_DATUM(1), &key);
		if (plan->noverrides > 0)
			ov = overrides_param(plan, req.overrides);
		if (plan->graph != NULL)
		{
			RowcloneCascadeResult cascade;

			rowclone_cascade_execute(plan, &key, ov, &cascade);
			result = rowclone_cascade_root_result(plan, &cascade, &isnull);
			if (!isnull)
			{
				int16		typlen;
				bool		typbyval;

				get_typlenbyval(plan->result_type, &typlen, &typbyval);
				result = SPI_datumTransfer(result, typbyval, typlen);
			}
		}
		else
			result = rowclone_execute(plan, &key, ov, &isnull);
		SPI_finish();
	}
	PG_FINALLY();
	{
		active_clones--;
	}
	PG_END_TRY();

	if (isnull)
		PG_RETURN_NULL();
	PG_RETURN_DATUM(result);
}
