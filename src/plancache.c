/*-------------------------------------------------------------------------
 *
 * plancache.c
 *	  The per-backend cache of clone plans: lookup by table, key type and
 *	  option shape, keeping their prepared statements, invalidation when a
 *	  table a plan depends on changes, and a bound on how many are kept
 *	  (least recently used first out, rowclone.plan_cache_size).
 *
 * A plan that is replaced or evicted is never freed at once: a clone
 * further up the stack (a clone fired from a trigger of a clone) may be
 * running it.  Its memory context is retired (catalog.c) and deleted once
 * no clone runs in the backend.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/hashfn.h"
#include "lib/ilist.h"
#include "storage/lmgr.h"
#include "utils/guc.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"

#include "graph.h"
#include "plan.h"

/* A hash slot: the plan itself lives in its own context. */
typedef struct PlanCacheEntry
{
	RowclonePlanKey key;		/* hash key: must be first */
	RowclonePlan *plan;
	dlist_node	lru;			/* most recently used at the head */
} PlanCacheEntry;

static HTAB *plan_cache = NULL;
static MemoryContext plan_cxt = NULL;
static dlist_head plan_lru = DLIST_STATIC_INIT(plan_lru);
static int	plan_count = 0;

static int	plan_cache_size = 64;

static void
plan_cache_invalidate(Oid relid)
{
	HASH_SEQ_STATUS status;
	PlanCacheEntry *entry;

	if (plan_cache == NULL)
		return;
	hash_seq_init(&status, plan_cache);
	while ((entry = hash_seq_search(&status)) != NULL)
	{
		RowclonePlan *plan = entry->plan;

		if (!OidIsValid(relid))
			plan->valid = false;
		else
			for (int i = 0; i < plan->nrelids; i++)
				if (plan->relids[i] == relid)
					plan->valid = false;
	}
}

void
rowclone_plan_init(void)
{
	HASHCTL		ctl;

	DefineCustomIntVariable("rowclone.plan_cache_size",
							"Number of clone plans each backend keeps prepared.",
							"Plans are kept per table, key type and shape of the options; "
							"the least recently used is dropped first.",
							&plan_cache_size, 64, 1, 100000,
							PGC_USERSET, 0, NULL, NULL, NULL);
	MarkGUCPrefixReserved("rowclone");

	plan_cxt = AllocSetContextCreate(TopMemoryContext, "rowclone plans",
									 ALLOCSET_DEFAULT_SIZES);
	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(RowclonePlanKey);
	ctl.entrysize = sizeof(PlanCacheEntry);
	ctl.hcxt = plan_cxt;
	plan_cache = hash_create("rowclone plans", 64, &ctl,
							 HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	rowclone_catalog_set_invalidate_hook(plan_cache_invalidate);
}

/*
 * The SPI plans of one cached plan, freed by a reset callback when the
 * plan's memory context is deleted.
 */
typedef struct KeptPlans
{
	MemoryContextCallback cb;
	int			nplans;
	SPIPlanPtr *plans;
} KeptPlans;

static void
free_kept_plans(void *arg)
{
	KeptPlans  *kept = (KeptPlans *) arg;

	for (int i = 0; i < kept->nplans; i++)
		SPI_freeplan(kept->plans[i]);
}

static void
keep_plans(RowclonePlan *plan)
{
	KeptPlans  *kept = MemoryContextAllocZero(plan->cxt, sizeof(KeptPlans));
	int			n = 0;
	List	   *graph_plans = NIL;
	ListCell   *lc;

	MemoryContext old = MemoryContextSwitchTo(plan->cxt);

	rowclone_graph_keep(plan->graph, &graph_plans);
	MemoryContextSwitchTo(old);
	n = list_length(graph_plans);
	kept->plans = MemoryContextAlloc(plan->cxt, sizeof(SPIPlanPtr) * Max(n, 1));
	foreach(lc, graph_plans)
		kept->plans[kept->nplans++] = (SPIPlanPtr) lfirst(lc);
	kept->cb.func = free_kept_plans;
	kept->cb.arg = kept;
	MemoryContextRegisterResetCallback(plan->cxt, &kept->cb);
}

/* Drop least recently used plans (never keep) until the cache fits. */
static void
evict_plans(PlanCacheEntry *keep)
{
	while (plan_count > plan_cache_size)
	{
		PlanCacheEntry *victim = dlist_tail_element(PlanCacheEntry, lru, &plan_lru);

		if (victim == keep)
			break;
		dlist_delete(&victim->lru);
		rowclone_retire_context(victim->plan->cxt);
		hash_search(plan_cache, &victim->key, HASH_REMOVE, NULL);
		plan_count--;
	}
}

/*
 * The plan for a request: cached if still valid, else built, prepared and
 * cached.  Call inside SPI_connect, with the root table locked.  Locks
 * every other table of the plan (RowExclusiveLock, as the INSERTs will)
 * before trusting a cached plan.  The plan stays usable until no clone
 * runs in the backend, whatever happens to the cache meanwhile.
 */
RowclonePlan *
rowclone_plan_get(RowcloneRequest *req)
{
	RowclonePlanKey key;
	PlanCacheEntry *entry;
	RowclonePlan *plan;
	bool		found;

	memset(&key, 0, sizeof(key));
	key.relid = req->relid;
	key.keytype = req->keytype;
	key.signature_hash = string_hash(req->signature, strlen(req->signature) + 1);

	entry = hash_search(plan_cache, &key, HASH_FIND, NULL);
	if (entry != NULL && entry->plan->valid &&
		strcmp(entry->plan->signature, req->signature) == 0)
	{
		plan = entry->plan;
		for (int i = 1; i < plan->nrelids; i++)
			LockRelationOid(plan->relids[i], RowExclusiveLock);
		if (plan->valid)
		{
			dlist_move_head(&plan_lru, &entry->lru);
			return plan;
		}
	}

	plan = rowclone_plan_build(req);
	plan->key = key;
	for (int i = 1; i < plan->nrelids; i++)
		LockRelationOid(plan->relids[i], RowExclusiveLock);

	MemoryContextSetParent(plan->cxt, plan_cxt);
	keep_plans(plan);
	plan->valid = true;

	entry = hash_search(plan_cache, &key, HASH_ENTER, &found);
	if (found)
	{
		rowclone_retire_context(entry->plan->cxt);
		dlist_delete(&entry->lru);
	}
	else
		plan_count++;
	entry->plan = plan;
	dlist_push_head(&plan_lru, &entry->lru);
	evict_plans(entry);
	return plan;
}
