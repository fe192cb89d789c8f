/*-------------------------------------------------------------------------
 *
 * plan.c
 *	  Plans a clone request: how the caller's key becomes statement
 *	  parameters (a scalar cast to the key column, or a jsonb object or
 *	  array for a composite key) and what the call returns, around the
 *	  graph of tables and statements that graph.c plans for every shape.
 *	  plancache.c keeps the plans.
 *
 * Every user-visible planning error (a key of the wrong type, an unknown
 * column, a key that cannot be made fresh, ...) is raised while planning,
 * before anything is written.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "parser/parse_coerce.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

#include "columns.h"
#include "graph.h"
#include "plan.h"

/*
 * How the key argument becomes parameters: a composite key (or any key
 * passed as jsonb, or as an untyped literal to a composite key) is one
 * parameter per key column, decoded by keys.c; a scalar is $1, cast to
 * the key column's type in the SQL.
 */
static void
check_key_type(RowclonePlan *plan, RowcloneRequest *req, RowcloneTable *root,
			   RowcloneKeyParams *keyp)
{
	Oid			keytype = req->keytype;
	RowcloneColumn *pkcol = rowclone_column_by_attnum(root, root->pk_attnums[0]);

	/* An untyped literal arrives as text: for a composite key, read it as jsonb. */
	plan->key_as_jsonb = (keytype == JSONBOID &&
						  !(root->npk == 1 && pkcol->typid == JSONBOID)) ||
		(keytype == TEXTOID && root->npk > 1);
	if (plan->key_as_jsonb)
	{
		plan->result_type = keytype;
		plan->nkey_params = root->npk;
		keyp->nparams = root->npk;
		for (int j = 0; j < root->npk; j++)
		{
			RowcloneColumn *col = rowclone_column_by_attnum(root, root->pk_attnums[j]);

			plan->key_param_types[j] = col->typid;
			keyp->types[j] = col->typid;
			keyp->exprs[j] = psprintf("$%d", j + 1);
			keyp->expr_types[j] = col->typid;
		}
		return;
	}

	if (root->npk > 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("table \"%s\" has a composite primary key (%s)",
						rowclone_display_name(root), rowclone_pk_column_list(root)),
				 errdetail("A key of type %s names one column.", format_type_be(keytype)),
				 errhint("Pass the key as a jsonb object keyed by column name, or as a jsonb array in key order.")));

	if (!can_coerce_type(1, &keytype, &pkcol->typid, COERCION_EXPLICIT) ||
		!can_coerce_type(1, &pkcol->typid, &keytype, COERCION_EXPLICIT))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("key of type %s does not match primary key column \"%s\" of table \"%s\"",
						format_type_be(keytype), pkcol->name, rowclone_display_name(root)),
				 errdetail("Column \"%s\" is of type %s, and there is no cast between the two types.",
						   pkcol->name, format_type_be(pkcol->typid)),
				 errhint("Pass the key as %s, or as text.", format_type_be(pkcol->typid))));

	plan->result_type = keytype;
	plan->nkey_params = 1;
	keyp->nparams = 1;
	plan->key_param_types[0] = keytype;
	keyp->types[0] = keytype;
	keyp->expr_types[0] = pkcol->typid;
	keyp->exprs[0] = keytype == pkcol->typid ? "$1" :
		psprintf("CAST($1 AS %s)", rowclone_qualified_type_name(pkcol->typid));
}

/* Facts about the result and key types that every call needs. */
static void
cache_type_facts(RowclonePlan *plan)
{
	bool		isvarlena;

	get_typlenbyvalalign(plan->result_type, &plan->result_typlen, &plan->result_typbyval,
						 &plan->result_typalign);
	if (!plan->key_as_jsonb)
		getTypeOutputInfo(plan->result_type, &plan->key_output_fn, &isvarlena);
}

/*
 * Plan req and prepare its statements (not yet kept).  The plan lives in
 * a new memory context, a child of the current one until the caller
 * adopts it; an error frees everything.  Call inside SPI_connect.
 */
RowclonePlan *
rowclone_plan_build(RowcloneRequest *req)
{
	RowcloneTable *root;
	RowcloneKeyParams keyp;
	RowcloneGraph *graph;
	MemoryContext cxt = AllocSetContextCreate(CurrentMemoryContext, "rowclone plan",
											  ALLOCSET_SMALL_SIZES);
	MemoryContext old = MemoryContextSwitchTo(cxt);
	RowclonePlan *plan = palloc0(sizeof(RowclonePlan));

	plan->cxt = cxt;
	plan->signature = pstrdup(req->signature);

	root = rowclone_table_get(req->relid);
	rowclone_check_cloneable(root);
	plan->root_display_name = pstrdup(rowclone_display_name(root));
	memset(&keyp, 0, sizeof(keyp));
	check_key_type(plan, req, root, &keyp);

	graph = rowclone_graph_build(req, &keyp, true);
	plan->graph = graph;
	plan->max_depth = req->max_depth;
	plan->root_pk_names = graph->nodes[0].pk_names;
	memcpy(plan->root_pk_types, graph->nodes[0].pk_types, sizeof(Oid) * root->npk);
	plan->noverrides = req->noverride_keys;
	plan->override_keys = palloc(sizeof(char *) * Max(req->noverride_keys, 1));
	for (int i = 0; i < req->noverride_keys; i++)
		plan->override_keys[i] = pstrdup(req->override_keys[i]);
	plan->nrelids = graph->nnodes;
	plan->relids = palloc(sizeof(Oid) * graph->nnodes);
	for (int i = 0; i < graph->nnodes; i++)
		plan->relids[i] = graph->nodes[i].relid;
	cache_type_facts(plan);

	MemoryContextSwitchTo(old);
	return plan;
}
