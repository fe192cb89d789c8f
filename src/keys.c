/*-------------------------------------------------------------------------
 *
 * keys.c
 *	  Turns the key argument of a clone call into typed parameters.
 *
 * A one-column key arrives in any type that casts to the key column (the
 * cast itself is in the generated SQL).  A composite key arrives as jsonb,
 * an object keyed by column name or an array in key order; its scalars are
 * converted here with the column type's input function, as
 * jsonb_populate_record would.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "nodes/makefuncs.h"
#include "optimizer/optimizer.h"
#include "parser/parse_coerce.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/numeric.h"

#include "keys.h"
#include "sqlgen.h"

static char *
root_name(RowclonePlan *plan)
{
	return plan->root_display_name;
}

static char *
scalar_text(RowclonePlan *plan, JsonbValue *v, int j)
{
	Oid			typid = plan->root_pk_types[j];

	switch (v->type)
	{
		case jbvNull:
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("key value for column \"%s\" of table \"%s\" is null",
							plan->root_pk_names[j], root_name(plan))));
			break;
		case jbvString:
			return pnstrdup(v->val.string.val, v->val.string.len);
		case jbvNumeric:
			return DatumGetCString(DirectFunctionCall1(numeric_out,
													   NumericGetDatum(v->val.numeric)));
		case jbvBool:
			return pstrdup(v->val.boolean ? "true" : "false");
		default:
			if (typid == JSONBOID || typid == JSONOID)
				return JsonbToCString(NULL, v->val.binary.data, v->val.binary.len);
			break;
	}
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("key value for column \"%s\" of table \"%s\" must be a scalar",
					plan->root_pk_names[j], root_name(plan))));
	return NULL;
}

static void
decode_jsonb_key(RowclonePlan *plan, Jsonb *jb, RowcloneKey *out)
{
	int			npk = plan->nkey_params;
	bool		is_object = JB_ROOT_IS_OBJECT(jb);

	if (JB_ROOT_IS_SCALAR(jb) || (!is_object && !JB_ROOT_IS_ARRAY(jb)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("jsonb key of table \"%s\" must be an object or an array",
						root_name(plan)),
				 errhint("Pass an object keyed by primary key column or an array in key order.")));

	if ((int) JB_ROOT_COUNT(jb) != npk)
	{
		if (!is_object)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg_plural("key array has %d element but the primary key of table \"%s\" has %d columns",
								   "key array has %d elements but the primary key of table \"%s\" has %d columns",
								   (int) JB_ROOT_COUNT(jb),
								   (int) JB_ROOT_COUNT(jb), root_name(plan), npk)));
		if ((int) JB_ROOT_COUNT(jb) > npk)
		{
			JsonbIterator *it = JsonbIteratorInit(&jb->root);
			JsonbValue	v;
			JsonbIteratorToken tok;

			while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
			{
				bool		known = false;

				if (tok != WJB_KEY)
					continue;
				for (int j = 0; j < npk; j++)
					if (strlen(plan->root_pk_names[j]) == v.val.string.len &&
						memcmp(plan->root_pk_names[j], v.val.string.val, v.val.string.len) == 0)
						known = true;
				if (!known)
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("key names column \"%s\", which is not in the primary key of table \"%s\"",
									pnstrdup(v.val.string.val, v.val.string.len),
									root_name(plan))));
			}
		}
	}

	out->nvalues = npk;
	for (int j = 0; j < npk; j++)
	{
		const char *name = plan->root_pk_names[j];
		JsonbValue *v;
		Oid			typinput;
		Oid			typioparam;

		if (is_object)
			v = getKeyJsonValueFromContainer(&jb->root, name, strlen(name), NULL);
		else
			v = getIthJsonbValueFromContainer(&jb->root, j);
		if (v == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("key has no value for primary key column \"%s\" of table \"%s\"",
							name, root_name(plan))));
		out->text[j] = scalar_text(plan, v, j);
		getTypeInputInfo(plan->root_pk_types[j], &typinput, &typioparam);
		out->values[j] = OidInputFunctionCall(typinput, out->text[j], typioparam, -1);
	}
}

/*
 * Can a key column of type pktype equal value, of type keytype, as SQL
 * compares them?  A fractional number never equals an integer (2.5 is not
 * rounded to 3, as a cast would).
 */
static bool
key_is_exact(Datum value, Oid keytype, Oid pktype)
{
	Datum		num;

	if ((keytype != NUMERICOID && keytype != FLOAT4OID && keytype != FLOAT8OID) ||
		(pktype != INT2OID && pktype != INT4OID && pktype != INT8OID))
		return true;
	num = keytype == NUMERICOID ? value : rowclone_cast_datum(value, keytype, NUMERICOID);
	return DatumGetBool(DirectFunctionCall2(numeric_eq, num,
											DirectFunctionCall2(numeric_trunc, num,
																Int32GetDatum(0))));
}

/*
 * Fill out with the key parameters of plan's statements.  Allocates in
 * the current memory context.
 */
void
rowclone_key_decode(RowclonePlan *plan, Datum key, RowcloneKey *out)
{
	out->matches_nothing = false;
	if (plan->key_as_jsonb && plan->result_type != JSONBOID)
		decode_jsonb_key(plan,
						 DatumGetJsonbP(DirectFunctionCall1(jsonb_in,
															CStringGetDatum(TextDatumGetCString(key)))),
						 out);
	else if (plan->key_as_jsonb)
		decode_jsonb_key(plan, DatumGetJsonbP(key), out);
	else
	{
		out->nvalues = 1;
		out->values[0] = key;
		out->text[0] = NULL;	/* made when a message needs it */
		out->output_fn = plan->key_output_fn;
		out->matches_nothing = !key_is_exact(key, plan->key_param_types[0],
											 plan->root_pk_types[0]);
	}
}

/*
 * "(a, b)=(1, 2)", as PostgreSQL prints keys: npk key columns named names,
 * column j holding value map[j] of the source key.
 */
char *
rowclone_key_describe(int npk, char **names, const int *map, RowcloneKey *key)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfoChar(&buf, '(');
	for (int j = 0; j < npk; j++)
		appendStringInfo(&buf, "%s%s", j > 0 ? ", " : "", quote_identifier(names[j]));
	appendStringInfoString(&buf, ")=(");
	for (int j = 0; j < npk; j++)
	{
		if (key->text[map[j]] == NULL)
			key->text[map[j]] = OidOutputFunctionCall(key->output_fn, key->values[map[j]]);
		appendStringInfo(&buf, "%s%s", j > 0 ? ", " : "", key->text[map[j]]);
	}
	appendStringInfoChar(&buf, ')');
	return buf.data;
}

/*
 * Cast a value as CAST(value AS to) would, in C: the cast resolved by the
 * parser's coercion rules from the catalogs, not from SQL text.
 */
Datum
rowclone_cast_datum(Datum value, Oid from, Oid to)
{
	int16		typlen;
	bool		typbyval;
	Node	   *expr;
	Const	   *result;

	if (from == to)
		return value;
	get_typlenbyval(from, &typlen, &typbyval);
	expr = (Node *) makeConst(from, -1, get_typcollation(from), typlen, value, false, typbyval);
	expr = coerce_to_target_type(NULL, expr, from, to, -1, COERCION_EXPLICIT,
								 COERCE_EXPLICIT_CAST, -1);
	if (expr == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_CANNOT_COERCE),
				 errmsg("cannot cast type %s to %s", format_type_be(from), format_type_be(to))));
	result = (Const *) evaluate_expr((Expr *) expr, to, -1, get_typcollation(to));
	return result->constvalue;
}

/* {"col": value, ...} for a key; inside SPI. */
Datum
rowclone_key_to_jsonb(int n, char **names, Oid *types, Datum *values)
{
	StringInfoData sql;
	int			rc;
	bool		isnull;
	Datum		result;

	initStringInfo(&sql);
	appendStringInfoString(&sql, RC_SQL_MARK "SELECT pg_catalog.jsonb_build_object(");
	for (int j = 0; j < n; j++)
		appendStringInfo(&sql, "%s%s, $%d", j > 0 ? ", " : "", quote_literal_cstr(names[j]), j + 1);
	appendStringInfoChar(&sql, ')');
	rc = SPI_execute_with_args(sql.data, n, types, values, NULL, true, 1);
	if (rc != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "rowclone: could not build a jsonb key");
	result = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	return SPI_datumTransfer(result, false, -1);
}

/*
 * Decode the keys array of clone_rows.  One-column keys are cast as a
 * whole array, in one coercion; composite keys are decoded one element at
 * a time, as a single key would be.  Any NULL element is an error.
 */
void
rowclone_key_list_decode(RowclonePlan *plan, ArrayType *keys, RowcloneKeyList *out)
{
	Oid			elemtype = ARR_ELEMTYPE(keys);
	int16		typlen;
	bool		typbyval;
	char		typalign;
	bool	   *nulls;
	int			npk = plan->nkey_params;

	if (array_contains_nulls(keys))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("keys cannot contain null elements"),
				 errdetail("Every element of keys must identify a row of table \"%s\".",
						   root_name(plan))));
	get_typlenbyvalalign(elemtype, &typlen, &typbyval, &typalign);
	deconstruct_array(keys, elemtype, typlen, typbyval, typalign,
					  &out->given, &nulls, &out->nkeys);
	out->matches_nothing = NULL;

	if (!plan->key_as_jsonb)
	{
		Oid			pktype = plan->root_pk_types[0];
		ArrayType  *cast;
		int			n;

		get_typlenbyvalalign(pktype, &typlen, &typbyval, &typalign);
		cast = DatumGetArrayTypeP(rowclone_cast_datum(PointerGetDatum(keys),
													  get_array_type(elemtype),
													  get_array_type(pktype)));
		deconstruct_array(cast, pktype, typlen, typbyval, typalign, &out->values[0], &nulls, &n);
		Assert(n == out->nkeys);
		/* elements no key can equal are left out of the statements' arrays */
		{
			Datum	   *exact = palloc(sizeof(Datum) * Max(n, 1));
			int			nexact = 0;

			for (int e = 0; e < n; e++)
			{
				if (key_is_exact(out->given[e], elemtype, pktype))
				{
					exact[nexact++] = out->values[0][e];
					continue;
				}
				if (out->matches_nothing == NULL)
					out->matches_nothing = palloc0(sizeof(bool) * n);
				out->matches_nothing[e] = true;
			}
			/* the key arrays of the plan's statements are one-dimensional */
			out->arrays[0] = PointerGetDatum(construct_array(exact, nexact, pktype,
															 typlen, typbyval, typalign));
		}
		return;
	}

	for (int j = 0; j < npk; j++)
		out->values[j] = palloc(sizeof(Datum) * Max(out->nkeys, 1));
	for (int e = 0; e < out->nkeys; e++)
	{
		RowcloneKey key;

		rowclone_key_decode(plan, out->given[e], &key);
		for (int j = 0; j < npk; j++)
			out->values[j][e] = key.values[j];
	}
	for (int j = 0; j < npk; j++)
	{
		get_typlenbyvalalign(plan->root_pk_types[j], &typlen, &typbyval, &typalign);
		out->arrays[j] = PointerGetDatum(construct_array(out->values[j], out->nkeys,
														 plan->root_pk_types[j],
														 typlen, typbyval, typalign));
	}
}

/* The 22003 error of rowclone_new_key_as, for value of type pktype. */
static void
new_key_does_not_fit(Datum value, Oid pktype, Oid keytype, const char *table,
					 const char *column)
{
	Oid			out;
	bool		varlena;

	getTypeOutputInfo(pktype, &out, &varlena);
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("new key %s of table \"%s\" does not fit type %s, the type the key was passed in",
					OidOutputFunctionCall(out, value), table, format_type_be(keytype)),
			 errdetail("Column \"%s\" is of type %s; the copy's key comes back in the type of the key argument.",
					   column, format_type_be(pktype)),
			 errhint("Pass the key as %s (in SQL, key::%s); the README shows how for each client.",
					 format_type_be(pktype), format_type_be(pktype))));
}

/*
 * An integer key into an integer type without the parser's cast machinery
 * (the one-row shape does this on every call): true, with *result set,
 * when both types are integers.
 */
static bool
integer_key_as(Datum value, Oid pktype, Oid keytype, Datum *result, const char *table,
			   const char *column)
{
	int64		v;
	int64		lo;
	int64		hi;

	switch (pktype)
	{
		case INT8OID:
			v = DatumGetInt64(value);
			break;
		case INT4OID:
			v = DatumGetInt32(value);
			break;
		case INT2OID:
			v = DatumGetInt16(value);
			break;
		default:
			return false;
	}
	switch (keytype)
	{
		case INT8OID:
			*result = Int64GetDatum(v);
			return true;
		case INT4OID:
			lo = PG_INT32_MIN, hi = PG_INT32_MAX;
			break;
		case INT2OID:
			lo = PG_INT16_MIN, hi = PG_INT16_MAX;
			break;
		default:
			return false;
	}
	if (v < lo || v > hi)
		new_key_does_not_fit(value, pktype, keytype, table, column);
	*result = keytype == INT4OID ? Int32GetDatum((int32) v) : Int16GetDatum((int16) v);
	return true;
}

/*
 * The new key value (of type pktype, or an array of them) in the type the
 * caller passed the key in.  A value that does not fit (psycopg 3 sends a
 * small int as smallint; JDBC setInt sends integer for bigint keys) is
 * 22003 naming the key column's type; the caller's statement fails, so
 * nothing of the copy is kept.
 */
Datum
rowclone_new_key_as(Datum value, Oid pktype, Oid keytype, const char *table,
					const char *column)
{
	MemoryContext cxt = CurrentMemoryContext;
	volatile Datum result = (Datum) 0;
	Datum		fast;

	if (pktype == keytype)
		return value;
	if (integer_key_as(value, pktype, keytype, &fast, table, column))
		return fast;
	PG_TRY();
	{
		result = rowclone_cast_datum(value, pktype, keytype);
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(cxt);
		edata = CopyErrorData();
		if (edata->sqlerrcode != ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE)
			PG_RE_THROW();
		FlushErrorState();
		if (OidIsValid(get_element_type(pktype)))
		{
			Oid			elem_pk = get_element_type(pktype);
			/* an array: the first element that does not fit */
			ArrayType  *arr = DatumGetArrayTypeP(value);
			Datum	   *elems;
			bool	   *nulls;
			int			n;
			int16		typlen;
			bool		typbyval;
			char		typalign;

			get_typlenbyvalalign(elem_pk, &typlen, &typbyval, &typalign);
			deconstruct_array(arr, elem_pk, typlen, typbyval, typalign, &elems, &nulls, &n);
			for (int e = 0; e < n; e++)
				if (!nulls[e])
					(void) rowclone_new_key_as(elems[e], elem_pk, get_element_type(keytype),
											   table, column);
			ReThrowError(edata);
		}
		new_key_does_not_fit(value, pktype, keytype, table, column);
	}
	PG_END_TRY();
	return result;
}
