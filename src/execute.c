/*-------------------------------------------------------------------------
 *
 * execute.c
 *	  Runs a clone plan through SPI: the INSERT of every step, parents
 *	  first, then the fix-ups of references between copies.
 *
 * All statements of one call run with one registered snapshot (advanced
 * command id per statement, so each sees the copies made before it), so
 * the clone reads one consistent state of the data.  An error context
 * callback names the table and key being copied.  Any error aborts the
 * caller's (sub)transaction, so a failed clone leaves nothing behind.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "executor/spi.h"
#include "utils/lsyscache.h"
#include "utils/snapmgr.h"

#include "columns.h"
#include "execute.h"

typedef struct CloneErrorState
{
	RowclonePlan *plan;
	RowcloneKey *key;
	int			step;
	const char *conname;		/* set while fixing up a reference */
} CloneErrorState;

static void
clone_error_callback(void *arg)
{
	CloneErrorState *state = (CloneErrorState *) arg;
	RowcloneStep *step = &state->plan->steps[state->step];

	if (state->conname)
		errcontext("while pointing foreign key \"%s\" of the copy of row %s of table \"%s\" at a copied row",
				   state->conname, rowclone_key_describe(step, state->key),
				   step->display_name);
	else
		errcontext("while cloning row %s of table \"%s\"",
				   rowclone_key_describe(step, state->key), step->display_name);
}

static bool
source_row_exists(RowclonePlan *plan, RowcloneStep *step, Datum *values,
				  char *nulls, Snapshot snapshot)
{
	SPIPlanPtr	check = rowclone_prepare(step->exists_sql, plan->nkey_params,
										 plan->key_param_types, 0);
	int			rc;

	rc = SPI_execute_snapshot(check, values, nulls, snapshot, InvalidSnapshot,
							  true, false, 1);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "rowclone: unexpected SPI result %s", SPI_result_code_string(rc));
	return SPI_processed > 0;
}

/*
 * A step's INSERT ... SELECT made no row.  Name the row that is missing
 * (the source row first: a parent step runs before it), or say that a
 * trigger suppressed the copy.
 */
static void
report_nothing_inserted(RowclonePlan *plan, int s, RowcloneKey *key,
						Datum *values, char *nulls, Snapshot snapshot,
						CloneErrorState *state)
{
	RowcloneStep *root = &plan->steps[plan->nsteps - 1];
	RowcloneStep *step = &plan->steps[s];
	RowcloneStep *missing = NULL;

	if (!source_row_exists(plan, root, values, nulls, snapshot))
		missing = root;
	else if (step != root && !source_row_exists(plan, step, values, nulls, snapshot))
		missing = step;

	if (missing != NULL)
	{
		state->step = missing - plan->steps;
		rowclone_row_not_found(rowclone_key_describe(missing, key), missing->display_name);
	}
	rowclone_copies_not_inserted(step->display_name, 0, 1);
}

/* Result rows of the steps' INSERTs, live until SPI_finish. */
typedef struct StepResult
{
	HeapTuple	tuple;
	TupleDesc	desc;
} StepResult;

static Datum
column_value(StepResult *r, int column, bool *isnull)
{
	return SPI_getbinval(r->tuple, r->desc, column, isnull);
}

/*
 * Run the plan for one source key.  Call inside SPI_connect; returns the
 * caller's result (the copy's key) copied out of SPI memory.
 */
Datum
rowclone_execute(RowclonePlan *plan, RowcloneKey *key, Datum overrides, bool *isnull)
{
	CloneErrorState state = {plan, key, 0, NULL};
	ErrorContextCallback errcallback;
	StepResult *results = palloc0(sizeof(StepResult) * plan->nsteps);
	Snapshot	snapshot = RegisterSnapshot(GetTransactionSnapshot());
	Datum		values[2 * INDEX_MAX_KEYS + 1];
	char		nulls[2 * INDEX_MAX_KEYS + 1];
	RowcloneStep *root = &plan->steps[plan->nsteps - 1];
	Datum		result;

	errcallback.callback = clone_error_callback;
	errcallback.arg = &state;
	errcallback.previous = error_context_stack;
	error_context_stack = &errcallback;

	if (key->matches_nothing)
		rowclone_row_not_found(rowclone_key_describe(root, key), root->display_name);
	memset(nulls, ' ', sizeof(nulls));
	memcpy(values, key->values, sizeof(Datum) * key->nvalues);
	if (plan->noverrides > 0)
		values[plan->nkey_params] = overrides;

	for (int s = 0; s < plan->nsteps; s++)
	{
		RowcloneStep *step = &plan->steps[s];
		int			n = plan->nkey_params + (plan->noverrides > 0 ? 1 : 0);
		int			rc;

		state.step = s;
		if (step->parent_step >= 0)
		{
			RowcloneStep *parent = &plan->steps[step->parent_step];

			for (int j = 0; j < parent->npk; j++)
			{
				bool		null;

				values[n] = column_value(&results[step->parent_step], j + 1, &null);
				nulls[n++] = null ? 'n' : ' ';
			}
		}

		rc = SPI_execute_snapshot(step->insert_plan, values, nulls, snapshot,
								  InvalidSnapshot, false, true, 0);
		if (rc != SPI_OK_INSERT_RETURNING)
			elog(ERROR, "rowclone: unexpected SPI result %s", SPI_result_code_string(rc));
		if (SPI_processed == 0)
			report_nothing_inserted(plan, s, key, values, nulls, snapshot, &state);
		if (SPI_processed > 1)
			elog(ERROR, "rowclone: primary key lookup in \"%s\" returned " UINT64_FORMAT " rows",
				 step->display_name, SPI_processed);
		results[s].tuple = SPI_tuptable->vals[0];
		results[s].desc = SPI_tuptable->tupdesc;
	}

	/* Point references between copies at the copies. */
	for (int s = 0; s < plan->nsteps; s++)
	{
		RowcloneStep *step = &plan->steps[s];

		state.step = s;
		for (int f = 0; f < step->nfixups; f++)
		{
			RowcloneFixup *fixup = &step->fixups[f];
			RowcloneStep *target = &plan->steps[fixup->target_step];
			bool		null;
			bool		flag = DatumGetBool(column_value(&results[s], fixup->flag_column, &null));
			int			n = 0;
			int			rc;

			if (null || !flag)
				continue;
			state.conname = fixup->conname;
			for (int j = 0; j < target->npk; j++)
			{
				values[n] = column_value(&results[fixup->target_step], j + 1, &null);
				nulls[n++] = null ? 'n' : ' ';
			}
			for (int j = 0; j < step->npk; j++)
			{
				values[n] = column_value(&results[s], j + 1, &null);
				nulls[n++] = null ? 'n' : ' ';
			}
			rc = SPI_execute_snapshot(fixup->update_plan, values, nulls, snapshot,
									  InvalidSnapshot, false, true, 0);
			if (rc != SPI_OK_UPDATE)
				elog(ERROR, "rowclone: unexpected SPI result %s", SPI_result_code_string(rc));
			if (SPI_processed != 1)
				ereport(ERROR,
						(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
						 errmsg("could not update the copy of row %s of table \"%s\"",
								rowclone_key_describe(step, key), step->display_name),
						 errdetail("The copy is not visible to UPDATE, probably because of a row-level security policy.")));
			state.conname = NULL;
		}
	}

	result = column_value(&results[plan->nsteps - 1], root->result_column, isnull);
	if (!*isnull && !plan->key_as_jsonb)
		result = rowclone_new_key_as(result, root->pk_types[0], plan->result_type,
									 root->display_name, root->pk_names[0]);
	if (!*isnull)
		result = SPI_datumTransfer(result, plan->result_typbyval, plan->result_typlen);

	UnregisterSnapshot(snapshot);
	error_context_stack = errcallback.previous;
	return result;
}
