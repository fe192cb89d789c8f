/*-------------------------------------------------------------------------
 *
 * graph.c
 *	  Plans every clone (clone_row, clone_rows, clone_graph, clone_plan):
 *	  finds the tables whose rows the clone copies, the foreign keys it
 *	  follows down and those it does not (and why), decides how each copy's
 *	  primary key is made and which foreign keys are rewritten to point at
 *	  copies, orders the INSERTs so references exist before they are
 *	  checked (breaking cycles with UPDATE fix-ups), and builds and
 *	  prepares the statements of the shape the clone runs in (graph.h):
 *	  one-row or set.  The two shapes differ only in where an INSERT's rows
 *	  and keys come from; every column's value follows columns.c in both.
 *
 * Every planning error is raised here, before anything is read or written.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/relation.h"
#include "catalog/pg_attribute.h"
#include "catalog/pg_class.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_type.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "access/sysattr.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/optimizer.h"
#include "rewrite/rewriteHandler.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

#include "citus.h"
#include "columns.h"
#include "graph.h"
#include "rules.h"
#include "sqlgen.h"

typedef struct FetchCol
{
	AttrNumber	attnum;
	Oid			cast_to;		/* InvalidOid: the column's own type */
} FetchCol;

typedef struct GraphBuild
{
	RowcloneRequest *req;
	RowcloneKeyParams *keyp;	/* NULL when only describing */
	RowcloneGraph *g;
	int			nnodes;
	int			maxnodes;		/* allocated length of the three below */
	RowcloneTable **tables;
	RowcloneNode *nodes;
	FetchCol  **fetch;			/* per node: its fetched columns */
	int		   *maxfetch;		/* per node: allocated length of fetch */
	List	   *edges;			/* RowcloneEdge * */
	List	   *edge_fks;		/* RowcloneForeignKey *, parallel to edges */
	RowcloneForeignKey **edge_fk_array;	/* the same, by edge index */
	RowcloneOption *overrides;
	RowcloneOption *resets;
	bool		describe_only;	/* clone_plan: report problems, raise nothing */
	bool		tenant_kept;	/* no copy of a Citus hash-distributed table
								 * changes its distribution column */
} GraphBuild;

static bool override_is_source_only(GraphBuild *b, int slot);
static int	remap_of_column(RowcloneNode *node, AttrNumber attnum);

static int
node_index(GraphBuild *b, Oid relid)
{
	for (int i = 0; i < b->nnodes; i++)
		if (b->tables[i]->relid == relid)
			return i;
	return -1;
}

static int
add_node(GraphBuild *b, RowcloneTable *table, int depth, char *reached_by)
{
	int			i = b->nnodes;
	RowcloneNode *node;

	if (i >= b->maxnodes)
	{
		int			n = Max(16, b->maxnodes * 2);

		b->tables = b->tables ? repalloc(b->tables, sizeof(RowcloneTable *) * n) :
			palloc(sizeof(RowcloneTable *) * n);
		b->nodes = b->nodes ? repalloc(b->nodes, sizeof(RowcloneNode) * n) :
			palloc(sizeof(RowcloneNode) * n);
		b->fetch = b->fetch ? repalloc(b->fetch, sizeof(FetchCol *) * n) :
			palloc(sizeof(FetchCol *) * n);
		b->maxfetch = b->maxfetch ? repalloc(b->maxfetch, sizeof(int) * n) :
			palloc(sizeof(int) * n);
		b->maxnodes = n;
	}
	node = &b->nodes[i];
	/* tables reached through foreign keys are tables; only the source needs a key */
	if (i == 0)
		rowclone_check_cloneable(table);
	else
		rowclone_check_user_table(table);
	b->tables[i] = table;
	b->nnodes++;
	memset(node, 0, sizeof(*node));
	node->relid = table->relid;
	node->display_name = pstrdup(rowclone_display_name(table));
	node->depth = depth;
	node->reached_by = reached_by;
	node->isa_parent = -1;
	node->npk = table->npk;
	b->maxfetch[i] = table->npk + 8;
	b->fetch[i] = palloc(sizeof(FetchCol) * b->maxfetch[i]);
	node->fetch_types = palloc(sizeof(Oid) * b->maxfetch[i]);
	for (int j = 0; j < table->npk; j++)
	{
		RowcloneColumn *col = rowclone_column_by_attnum(table, table->pk_attnums[j]);

		node->pk_names[j] = pstrdup(col->name);
		node->pk_attnums[j] = col->attnum;
		node->pk_types[j] = col->typid;
		node->pk_collations[j] = get_typcollation(col->typid);
		b->fetch[i][j].attnum = col->attnum;
		b->fetch[i][j].cast_to = InvalidOid;
		node->fetch_types[j] = col->typid;
	}
	node->nfetch = table->npk;
	return i;
}

/* Index of a fetched column of node i (added if new). */
static int
fetch_col(GraphBuild *b, int i, AttrNumber attnum, Oid cast_to)
{
	RowcloneNode *node = &b->nodes[i];
	RowcloneColumn *col = rowclone_column_by_attnum(b->tables[i], attnum);

	if (cast_to == col->typid)
		cast_to = InvalidOid;
	for (int c = 0; c < node->nfetch; c++)
		if (b->fetch[i][c].attnum == attnum && b->fetch[i][c].cast_to == cast_to)
			return c;
	if (node->nfetch >= b->maxfetch[i])
	{
		b->maxfetch[i] *= 2;
		b->fetch[i] = repalloc(b->fetch[i], sizeof(FetchCol) * b->maxfetch[i]);
		node->fetch_types = repalloc(node->fetch_types, sizeof(Oid) * b->maxfetch[i]);
	}
	b->fetch[i][node->nfetch].attnum = attnum;
	b->fetch[i][node->nfetch].cast_to = cast_to;
	node->fetch_types[node->nfetch] = OidIsValid(cast_to) ? cast_to : col->typid;
	return node->nfetch++;
}

static bool
in_skip(GraphBuild *b, Oid relid)
{
	for (int i = 0; i < b->req->nskip; i++)
		if (b->req->skip[i] == relid)
			return true;
	return false;
}

static const char *
deltype_text(char confdeltype)
{
	return confdeltype == FKCONSTR_ACTION_SETNULL ? "ON DELETE SET NULL" : "ON DELETE SET DEFAULT";
}

/*
 * The unvisited node of smallest depth (the first such), or -1.  Children
 * are one level deeper than their parent table, is-a parents at the same
 * depth as their child, so visiting in this order fixes each table's
 * depth before its foreign keys are looked at.
 */
static int
next_to_visit(GraphBuild *b, bool **visited_p, int *nvisited)
{
	bool	   *visited;
	int			best = -1;

	/* *visited_p covers every node added so far */
	if (*nvisited < b->maxnodes)
	{
		*visited_p = *visited_p ? repalloc(*visited_p, sizeof(bool) * b->maxnodes) :
			palloc(sizeof(bool) * b->maxnodes);
		memset(*visited_p + *nvisited, 0, sizeof(bool) * (b->maxnodes - *nvisited));
		*nvisited = b->maxnodes;
	}
	visited = *visited_p;

	for (int i = 0; i < b->nnodes; i++)
		if (!visited[i] && (best < 0 || b->nodes[i].depth < b->nodes[best].depth))
			best = i;
	return best;
}

/*
 * Discover the tables: the source, its is-a parents (always), and with
 * cascade the tables whose foreign keys reference a copied table.  A
 * table's depth is the smallest it is reached at, along foreign keys
 * (one level each) and is-a links (none): an is-a parent reached deeper
 * first is raised to its child's depth.
 */
static void
discover(GraphBuild *b, RowcloneTable *root)
{
	RowcloneRequest *req = b->req;
	bool	   *visited = NULL;
	int			nvisited = 0;
	int			i;

	add_node(b, root, 0, "source table");
	while ((i = next_to_visit(b, &visited, &nvisited)) >= 0)
	{
		RowcloneTable *table = b->tables[i];
		RowcloneTable *parent;
		RowcloneForeignKey *link;

		CHECK_FOR_INTERRUPTS();
		visited[i] = true;
		link = rowclone_find_parent_link(table, &parent);
		if (link != NULL)
		{
			int			p = node_index(b, parent->relid);
			char	   *how = psprintf("is-a parent of \"%s\" (%s)",
									   b->nodes[i].display_name, link->conname);

			if (p < 0)
				p = add_node(b, parent, b->nodes[i].depth, how);
			else if (b->nodes[p].depth > b->nodes[i].depth)
			{
				/* not visited yet: every visited node is at most this deep */
				Assert(!visited[p]);
				b->nodes[p].depth = b->nodes[i].depth;
				b->nodes[p].reached_by = how;
			}
			b->nodes[i].isa_parent = p;
		}
		if (!req->cascade)
			continue;

		rowclone_table_load_references(table);
		for (int r = 0; r < table->nrefs && table->npk == 0; r++)
		{
			RowcloneTable *child;
			RowcloneForeignKey *fk = rowclone_referencing_fkey(table, r, &child);

			/* rows of a table without a primary key are not tracked one by one */
			if (fk != NULL)
				b->nodes[i].not_followed =
					lappend(b->nodes[i].not_followed,
							psprintf("%s from %s: \"%s\" has no primary key", fk->conname,
									 rowclone_display_name(child), b->nodes[i].display_name));
		}
		for (int r = 0; r < table->nrefs && table->npk > 0; r++)
		{
			RowcloneTable *child;
			RowcloneForeignKey *fk = rowclone_referencing_fkey(table, r, &child);
			char	   *why = NULL;
			int			c;
			RowcloneEdge *edge;

			if (fk == NULL)
				continue;		/* concurrently dropped: the cache will know */
			if (fk->declared == RC_DECLARED_REFERENCE)
				why = "declared a reference (clone_set_reference)";
			else if (fk->declared != RC_DECLARED_OWNERSHIP &&
					 (fk->confdeltype == FKCONSTR_ACTION_SETNULL ||
					  fk->confdeltype == FKCONSTR_ACTION_SETDEFAULT))
				why = psprintf("%s: a reference, not ownership", deltype_text(fk->confdeltype));
			else if (in_skip(b, child->relid))
				why = "table in skip";
			else if (req->max_depth >= 0 && b->nodes[i].depth + 1 > req->max_depth)
				why = psprintf("beyond max_depth %d", req->max_depth);
			if (why != NULL)
			{
				b->nodes[i].not_followed =
					lappend(b->nodes[i].not_followed,
							psprintf("%s from %s: %s", fk->conname,
									 rowclone_display_name(child), why));
				continue;
			}
			c = node_index(b, child->relid);
			if (c < 0)
				c = add_node(b, child, b->nodes[i].depth + 1,
							 psprintf("%s to \"%s\"", fk->conname, b->nodes[i].display_name));
			edge = palloc0(sizeof(RowcloneEdge));
			edge->child = c;
			edge->parent = i;
			edge->conname = pstrdup(fk->conname);
			edge->nkeys = fk->nkeys;
			b->edges = lappend(b->edges, edge);
			b->edge_fks = lappend(b->edge_fks, fk);
		}
	}
}

static int
override_slot_of(GraphBuild *b, RowcloneColumn *col)
{
	return rowclone_option_slot(b->req, b->overrides, col);
}

static bool
is_reset(GraphBuild *b, RowcloneColumn *col)
{
	return rowclone_option_is_reset(b->req, b->resets, col);
}

/*
 * How a copy's key is made, for clone_plan: per key column, "identity",
 * "default", "uuid" (rule 4), "is-a parent", "remapped", "override" or
 * "copied" (a part of a composite key), once each, in key order.
 */
static char *
key_source_text(RowcloneNode *node, RowcloneTable *table)
{
	StringInfoData buf;

	initStringInfo(&buf);
	for (int j = 0; j < node->npk; j++)
	{
		RowcloneColumn *col = rowclone_column_by_attnum(table, node->pk_attnums[j]);
		const char *how = "copied";

		switch (node->key_source[j])
		{
			case RC_KEY_DEFAULT:
				how = col->value_rule ? "rule" : col->identity ? "identity" :
					col->has_default ? "default" : "uuid";
				break;
			case RC_KEY_MAP:
				how = node->remaps[node->key_remap[j]].is_parent_link ? "is-a parent" : "remapped";
				break;
			case RC_KEY_OVERRIDE:
				how = "override";
				break;
			case RC_KEY_COPY:
				break;
		}
		if (strstr(buf.data, how) == NULL)
			appendStringInfo(&buf, "%s%s", buf.len > 0 ? ", " : "", how);
	}
	return buf.data;
}

/*
 * The foreign keys of node i into copied tables that copies rewrite, and
 * where its key columns get their values.  Raises the "no fresh key"
 * error.
 */
static void
plan_keys_and_remaps(GraphBuild *b, int i)
{
	RowcloneTable *table = b->tables[i];
	RowcloneNode *node = &b->nodes[i];
	RowcloneForeignKey *link = NULL;
	List	   *remaps = NIL;
	bool		fresh = false;
	ListCell   *lc;

	if (node->isa_parent >= 0)
	{
		RowcloneTable *parent;

		link = rowclone_find_parent_link(table, &parent);
	}

	for (int f = 0; f < table->nfkeys; f++)
	{
		RowcloneForeignKey *fk = &table->fkeys[f];
		int			t = node_index(b, fk->confrelid);
		RowcloneRemap *remap;
		bool		plain = true;

		if (t < 0)
			continue;
		remap = palloc0(sizeof(RowcloneRemap));
		if (rowclone_fk_primary_key_positions(fk, b->tables[t], remap->target_pos))
		{
			remap->nmap = b->nodes[t].npk;
			memcpy(remap->map_types, b->nodes[t].pk_types, sizeof(Oid) * remap->nmap);
		}
		else
		{
			/* a unique key other than the primary key */
			remap->via_unique = true;
			remap->nmap = fk->nkeys;
			for (int k = 0; k < fk->nkeys; k++)
			{
				remap->target_pos[k] = k;
				remap->map_types[k] =
					rowclone_column_by_attnum(b->tables[t], fk->confkey[k])->typid;
			}
		}
		for (int k = 0; k < fk->nkeys; k++)
		{
			RowcloneColumn *col = rowclone_column_by_attnum(table, fk->conkey[k]);

			/*
			 * overrides and reset beat remapping; an override of the source
			 * rows' copies only leaves the other copies remapped
			 */
			if (col->generated || is_reset(b, col) ||
				(override_slot_of(b, col) >= 0 &&
				 !override_is_source_only(b, override_slot_of(b, col))))
				plain = false;
		}
		if (!plain)
			continue;
		remap->target = t;
		remap->conname = pstrdup(fk->conname);
		remap->nkeys = fk->nkeys;
		remap->is_parent_link = (fk == link);
		for (int k = 0; k < fk->nkeys; k++)
		{
			RowcloneColumn *col = rowclone_column_by_attnum(table, fk->conkey[k]);

			remap->conkey[k] = fk->conkey[k];
			if (col->pk_position >= 0)
				remap->pk_part = true;
		}
		if (remap->pk_part && remap->via_unique)
			continue;			/* keys are made before the unique values exist */
		if (remap->pk_part)
			for (int k = 0; k < fk->nkeys; k++)
				remap->fetch_col[k] = fetch_col(b, i, fk->conkey[k],
												b->nodes[t].pk_types[remap->target_pos[k]]);
		/* a table's own unique values exist only once its copies do */
		if (remap->via_unique && t == i)
			remap->deferred = true;
		remaps = lappend(remaps, remap);
	}
	node->nremaps = list_length(remaps);
	node->remaps = palloc0(sizeof(RowcloneRemap) * Max(node->nremaps, 1));
	foreach(lc, remaps)
		node->remaps[foreach_current_index(lc)] = *(RowcloneRemap *) lfirst(lc);

	for (int j = 0; j < table->npk; j++)
	{
		RowcloneColumn *col = rowclone_column_by_attnum(table, table->pk_attnums[j]);
		int			slot = override_slot_of(b, col);
		int			by_remap = -1;

		/* the is-a link first, then any other key into a copied table */
		for (int r = 0; r < node->nremaps && by_remap < 0; r++)
			if (node->remaps[r].is_parent_link)
				for (int k = 0; k < node->remaps[r].nkeys; k++)
					if (node->remaps[r].conkey[k] == col->attnum)
						by_remap = r;
		/*
		 * then a key into another copied table: a self-reference cannot
		 * make the key (a row without a parent in the set keeps the
		 * source's value, and a tenant column would stay where it was)
		 */
		for (int pass = 0; pass < 2; pass++)
			for (int r = 0; r < node->nremaps && by_remap < 0; r++)
				if (pass == 1 || node->remaps[r].target != i)
					for (int k = 0; k < node->remaps[r].nkeys; k++)
						if (node->remaps[r].conkey[k] == col->attnum)
							by_remap = r;

		switch (rowclone_value_rule(table, col, slot >= 0, is_reset(b, col), by_remap >= 0))
		{
			case RC_RULE_OVERRIDE:
				if (override_is_source_only(b, slot))
					ereport(ERROR,
							(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
							 errmsg("cannot override key column \"%s\" of table \"%s\" on the copies of the source rows only",
									col->name, node->display_name),
							 errdetail("The cascade also copies other rows of table \"%s\", whose copies need fresh keys of their own.",
									   node->display_name),
							 errhint("Leave the key to its default, or clone without cascade.")));
				node->key_source[j] = RC_KEY_OVERRIDE;
				node->key_slot[j] = slot;
				break;
			case RC_RULE_REFERENCE:
				node->key_source[j] = RC_KEY_MAP;
				node->key_remap[j] = by_remap;
				break;
			case RC_RULE_VALUE:
				{
					/* made in C over the source row: fetch what it reads */
					Bitmapset  *attrs = NULL;
					int			x = -1;

					node->key_source[j] = RC_KEY_DEFAULT;
					node->key_default[j] = col->value_rule;
					pull_varattnos((Node *) col->value_rule, 1, &attrs);
					while ((x = bms_next_member(attrs, x)) >= 0)
					{
						AttrNumber	attno = x + FirstLowInvalidHeapAttributeNumber;

						node->value_attnums = lappend_int(node->value_attnums, attno);
						node->value_fetch = lappend_int(node->value_fetch,
														fetch_col(b, i, attno, InvalidOid));
					}
					break;
				}
			case RC_RULE_FRESH:
				if (table->citus_partmethod != RC_CITUS_LOCAL && col->has_default)
					rowclone_citus_check_worker_key(node->display_name, col->name, col->typid);
				node->key_source[j] = RC_KEY_DEFAULT;
				break;
			case RC_RULE_RESET:
			case RC_RULE_UUID:
				node->key_source[j] = RC_KEY_DEFAULT;
				break;
			case RC_RULE_GENERATED:
			case RC_RULE_COPY:
				node->key_source[j] = RC_KEY_COPY;
				break;
		}
		if (node->key_default[j] != NULL)
			;					/* a value rule */
		else if (node->key_source[j] == RC_KEY_DEFAULT && !col->has_default && !col->identity)
			node->key_default[j] = rowclone_fresh_uuid_expr();
		else if (node->key_source[j] == RC_KEY_DEFAULT)
		{
			Relation	rel = relation_open(table->relid, NoLock);

			node->key_default[j] = (Expr *) build_column_default(rel, col->attnum);
			relation_close(rel, NoLock);
			if (node->key_default[j] == NULL)
				elog(ERROR, "rowclone: no default for column \"%s\"", col->name);
		}
		if (node->key_source[j] != RC_KEY_COPY)
			fresh = true;
	}
	node->fresh_by_reference = fresh;
	for (int j = 0; j < table->npk; j++)
		if (node->key_source[j] != RC_KEY_COPY && node->key_source[j] != RC_KEY_MAP)
			node->fresh_by_reference = false;

	if (table->npk == 0)
		return;
	node->key_source_text = key_source_text(node, table);
	if (!fresh)
		node->problem = rowclone_no_fresh_key(table, i == 0 ? NULL : node->reached_by,
											  b->describe_only);
}

/*
 * Order the INSERTs so that every referenced copy exists before the rows
 * referencing it.  Where tables reference each other in a cycle, a
 * reference that is not part of a primary key is written as it was and set
 * by UPDATE after all INSERTs (deferred); keys cannot wait.
 */
static void
order_inserts(GraphBuild *b)
{
	int			n = b->nnodes;
	bool	   *done = palloc0(sizeof(bool) * n);
	int			ndone = 0;

	b->g->order = palloc(sizeof(int) * n);
	while (ndone < n)
	{
		int			pick = -1;

		for (int i = 0; i < n && pick < 0; i++)
		{
			bool		ready = !done[i];

			for (int r = 0; ready && r < b->nodes[i].nremaps; r++)
			{
				RowcloneRemap *remap = &b->nodes[i].remaps[r];

				if (!remap->deferred && remap->target != i && !done[remap->target])
					ready = false;
			}
			if (ready)
				pick = i;
		}
		if (pick < 0)
		{
			/* a cycle: defer the non-key references of the first table that allows it */
			for (int i = 0; i < n && pick < 0; i++)
			{
				bool		can = !done[i];

				for (int r = 0; can && r < b->nodes[i].nremaps; r++)
				{
					RowcloneRemap *remap = &b->nodes[i].remaps[r];

					if (remap->target != i && !done[remap->target] &&
						(remap->pk_part || b->nodes[i].npk == 0))
						can = false;
				}
				if (!can)
					continue;
				for (int r = 0; r < b->nodes[i].nremaps; r++)
				{
					RowcloneRemap *remap = &b->nodes[i].remaps[r];

					if (remap->target != i && !done[remap->target])
						remap->deferred = true;
				}
				pick = i;
			}
		}
		if (pick < 0)
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("cannot order the copies of \"%s\": primary keys of its tables reference each other in a cycle",
							b->nodes[0].display_name),
					 errhint("Skip one of the tables in the cycle.")));
		done[pick] = true;
		b->g->order[ndone++] = pick;
	}
}

/* {"prefix0", "prefix1", ...} */
static char **
numbered_refs(const char *prefix, int n)
{
	char	  **refs = palloc(sizeof(char *) * Max(n, 1));

	for (int k = 0; k < n; k++)
		refs[k] = psprintf("%s%d", prefix, k);
	return refs;
}

/*
 * Does a row reached along edge have a key column that references the
 * copied row it was reached from?  Then its key is fresh.
 */
static bool
edge_remaps_key(RowcloneNode *node, RowcloneEdge *edge)
{
	for (int j = 0; j < node->npk; j++)
		if (node->key_source[j] == RC_KEY_MAP &&
			node->remaps[node->key_remap[j]].target == edge->parent &&
			strcmp(node->remaps[node->key_remap[j]].conname, edge->conname) == 0)
			return true;
	return false;
}

/*
 * Which tables need not have their rows fetched one by one: those without
 * a primary key, and, unless the caller lists every copy, leaves whose
 * copies' keys nothing needs (no children, no references to them, no is-a
 * link, nothing deferred).  Their INSERT finds its own rows through the
 * keys it is reached by, in one pass, as a hand-written copy would.
 */
static void
mark_untracked(GraphBuild *b)
{
	for (int i = 1; i < b->nnodes && !b->g->one_row; i++)
	{
		RowcloneNode *node = &b->nodes[i];
		bool		leaf = !b->req->need_rows && node->isa_parent < 0;
		ListCell   *lc;

		foreach(lc, b->edges)
		{
			RowcloneEdge *edge = (RowcloneEdge *) lfirst(lc);

			if (edge->parent == i)
				leaf = false;
			/* keys made fresh only by references are checked row by row */
			if (edge->child == i && node->fresh_by_reference && !edge_remaps_key(node, edge))
				leaf = false;
		}
		for (int n = 0; n < b->nnodes; n++)
		{
			if (b->nodes[n].isa_parent == i)
				leaf = false;
			for (int r = 0; r < b->nodes[n].nremaps; r++)
				if (b->nodes[n].remaps[r].target == i)
					leaf = false;	/* some copy needs our copies' keys */
		}
		for (int r = 0; r < node->nremaps; r++)
			if (node->remaps[r].deferred)
				leaf = false;	/* fixed up by key afterwards */
		/* on Citus, keys made in C: an INSERT that draws them is not pushed down */
		if (b->tables[i]->citus_partmethod != RC_CITUS_LOCAL)
			leaf = false;
		node->untracked = node->npk == 0 || leaf;
	}
}

static char *
fetch_expr(GraphBuild *b, int i, int c)
{
	RowcloneColumn *col = rowclone_column_by_attnum(b->tables[i], b->fetch[i][c].attnum);
	char	   *ref = psprintf("s.%s", quote_identifier(col->name));

	if (OidIsValid(b->fetch[i][c].cast_to))
		return psprintf("CAST(%s AS %s)", ref, rowclone_qualified_type_name(b->fetch[i][c].cast_to));
	return ref;
}

static char *
fetch_list(GraphBuild *b, int i)
{
	StringInfoData buf;

	initStringInfo(&buf);
	for (int c = 0; c < b->nodes[i].nfetch; c++)
		appendStringInfo(&buf, "%s%s", c > 0 ? ", " : "", fetch_expr(b, i, c));
	return buf.data;
}

/*
 * ROWS FROM (pg_catalog.unnest($first::t0[]), ...) AS alias(prefix0, ...):
 * the multi-argument unnest(a, b) shorthand only exists unqualified.  With
 * copy_column, one more int4 array, column "c", follows, and with
 * source_column a bool array, column "src".
 */
static void
append_unnest_columns(StringInfo buf, int first, int n, Oid *types, const char *alias,
					  const char **prefixes, int nprefixes, bool copy_column,
					  bool source_column)
{
	int			p = first;

	appendStringInfoString(buf, "ROWS FROM (");
	for (int g = 0; g < nprefixes; g++)
		for (int k = 0; k < n; k++)
		{
			appendStringInfo(buf, "%spg_catalog.unnest($%d::%s)", p > first ? ", " : "", p,
							 rowclone_qualified_type_name(get_array_type(types[k])));
			p++;
		}
	if (copy_column)
		appendStringInfo(buf, ", pg_catalog.unnest($%d::pg_catalog.int4[])", p++);
	if (source_column)
		appendStringInfo(buf, ", pg_catalog.unnest($%d::pg_catalog.bool[])", p++);
	appendStringInfo(buf, ") AS %s(", alias);
	for (int g = 0; g < nprefixes; g++)
		for (int k = 0; k < n; k++)
			appendStringInfo(buf, "%s%s%d", g + k > 0 ? ", " : "", prefixes[g], k);
	if (copy_column)
		appendStringInfoString(buf, ", c");
	if (source_column)
		appendStringInfoString(buf, ", src");
	appendStringInfoChar(buf, ')');
}

static void
append_unnest(StringInfo buf, int first, int n, Oid *types, const char *alias,
			  const char **prefixes, int nprefixes)
{
	append_unnest_columns(buf, first, n, types, alias, prefixes, nprefixes, false, false);
}

/*
 * A key map, $first on: alias(o0, ..., n0, ..., c), the old key, the new key
 * and the copy number of each copy (KEYMAP_NARGS(n) parameters).  Copy c of
 * a row references copy c of its target: joins match c as well as the key.
 */
static void
append_keymap(StringInfo buf, int first, int n, Oid *types, const char *alias)
{
	const char *prefixes[] = {"o", "n"};

	append_unnest_columns(buf, first, n, types, alias, prefixes, 2, true, false);
}

/*
 * Does a cascade reach rows of the source table other than the source
 * rows (a tree, a cycle back to it)?  Then an unqualified override, which
 * sets the source rows' copies only, needs to tell them apart.
 */
static bool
source_table_reached_again(GraphBuild *b)
{
	ListCell   *lc;

	foreach(lc, b->edges)
		if (((RowcloneEdge *) lfirst(lc))->child == 0)
			return true;
	return false;
}

/* Does the override in slot set the source rows' copies only, among others? */
static bool
override_is_source_only(GraphBuild *b, int slot)
{
	return slot >= 0 && b->overrides[slot].table == 0 && b->overrides[slot].unqualified &&
		source_table_reached_again(b);
}

/* Argument types of a key map of n columns of types, at args. */
static void
keymap_arg_types(Oid *args, int n, Oid *types)
{
	for (int g = 0; g < 2; g++)
		for (int k = 0; k < n; k++)
			args[g * n + k] = get_array_type(types[k]);
	args[2 * n] = INT4ARRAYOID;
}

static void
check_array_types(RowcloneNode *node, int n, Oid *types)
{
	for (int k = 0; k < n; k++)
		if (!OidIsValid(get_array_type(types[k])))
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("cannot cascade through table \"%s\": type %s has no array type",
							node->display_name, format_type_be(types[k]))));
}

/* Sizes of the key arrays vary per call: plan each execution for them. */
static SPIPlanPtr
prepare_custom(const char *sql, int nargs, Oid *argtypes)
{
	return rowclone_prepare(sql, nargs, argtypes, CURSOR_OPT_CUSTOM_PLAN);
}

static Oid *
array_arg_types(int n, Oid *types, int groups)
{
	Oid		   *args = palloc(sizeof(Oid) * Max(n * groups, 1));

	for (int g = 0; g < groups; g++)
		for (int k = 0; k < n; k++)
			args[g * n + k] = get_array_type(types[k]);
	return args;
}

/*
 * " AND s.when_column = when_value": a link that only some rows of table s
 * have (clone_add_link), wherever its rows are matched to their targets
 */
static void
append_link_condition(StringInfo buf, RowcloneTable *table, RowcloneForeignKey *fk)
{
	char	   *cond = rowclone_link_condition_sql(table, fk, "s");

	if (cond != NULL)
		appendStringInfo(buf, " AND %s", cond);
}

/* referenced[0] = s.fk0 AND ...: the rows s of fk's table that reference those values */
static void
append_fk_match(StringInfo buf, RowcloneTable *child, RowcloneForeignKey *fk,
				char **referenced, Oid *types)
{
	for (int k = 0; k < fk->nkeys; k++)
	{
		RowcloneColumn *col = rowclone_column_by_attnum(child, fk->conkey[k]);

		if (k > 0)
			appendStringInfoString(buf, " AND ");
		/* conpfeqop: referenced (left) = referencing (right) */
		generate_operator_clause(buf, referenced[k], types[k], fk->pf_eq_oprs[k],
								 psprintf("s.%s", quote_identifier(col->name)), col->typid);
	}
	append_link_condition(buf, child, fk);
}

/*
 * " AND <the table's filter rule over s>": rows a cascade reaches through
 * foreign keys (never the rows a call names, nor is-a parents a copy needs)
 */
static void
append_filter(StringInfo buf, RowcloneTable *table)
{
	char	   *filter = rowclone_filter_sql(table);

	if (filter != NULL)
		appendStringInfo(buf, " AND %s", filter);
}

/*
 * On a Citus hash-distributed table, a statement whose rows are matched
 * against arrays of values ($1.. for attnums) that include the
 * distribution column also says "s.<column> = ANY($param)", $param being
 * the distinct values of that array (execute.c's tenant_values): implied by
 * the match, but a condition Citus prunes shards by, so a clone inside one
 * tenant runs each statement on that tenant's shard alone (and Citus need
 * not hash every element of a large array to find that out).  Returns the
 * number of the array parameter $param is made of, or 0 (no filter).
 */
static int
append_tenant_filter(StringInfo buf, RowcloneTable *table, const AttrNumber *attnums, int n,
					 int param)
{
	if (table->citus_distcol == InvalidAttrNumber)
		return 0;
	for (int k = 0; k < n; k++)
		if (attnums[k] == table->citus_distcol)
		{
			appendStringInfo(buf, " AND s.%s OPERATOR(pg_catalog.=) ANY ($%d)",
							 quote_identifier(rowclone_column_by_attnum(table, attnums[k])->name),
							 param);
			return 1 + k;
		}
	return 0;
}

/* Argument types with room for a tenant parameter after n of them. */
static Oid *
with_tenant_arg(Oid *args, int n, int from)
{
	Oid		   *all = palloc(sizeof(Oid) * (n + 1));

	memcpy(all, args, sizeof(Oid) * n);
	if (from > 0)
		all[n] = args[from - 1];
	return all;
}

/*
 * Does every copy keep its source row's tenant: no Citus hash-distributed
 * table of the clone gets a value for its distribution column other than
 * the source's or (a reference) the referenced copy's?  Then the copies'
 * distribution columns are written as the source rows' (s.<column>), which
 * is what lets Citus run an INSERT ... SELECT on the shard it reads.
 */
static bool
tenant_kept(GraphBuild *b)
{
	for (int i = 0; i < b->nnodes; i++)
	{
		RowcloneTable *table = b->tables[i];
		RowcloneColumn *col;
		RowcloneValueRule rule;

		if (table->citus_distcol == InvalidAttrNumber)
			continue;
		col = rowclone_column_by_attnum(table, table->citus_distcol);
		if (col->pk_position >= 0)
		{
			RowcloneKeySource src = b->nodes[i].key_source[col->pk_position];

			if (src != RC_KEY_COPY && src != RC_KEY_MAP)
				return false;
			continue;
		}
		rule = rowclone_value_rule(table, col, override_slot_of(b, col) >= 0, is_reset(b, col),
								   remap_of_column(&b->nodes[i], col->attnum) >= 0);
		if (rule != RC_RULE_COPY && rule != RC_RULE_REFERENCE)
			return false;
	}
	return true;
}

/* Is col the distribution column of its table, which every copy keeps? */
static bool
is_kept_tenant_column(GraphBuild *b, RowcloneTable *table, RowcloneColumn *col)
{
	return b->tenant_kept && table->citus_distcol != InvalidAttrNumber &&
		col->attnum == table->citus_distcol;
}

/* SELECT fetched columns FROM unnest(keys) JOIN ONLY t s ON s.pk = k */
static void
prepare_seed(GraphBuild *b, int i)
{
	RowcloneTable *table = b->tables[i];
	RowcloneNode *node = &b->nodes[i];
	StringInfoData sql;
	const char *prefix[] = {"k"};

	initStringInfo(&sql);
	appendStringInfo(&sql, "SELECT %s FROM ", fetch_list(b, i));
	append_unnest(&sql, 1, node->npk, node->pk_types, "f", prefix, 1);
	appendStringInfo(&sql, " JOIN %s%s AS s ON ", rowclone_only(table), table->sql_name);
	rowclone_sql_key_match(&sql, table, "s", numbered_refs("f.k", node->npk), node->pk_types);
	node->seed_tenant_from = append_tenant_filter(&sql, table, node->pk_attnums, node->npk,
												  node->npk + 1);
	node->seed_plan = prepare_custom(sql.data, node->npk + (node->seed_tenant_from > 0),
									 with_tenant_arg(array_arg_types(node->npk, node->pk_types, 1),
													 node->npk, node->seed_tenant_from));
}

/*
 * Does Citus distribute table, which references itself?  The one-row shape
 * would fix the reference up with an UPDATE that joins the table to itself
 * through key arrays, which Citus refuses; the set shape makes the key
 * first and needs no fix-up.
 */
static bool
citus_self_reference(RowcloneTable *table)
{
	if (table->citus_partmethod == RC_CITUS_LOCAL)
		return false;
	for (int f = 0; f < table->nfkeys; f++)
		if (table->fkeys[f].confrelid == table->relid)
			return true;
	return false;
}

static bool edge_is_chain(GraphBuild *b, RowcloneEdge *edge);
static void prepare_chain(GraphBuild *b, RowcloneEdge *edge, RowcloneForeignKey *fk, Oid *types);

/* SELECT child's fetched columns FROM unnest(referenced values) JOIN ONLY child s ON fk */
static void
prepare_edge(GraphBuild *b, RowcloneEdge *edge, RowcloneForeignKey *fk)
{
	RowcloneTable *child = b->tables[edge->child];
	RowcloneTable *parent = b->tables[edge->parent];
	Oid			types[INDEX_MAX_KEYS];
	StringInfoData sql;
	const char *prefix[] = {"k"};

	for (int k = 0; k < fk->nkeys; k++)
		types[k] = rowclone_column_by_attnum(parent, fk->confkey[k])->typid;
	check_array_types(&b->nodes[edge->parent], fk->nkeys, types);
	if (edge_is_chain(b, edge))
	{
		prepare_chain(b, edge, fk, types);
		return;
	}
	initStringInfo(&sql);
	appendStringInfo(&sql, "SELECT %s FROM ", fetch_list(b, edge->child));
	append_unnest(&sql, 1, fk->nkeys, types, "f", prefix, 1);
	appendStringInfo(&sql, " JOIN %s%s AS s ON ", rowclone_only(child), child->sql_name);
	append_fk_match(&sql, child, fk, numbered_refs("f.k", fk->nkeys), types);
	edge->closure_tenant_from = append_tenant_filter(&sql, child, fk->conkey, fk->nkeys,
													 fk->nkeys + 1);
	append_filter(&sql, child);
	edge->closure_plan = prepare_custom(sql.data, fk->nkeys + (edge->closure_tenant_from > 0),
										with_tenant_arg(array_arg_types(fk->nkeys, types, 1),
														fk->nkeys, edge->closure_tenant_from));
}

/*
 * Can the rows edge reaches all be found by one recursive query from the
 * source rows?  When edge is a self-reference of the source table and the
 * only way any row enters that table (no other edge into it, no is-a child
 * copying rows of it, no is-a parent of its own), every row below the source rows has exactly one
 * chain of parents up to its nearest source row, so the recursion meets
 * each row once, at its depth, and stops at the source rows (a cycle in the
 * data passes through one).  Otherwise the closure goes level by level.
 */
static bool
edge_is_chain(GraphBuild *b, RowcloneEdge *edge)
{
	ListCell   *lc;

	if (edge->parent != 0 || edge->child != 0)
		return false;
	/* Citus runs no recursive query without a filter on the distribution column */
	if (b->tables[0]->citus_partmethod != RC_CITUS_LOCAL)
		return false;
	foreach(lc, b->edges)
	{
		RowcloneEdge *other = (RowcloneEdge *) lfirst(lc);

		if (other->child == 0 && strcmp(other->conname, edge->conname) != 0)
			return false;
	}
	for (int n = 0; n < b->nnodes; n++)
		if (b->nodes[n].isa_parent == 0)
			return false;
	/*
	 * Rows of an is-a parent would arrive at every depth of the chain at
	 * once, ahead of the rows its own closure finds level by level.
	 */
	return b->nodes[0].isa_parent < 0;
}

/*
 * WITH RECURSIVE r(c0, ..., d) AS (
 *     SELECT fetched, 1 FROM unnest(referenced values) f JOIN ONLY t s ON fk
 *       WHERE s is not a source row
 *   UNION ALL
 *     SELECT fetched, r.d + 1 FROM r JOIN ONLY t s ON fk = r's referenced values
 *       WHERE s is not a source row [AND r.d < max_depth])
 * SELECT * FROM r ORDER BY d
 */
static void
prepare_chain(GraphBuild *b, RowcloneEdge *edge, RowcloneForeignKey *fk, Oid *types)
{
	RowcloneTable *table = b->tables[0];
	RowcloneNode *node = &b->nodes[0];
	int			nfetch = node->nfetch;
	int			nargs = fk->nkeys + node->npk;
	Oid		   *argtypes = palloc(sizeof(Oid) * nargs);
	StringInfoData sql;
	StringInfoData not_source;
	const char *fprefix[] = {"k"};
	const char *xprefix[] = {"k"};
	char	  **recursive_refs = palloc(sizeof(char *) * fk->nkeys);

	for (int k = 0; k < fk->nkeys; k++)
		argtypes[k] = get_array_type(types[k]);
	for (int j = 0; j < node->npk; j++)
		argtypes[fk->nkeys + j] = get_array_type(node->pk_types[j]);

	initStringInfo(&not_source);
	appendStringInfoString(&not_source, " WHERE NOT EXISTS (SELECT FROM ");
	append_unnest(&not_source, fk->nkeys + 1, node->npk, node->pk_types, "x", xprefix, 1);
	appendStringInfoString(&not_source, " WHERE ");
	rowclone_sql_key_match(&not_source, table, "s", numbered_refs("x.k", node->npk),
						   node->pk_types);
	appendStringInfoChar(&not_source, ')');

	initStringInfo(&sql);
	appendStringInfoString(&sql, "WITH RECURSIVE r(");
	for (int c = 0; c < nfetch; c++)
		appendStringInfo(&sql, "c%d, ", c);
	appendStringInfo(&sql, "d) AS (SELECT %s, 1 FROM ", fetch_list(b, 0));
	append_unnest(&sql, 1, fk->nkeys, types, "f", fprefix, 1);
	appendStringInfo(&sql, " JOIN %s%s AS s ON ", rowclone_only(table), table->sql_name);
	append_fk_match(&sql, table, fk, numbered_refs("f.k", fk->nkeys), types);
	append_filter(&sql, table);
	appendStringInfoString(&sql, not_source.data);
	appendStringInfo(&sql, " UNION ALL SELECT %s, r.d OPERATOR(pg_catalog.+) 1 FROM r JOIN %s%s AS s ON ",
					 fetch_list(b, 0), rowclone_only(table), table->sql_name);
	for (int k = 0; k < fk->nkeys; k++)
		recursive_refs[k] = psprintf("r.c%d", edge->parent_fetch_col[k]);
	append_fk_match(&sql, table, fk, recursive_refs, types);
	append_filter(&sql, table);
	appendStringInfoString(&sql, not_source.data);
	if (b->req->max_depth >= 0)
		appendStringInfo(&sql, " AND r.d OPERATOR(pg_catalog.<) %d", b->req->max_depth);
	appendStringInfoString(&sql, ") SELECT * FROM r ORDER BY d");
	edge->chain_plan = prepare_custom(sql.data, nargs, argtypes);
}

static RowcloneForeignKey *
remap_fk(RowcloneTable *table, RowcloneRemap *remap)
{
	for (int f = 0; f < table->nfkeys; f++)
		if (strcmp(table->fkeys[f].conname, remap->conname) == 0)
			return &table->fkeys[f];
	elog(ERROR, "rowclone: foreign key \"%s\" vanished", remap->conname);
	return NULL;
}

static void
append_remap_join(StringInfo joins, GraphBuild *b, int i, int r)
{
	RowcloneTable *table = b->tables[i];
	RowcloneRemap *remap = &b->nodes[i].remaps[r];
	RowcloneForeignKey *fk = remap_fk(table, remap);
	char	   *alias = psprintf("r%d", r);

	appendStringInfoString(joins, " LEFT JOIN ");
	append_keymap(joins, remap->join_param, remap->nmap, remap->map_types, alias);
	/* copy c of a row references copy c of its target (one-row: one copy) */
	appendStringInfoString(joins, " ON ");
	if (!b->g->one_row)
		appendStringInfo(joins, "%s.c = m.c AND ", alias);
	for (int q = 0; q < remap->nkeys; q++)
	{
		RowcloneColumn *fcol = rowclone_column_by_attnum(table, remap->conkey[q]);

		if (q > 0)
			appendStringInfoString(joins, " AND ");
		/* conpfeqop: referenced (left) = referencing (right) */
		generate_operator_clause(joins, psprintf("%s.o%d", alias, remap->target_pos[q]),
								 remap->map_types[remap->target_pos[q]], fk->pf_eq_oprs[q],
								 psprintf("s.%s", quote_identifier(fcol->name)), fcol->typid);
	}
	append_link_condition(joins, table, fk);
}

/*
 * The value of a column of a copy that foreign key r rewrites: the copy of
 * the referenced row where it is copied, else the source's value.  Links
 * on the same column to other tables (a polymorphic reference, told apart
 * by their discriminators) are the next WHENs.  Adds the LEFT JOIN to each
 * key map (and its parameters) on first use.
 */
static char *
remapped_column(GraphBuild *b, int i, int r, RowcloneColumn *col,
				Oid *argtypes, int *nargs, StringInfo joins)
{
	RowcloneNode *node = &b->nodes[i];
	StringInfoData expr;

	initStringInfo(&expr);
	appendStringInfoString(&expr, "CASE");
	for (; r < node->nremaps; r++)
	{
		RowcloneRemap *remap = &node->remaps[r];
		int			pos;

		for (pos = 0; pos < remap->nkeys && remap->conkey[pos] != col->attnum; pos++)
			;
		if (pos == remap->nkeys || remap->deferred)
			continue;
		if (remap->join_param == 0)
		{
			remap->join_param = *nargs + 1;
			keymap_arg_types(argtypes + *nargs, remap->nmap, remap->map_types);
			*nargs += KEYMAP_NARGS(remap->nmap);
			append_remap_join(joins, b, i, r);
		}
		appendStringInfo(&expr, " WHEN r%d.o0 IS NOT NULL THEN r%d.n%d", r, r,
						 remap->target_pos[pos]);
	}
	appendStringInfo(&expr, " ELSE s.%s END", quote_identifier(col->name));
	return expr.data;
}

/* The first key into a copied table that column attnum belongs to, or -1. */
static int
remap_of_column(RowcloneNode *node, AttrNumber attnum)
{
	for (int r = 0; r < node->nremaps; r++)
		for (int k = 0; k < node->remaps[r].nkeys; k++)
			if (node->remaps[r].conkey[k] == attnum)
				return r;
	return -1;
}

/*
 * UPDATE the copies' deferred references once every copy exists, reading
 * the source rows: UPDATE ONLY t SET fk = the referenced copy (or, for a
 * reference inserted as NULL, the source's value) FROM the key map of t
 * JOIN the source rows LEFT JOIN the referenced table's key map.
 * Parameters: t's key map, then the target's.
 */
static void
prepare_fixup(GraphBuild *b, int i, int r)
{
	RowcloneTable *table = b->tables[i];
	RowcloneNode *node = &b->nodes[i];
	RowcloneRemap *remap = &node->remaps[r];
	RowcloneForeignKey *fk = remap_fk(table, remap);
	StringInfoData upd;
	StringInfoData from;
	StringInfoData cond;
	StringInfoData count;
	Oid			uargs[2 * KEYMAP_NARGS(INDEX_MAX_KEYS)];

	initStringInfo(&upd);
	initStringInfo(&from);
	initStringInfo(&cond);
	initStringInfo(&count);
	appendStringInfo(&upd, "UPDATE %s%s AS t SET ", rowclone_only(table), table->sql_name);
	for (int q = 0, nset = 0; q < remap->nkeys; q++)
	{
		RowcloneColumn *col = rowclone_column_by_attnum(table, remap->conkey[q]);
		const char *name = quote_identifier(col->name);

		/*
		 * A column of the copy's own key is never rewritten: the key is
		 * final once the copy exists (and Citus refuses an UPDATE of a
		 * distribution column, the tenant column of a multi-tenant key).
		 */
		if (col->pk_position >= 0)
			continue;
		appendStringInfo(&upd, "%s%s = CASE WHEN r.o0 IS NOT NULL THEN r.n%d ELSE s.%s END",
						 nset++ > 0 ? ", " : "", name, remap->target_pos[q], name);
	}
	append_keymap(&from, 1, node->npk, node->pk_types, "me");
	appendStringInfo(&from, " JOIN %s%s AS s ON ", rowclone_only(table), table->sql_name);
	rowclone_sql_key_match(&from, table, "s", numbered_refs("me.o", node->npk), node->pk_types);
	appendStringInfoString(&from, " LEFT JOIN ");
	append_keymap(&from, KEYMAP_NARGS(node->npk) + 1, remap->nmap, remap->map_types, "r");
	appendStringInfoString(&from, " ON r.c = me.c");
	for (int q = 0; q < remap->nkeys; q++)
	{
		RowcloneColumn *fcol = rowclone_column_by_attnum(table, remap->conkey[q]);

		appendStringInfoString(&from, " AND ");
		generate_operator_clause(&from, psprintf("r.o%d", remap->target_pos[q]),
								 remap->map_types[remap->target_pos[q]], fk->pf_eq_oprs[q],
								 psprintf("s.%s", quote_identifier(fcol->name)), fcol->typid);
	}
	append_link_condition(&from, table, fk);
	if (remap->insert_null)
	{
		/* restore every non-null source value, remapped or not */
		appendStringInfoChar(&cond, '(');
		for (int q = 0; q < remap->nkeys; q++)
			appendStringInfo(&cond, "%ss.%s IS NOT NULL", q > 0 ? " OR " : "",
							 quote_identifier(rowclone_column_by_attnum(table, remap->conkey[q])->name));
		appendStringInfoChar(&cond, ')');
	}
	else
		appendStringInfoString(&cond, "r.o0 IS NOT NULL");
	appendStringInfo(&upd, " FROM %s WHERE ", from.data);
	rowclone_sql_key_match(&upd, table, "t", numbered_refs("me.n", node->npk), node->pk_types);
	appendStringInfo(&upd, " AND %s", cond.data);
	/* the copies the UPDATE must find: fewer found means a policy hid some */
	appendStringInfo(&count, "SELECT pg_catalog.count(*) FROM %s WHERE %s", from.data, cond.data);

	keymap_arg_types(uargs, node->npk, node->pk_types);
	keymap_arg_types(uargs + KEYMAP_NARGS(node->npk), remap->nmap, remap->map_types);
	remap->fixup_plan = prepare_custom(upd.data, KEYMAP_NARGS(node->npk) + KEYMAP_NARGS(remap->nmap), uargs);
	remap->fixup_count_plan = prepare_custom(count.data, KEYMAP_NARGS(node->npk) + KEYMAP_NARGS(remap->nmap), uargs);
}

/*
 * The key map of a foreign key to a unique key other than the primary key:
 * old and new values of the referenced columns, read from the target's
 * source rows and their copies once the copies exist, with the copy
 * numbers.  Parameters: the target's key map.
 */
static void
prepare_keymap(GraphBuild *b, int i, int r)
{
	RowcloneRemap *remap = &b->nodes[i].remaps[r];
	RowcloneTable *target = b->tables[remap->target];
	RowcloneNode *tnode = &b->nodes[remap->target];
	RowcloneForeignKey *fk = remap_fk(b->tables[i], remap);
	StringInfoData sql;
	Oid			args[KEYMAP_NARGS(INDEX_MAX_KEYS)];

	initStringInfo(&sql);
	appendStringInfoString(&sql, "SELECT ");
	for (int g = 0; g < 2; g++)
		for (int k = 0; k < fk->nkeys; k++)
			appendStringInfo(&sql, "%c.%s, ", g == 0 ? 's' : 't',
							 quote_identifier(rowclone_column_by_attnum(target, fk->confkey[k])->name));
	appendStringInfoString(&sql, "m.c FROM ");
	append_keymap(&sql, 1, tnode->npk, tnode->pk_types, "m");
	appendStringInfo(&sql, " JOIN %s%s AS s ON ", rowclone_only(target), target->sql_name);
	rowclone_sql_key_match(&sql, target, "s", numbered_refs("m.o", tnode->npk), tnode->pk_types);
	appendStringInfo(&sql, " JOIN %s%s AS t ON ", rowclone_only(target), target->sql_name);
	rowclone_sql_key_match(&sql, target, "t", numbered_refs("m.n", tnode->npk), tnode->pk_types);
	keymap_arg_types(args, tnode->npk, tnode->pk_types);
	remap->keymap_plan = prepare_custom(sql.data, KEYMAP_NARGS(tnode->npk), args);
}

/*
 * ... RETURNING the keys) SELECT count(*), count(*) of rows whose key is
 * not one made for them: the INSERT of a table whose triggers may change
 * the keys its copies were given ($npk+1... are the new keys).
 */
static void
append_key_check(StringInfo sql, RowcloneTable *table, RowcloneNode *node)
{
	const char *nprefix[] = {"n"};

	appendStringInfoString(sql, " RETURNING ");
	for (int j = 0; j < node->npk; j++)
		appendStringInfo(sql, "%st.%s", j > 0 ? ", " : "", quote_identifier(node->pk_names[j]));
	appendStringInfoString(sql, ") SELECT pg_catalog.count(*), pg_catalog.count(*) FILTER (WHERE NOT EXISTS (SELECT FROM ");
	append_unnest(sql, node->npk + 1, node->npk, node->pk_types, "k", nprefix, 1);
	appendStringInfoString(sql, " WHERE ");
	rowclone_sql_key_match(sql, table, "ins", numbered_refs("k.n", node->npk), node->pk_types);
	appendStringInfoString(sql, ")) FROM ins");
}

/*
 * The value a column overridden on the source rows' copies only takes on
 * the copies of the other rows of the source table a cascade reaches: the
 * rule it would follow without the override.  Rules that leave the column
 * out of the INSERT (a default, an identity) cannot be mixed with a value
 * in one column of one statement.
 */
static char *
source_only_other_rows(GraphBuild *b, int i, RowcloneColumn *col, int r,
					   Oid *argtypes, int *nargs, StringInfo joins)
{
	RowcloneTable *table = b->tables[i];

	switch (rowclone_value_rule(table, col, false, is_reset(b, col), r >= 0))
	{
		case RC_RULE_COPY:
			return psprintf("s.%s", quote_identifier(col->name));
		case RC_RULE_REFERENCE:
			if (!b->nodes[i].remaps[r].deferred)
				return remapped_column(b, i, r, col, argtypes, nargs, joins);
			break;
		default:
			break;
	}
	ereport(ERROR,
			(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
			 errmsg("cannot override column \"%s\" of table \"%s\" on the copies of the source rows only",
					col->name, b->nodes[i].display_name),
			 errdetail("The cascade also copies other rows of the table, whose copies take the column's default or a reference fixed up later."),
			 errhint("Qualify the column (\"%s.%s\") to set it on every copied row of the table.",
					 table->relname, col->name)));
	return NULL;
}

/*
 * A unique key (other than the primary key) whose columns the copies all
 * take as they are: every copy collides with its source row, unless a
 * value is NULL.  clone_plan says so, with the fix.
 */
static void
warn_unique_copies(RowcloneNode *node, RowcloneTable *table, bool *copied_as_is)
{
	for (int u = 0; u < table->nuniques; u++)
	{
		StringInfoData cols;
		bool		all = true;

		initStringInfo(&cols);
		for (int k = 0; k < table->unique_ncols[u]; k++)
		{
			bool		as_is = false;

			for (int c = 0; c < table->ncolumns; c++)
				if (table->columns[c].attnum == table->unique_cols[u][k] && copied_as_is[c])
					as_is = true;
			all = all && as_is;
			appendStringInfo(&cols, "%s%s", k > 0 ? ", " : "",
							 rowclone_column_by_attnum(table, table->unique_cols[u][k])->name);
		}
		if (all)
			node->warnings = lappend(node->warnings,
									 psprintf(table->unique_ncols[u] == 1 ?
											  "unique column %s is copied as it is: every copy collides with its source row (unless NULL); give it a value in overrides" :
											  "unique columns (%s) are copied as they are: every copy collides with its source row (unless one is NULL); give one a value in overrides",
											  cols.data));
	}
}

/* Position of slot in a list of override slots. */
static int
slot_position(List *slots, int slot)
{
	ListCell   *lc;

	foreach(lc, slots)
		if (lfirst_int(lc) == slot)
			return foreach_current_index(lc);
	elog(ERROR, "rowclone: override slot %d is not a parameter", slot);
	return -1;
}

/*
 * INSERT INTO t (pk..., cols...) SELECT m.n..., exprs FROM t's key map m
 * JOIN ONLY t s ON s.pk = m.o [CROSS JOIN overrides] [LEFT JOIN key maps of
 * referenced copies ON copy and key].  All copies of every row in one
 * statement.  Parameters: t's key map (an untracked table: the number of
 * copies, m.c from generate_series), the overrides jsonb if the table has
 * non-key overrides, the key map of each joined referenced table, then the
 * referenced values of the incoming edges no key map gives (untracked).
 *
 * Also classifies the columns for clone_plan; prepares only with prepare.
 */
static void
plan_insert(GraphBuild *b, int i, bool prepare)
{
	RowcloneTable *table = b->tables[i];
	RowcloneNode *node = &b->nodes[i];
	StringInfoData targets;
	StringInfoData exprs;
	StringInfoData joins;
	StringInfoData sql;
	Oid		   *argtypes;
	int			maxargs = KEYMAP_NARGS(node->npk) + 2 + table->ncolumns;
	int			nargs = 0;
	bool		overriding = false;
	List	   *slots = NIL;
	List	   *taken_slots = NIL;	/* override slots of its columns */
	ListCell   *lc;

	StringInfoData incoming;
	List	   *incoming_conds = NIL;
	int			ov_param;
	bool		draws_ordered_keys = false;
	/* keys follow the rules in the INSERT, not made in C */
	bool		keys_in_insert = node->untracked || b->g->one_row;
	bool	   *copied_as_is = palloc0(sizeof(bool) * Max(table->ncolumns, 1));
	char	   *key_exprs[INDEX_MAX_KEYS];
	Oid			key_types[INDEX_MAX_KEYS];

	initStringInfo(&targets);
	initStringInfo(&exprs);
	initStringInfo(&joins);
	initStringInfo(&incoming);
	/* room for every parameter: key arrays, overrides, incoming keys, key maps */
	for (int e = 0; e < b->g->nedges; e++)
		if (b->g->edges[e].child == i)
			maxargs += b->g->edges[e].nkeys;
	for (int r = 0; r < node->nremaps; r++)
		maxargs += KEYMAP_NARGS(node->remaps[r].nmap);
	if (b->g->one_row)
		maxargs += b->keyp->nparams;
	argtypes = palloc(sizeof(Oid) * maxargs);
	/*
	 * The rows: the key of the one source row (one-row shape), a key map
	 * (set), or, for an untracked table, the number of copies.
	 */
	if (b->g->one_row)
	{
		for (int j = 0; j < node->npk; j++)
		{
			key_exprs[j] = b->keyp->exprs[node->root_key_pos[j]];
			key_types[j] = b->keyp->expr_types[node->root_key_pos[j]];
		}
		memcpy(argtypes, b->keyp->types, sizeof(Oid) * b->keyp->nparams);
		nargs = b->keyp->nparams;
	}
	else if (!node->untracked)
	{
		keymap_arg_types(argtypes, node->npk, node->pk_types);
		nargs = KEYMAP_NARGS(node->npk);
	}
	else
		argtypes[nargs++] = INT4OID;
	for (int c = 0; c < table->ncolumns; c++)
		if ((table->columns[c].pk_position < 0 || keys_in_insert) &&
			override_slot_of(b, &table->columns[c]) >= 0)
		{
			int			slot = override_slot_of(b, &table->columns[c]);

			taken_slots = lappend_int(taken_slots, slot);
			if (override_is_source_only(b, slot))
				node->insert_takes_source_flags = true;
		}
	/* which rows of the key map are source rows: a bool array after it */
	if (node->insert_takes_source_flags)
		argtypes[nargs++] = BOOLARRAYOID;
	ov_param = nargs + 1;
	/*
	 * The set shape takes the overrides as typed parameters, one per column
	 * (read from the object once per call, execute.c's read_overrides): an
	 * INSERT with no function call in FROM, which Citus can run on a shard;
	 * the one-row shape and fan-out read the object in the INSERT.
	 */
	if (!b->g->one_row && b->req->fanout == 0)
	{
		node->override_params = taken_slots;
		foreach(lc, taken_slots)
			argtypes[nargs++] = b->g->override_types[lfirst_int(lc)];
	}
	else if (taken_slots != NIL)
	{
		node->insert_takes_overrides = true;
		argtypes[nargs++] = JSONBOID;
	}

	for (int c = 0; c < table->ncolumns; c++)
	{
		RowcloneColumn *col = &table->columns[c];
		int			slot = override_slot_of(b, col);
		int			r = remap_of_column(node, col->attnum);
		char	   *expr = NULL;

		/*
		 * A tracked key column takes the key made in C; every other column,
		 * an untracked table's key too, follows the rule in the INSERT.
		 */
		if (col->pk_position >= 0 && !keys_in_insert)
		{
			RowcloneKeySource src = node->key_source[col->pk_position];

			expr = is_kept_tenant_column(b, table, col) ?
				psprintf("s.%s", quote_identifier(col->name)) :
				psprintf("m.n%d", col->pk_position);
			if (col->identity == ATTRIBUTE_IDENTITY_ALWAYS)
				overriding = true;
			if (src == RC_KEY_COPY)
				node->copied_columns = lappend(node->copied_columns, col->name);
			else if (src == RC_KEY_MAP)
				node->remapped_columns = lappend(node->remapped_columns, col->name);
			else
				node->fresh_columns = lappend(node->fresh_columns, col->name);
		}
		else
			switch (rowclone_value_rule(table, col, slot >= 0, is_reset(b, col), r >= 0))
			{
				case RC_RULE_GENERATED:
				case RC_RULE_RESET:
				case RC_RULE_FRESH:
					node->fresh_columns = lappend(node->fresh_columns, col->name);
					/* a key the INSERT draws from a sequence: in key order */
					if (col->pk_position >= 0 &&
						(col->typid == INT2OID || col->typid == INT4OID ||
						 col->typid == INT8OID || col->typid == NUMERICOID))
						draws_ordered_keys = true;
					break;
				case RC_RULE_UUID:
					expr = RC_FRESH_UUID_SQL;
					node->fresh_columns = lappend(node->fresh_columns, col->name);
					break;
				case RC_RULE_VALUE:
					expr = rowclone_value_sql(table, col);
					node->fresh_columns = lappend(node->fresh_columns, col->name);
					break;
				case RC_RULE_OVERRIDE:
					if (node->override_params != NIL)
						expr = psprintf("$%d", ov_param + slot_position(node->override_params, slot));
					else
					{
						expr = psprintf("o.\"%d\"", slot);
						slots = lappend_int(slots, slot);
					}
					if (override_is_source_only(b, slot))
						expr = psprintf("CASE WHEN m.src THEN %s ELSE %s END", expr,
										source_only_other_rows(b, i, col, r, argtypes,
															   &nargs, &joins));
					if (col->identity == ATTRIBUTE_IDENTITY_ALWAYS)
						overriding = true;
					node->fresh_columns = lappend(node->fresh_columns, col->name);
					break;
				case RC_RULE_REFERENCE:
					if (is_kept_tenant_column(b, table, col))
						expr = psprintf("s.%s", quote_identifier(col->name));
					else if (!node->remaps[r].deferred)
						expr = remapped_column(b, i, r, col, argtypes, &nargs, &joins);
					else
					{
						/* a deferred reference: NULL or the source's value for now */
						RowcloneRemap *remap = &node->remaps[r];

						remap->insert_null = true;
						for (int q = 0; q < remap->nkeys; q++)
							if (rowclone_column_by_attnum(table, remap->conkey[q])->not_null)
								remap->insert_null = false;
						expr = remap->insert_null ? "NULL" : psprintf("s.%s", quote_identifier(col->name));
					}
					node->remapped_columns = lappend(node->remapped_columns, col->name);
					break;
				case RC_RULE_COPY:
					expr = psprintf("s.%s", quote_identifier(col->name));
					node->copied_columns = lappend(node->copied_columns, col->name);
					copied_as_is[c] = true;
					break;
			}
		if (expr == NULL)
			continue;
		appendStringInfo(&targets, "%s%s", targets.len > 0 ? ", " : "", quote_identifier(col->name));
		appendStringInfo(&exprs, "%s%s", exprs.len > 0 ? ", " : "", expr);
	}
	/*
	 * A table without a key copies, in one statement, every row that
	 * references a copied row through a followed key: one LEFT JOIN per
	 * such key to the referenced values, and a WHERE that any matched.  The
	 * key map a remapped reference joins already holds those values (every
	 * copied row of the referenced table, when max_depth leaves none out):
	 * its match is the condition then, without a second join.
	 */
	for (int e = 0; e < b->g->nedges && node->untracked; e++)
	{
		RowcloneEdge *edge = &b->g->edges[e];
		RowcloneForeignKey *fk = b->edge_fk_array[e];
		RowcloneTable *parent = b->tables[edge->parent];
		const char *prefix[] = {"k"};
		char	   *alias = psprintf("e%d", e);
		Oid			types[INDEX_MAX_KEYS];
		int			by_map = -1;

		if (edge->child != i)
			continue;
		for (int r = 0; r < node->nremaps && b->req->max_depth < 0; r++)
			if (node->remaps[r].join_param != 0 && node->remaps[r].target == edge->parent &&
				!node->remaps[r].via_unique && !node->remaps[r].deferred &&
				strcmp(node->remaps[r].conname, fk->conname) == 0)
				by_map = r;
		if (by_map >= 0)
		{
			incoming_conds = lappend(incoming_conds, psprintf("r%d.o0 IS NOT NULL", by_map));
			continue;
		}
		incoming_conds = lappend(incoming_conds, psprintf("%s.k0 IS NOT NULL", alias));
		node->incoming = lappend_int(node->incoming, e);
		for (int k = 0; k < fk->nkeys; k++)
			types[k] = rowclone_column_by_attnum(parent, fk->confkey[k])->typid;
		appendStringInfoString(&incoming, " LEFT JOIN ");
		append_unnest(&incoming, nargs + 1, fk->nkeys, types, alias, prefix, 1);
		appendStringInfoString(&incoming, " ON ");
		append_fk_match(&incoming, table, fk, numbered_refs(psprintf("%s.k", alias), fk->nkeys),
						types);
		for (int k = 0; k < fk->nkeys; k++)
			argtypes[nargs++] = get_array_type(types[k]);
	}
	node->insert_nparams = nargs;
	warn_unique_copies(node, table, copied_as_is);
	if (!prepare)
		return;

	if (!b->g->one_row || node->keymap_needed)
		check_array_types(node, node->npk, node->pk_types);
	initStringInfo(&sql);
	/* the one-row shape returns the keys its INSERT made, whatever made them */
	node->insert_checks_keys = !keys_in_insert && table->insert_triggers_may_change_keys;
	if (node->insert_checks_keys)
		appendStringInfoString(&sql, "WITH ins AS (");
	/* with no column to set, a zero-column SELECT gives every column its default */
	appendStringInfo(&sql, "INSERT INTO %s AS t %s%s%s%s SELECT %s FROM ", table->sql_name,
					 targets.len > 0 ? "(" : "", targets.data, targets.len > 0 ? ")" : "",
					 overriding ? " OVERRIDING SYSTEM VALUE" : "", exprs.data);
	if (b->g->one_row)
		appendStringInfo(&sql, "%s%s AS s", rowclone_only(table), table->sql_name);
	else if (!node->untracked)
	{
		const char *prefixes[] = {"o", "n"};

		append_unnest_columns(&sql, 1, node->npk, node->pk_types, "m", prefixes, 2, true,
							  node->insert_takes_source_flags);
		appendStringInfo(&sql, " JOIN %s%s AS s ON ", rowclone_only(table), table->sql_name);
		rowclone_sql_key_match(&sql, table, "s", numbered_refs("m.o", node->npk), node->pk_types);
		/* the last parameter */
		node->insert_tenant_from = append_tenant_filter(&sql, table, node->pk_attnums, node->npk,
														nargs + 1);
		if (node->insert_tenant_from > 0)
		{
			argtypes[nargs++] = argtypes[node->insert_tenant_from - 1];
			node->insert_nparams = nargs;
		}
	}
	else
		appendStringInfo(&sql, "%s%s AS s CROSS JOIN pg_catalog.generate_series(1, $1) AS m(c)",
						 rowclone_only(table), table->sql_name);
	if (slots != NIL)
	{
		bool		first = true;

		/* one object for every copy, or (fan-out) object c for copy c */
		if (b->req->fanout > 0)
			appendStringInfo(&sql, " JOIN ROWS FROM (pg_catalog.jsonb_to_recordset($%d) AS (", ov_param);
		else
			appendStringInfo(&sql, " CROSS JOIN pg_catalog.jsonb_to_record($%d) AS o(", ov_param);
		foreach(lc, slots)
		{
			int			slot = lfirst_int(lc);

			appendStringInfo(&sql, "%s%s %s", first ? "" : ", ", b->g->override_colnames[slot],
							 rowclone_qualified_type_name(b->overrides[slot].column->typid));
			first = false;
		}
		appendStringInfoChar(&sql, ')');
		if (b->req->fanout > 0)
		{
			appendStringInfoString(&sql, ") WITH ORDINALITY AS o(");
			foreach(lc, slots)
				appendStringInfo(&sql, "\"%d\", ", lfirst_int(lc));
			appendStringInfoString(&sql, "c) ON o.c = m.c");
		}
	}
	appendStringInfoString(&sql, incoming.data);
	appendStringInfoString(&sql, joins.data);
	if (b->g->one_row)
	{
		appendStringInfoString(&sql, " WHERE ");
		rowclone_sql_key_match(&sql, table, "s", key_exprs, key_types);
		appendStringInfoString(&sql, " RETURNING ");
		for (int j = 0; j < node->npk; j++)
			appendStringInfo(&sql, "%st.%s", j > 0 ? ", " : "",
							 quote_identifier(node->pk_names[j]));
		node->exists_sql = rowclone_sql_exists(table, key_exprs, key_types);
	}
	if (node->untracked)
	{
		ListCell   *lc2;

		appendStringInfoString(&sql, " WHERE (");
		foreach(lc2, incoming_conds)
			appendStringInfo(&sql, "%s%s", foreach_current_index(lc2) > 0 ? " OR " : "",
							 (char *) lfirst(lc2));
		appendStringInfoChar(&sql, ')');
		append_filter(&sql, table);
		/*
		 * Keys drawn from a sequence in the INSERT follow its output order:
		 * copy 1 of every row first, by key (SPEC "Order").  Other keys
		 * (references, uuids) need no sort, which would cost as much as a
		 * tenth of a large cascade.
		 */
		node->insert_sorts = draws_ordered_keys;
		if (draws_ordered_keys)
		{
			appendStringInfoString(&sql, " ORDER BY m.c");
			for (int j = 0; j < table->npk; j++)
				appendStringInfo(&sql, ", s.%s",
								 quote_identifier(rowclone_column_by_attnum(table, table->pk_attnums[j])->name));
		}
	}
	if (node->insert_checks_keys)
		append_key_check(&sql, table, node);
	/* one row: a generic plan, kept; key arrays: planned for their sizes */
	node->insert_plan = b->g->one_row ? rowclone_prepare(sql.data, nargs, argtypes, 0) :
		prepare_custom(sql.data, nargs, argtypes);

	for (int r = 0; r < node->nremaps; r++)
	{
		if (node->remaps[r].deferred)
			prepare_fixup(b, i, r);
		if (node->remaps[r].via_unique)
			prepare_keymap(b, i, r);
	}
}

/*
 * The one-row shape: which root key column each key column of a table's
 * one source row equals (down the is-a links, parents after children in
 * nodes), and whose key maps other statements read (a reference into the
 * copied set, a fix-up of the table's own references).
 */
/* Is node a's INSERT before node b's? */
static bool
inserted_before(GraphBuild *b, int a, int later)
{
	for (int o = 0; o < b->nnodes; o++)
	{
		if (b->g->order[o] == later)
			return false;
		if (b->g->order[o] == a)
			return true;
	}
	return false;
}

static void
plan_one_row(GraphBuild *b)
{
	for (int j = 0; j < b->nodes[0].npk; j++)
		b->nodes[0].root_key_pos[j] = j;
	for (int i = 0; i < b->nnodes; i++)
	{
		RowcloneNode *node = &b->nodes[i];
		RowcloneTable *parent_table;
		RowcloneForeignKey *link = rowclone_find_parent_link(b->tables[i], &parent_table);

		if (node->isa_parent >= 0)
		{
			RowcloneNode *parent = &b->nodes[node->isa_parent];

			Assert(node->isa_parent > i);
			/* as in the set shape: a parent is copied through its link only */
			parent->not_copied = true;
			for (int r = 0; r < node->nremaps; r++)
				if (node->remaps[r].is_parent_link && !node->not_copied)
					parent->not_copied = false;
			for (int j = 0; j < parent->npk; j++)
				for (int k = 0; k < link->nkeys; k++)
					if (link->confkey[k] == parent->pk_attnums[j])
						parent->root_key_pos[j] =
							node->root_key_pos[rowclone_column_by_attnum(b->tables[i], link->conkey[k])->pk_position];
		}
		for (int r = 0; r < node->nremaps; r++)
		{
			/*
			 * A reference to the table's own copy (or to a copy made later)
			 * waits for a fix-up: the key is made by the INSERT itself.
			 */
			if (!inserted_before(b, node->remaps[r].target, i))
				node->remaps[r].deferred = true;
			b->nodes[node->remaps[r].target].keymap_needed = true;
			if (node->remaps[r].deferred)
				node->keymap_needed = true;
		}
	}
}

/*
 * Plan a clone of req, in the one-row shape for one row without cascade
 * (keyp gives its key parameters), else in the set shape.  With prepare,
 * also prepare its statements (inside SPI); clone_plan only describes.
 * Allocates in the current memory context.
 */
RowcloneGraph *
rowclone_graph_build(RowcloneRequest *req, RowcloneKeyParams *keyp, bool prepare)
{
	GraphBuild	b;
	RowcloneTable *root;
	ListCell   *lc;
	ListCell   *lc2;
	int			e;

	memset(&b, 0, sizeof(b));
	b.req = req;
	b.keyp = keyp;
	b.describe_only = !prepare;
	b.g = palloc0(sizeof(RowcloneGraph));
	root = rowclone_table_get(req->relid);
	rowclone_check_cloneable(root);
	/* one row, no cascade: at most one source row per table */
	b.g->one_row = keyp != NULL && !req->set_mode && !citus_self_reference(root) &&
		root->citus_partmethod != RC_CITUS_HASH;
	discover(&b, root);
	/* a Citus reference table written after distributed tables were read */
	for (int i = 0; i < b.nnodes; i++)
		if (b.tables[i]->citus_partmethod == RC_CITUS_REFERENCE)
			for (int j = 0; j < b.nnodes; j++)
				if (b.tables[j]->citus_partmethod != RC_CITUS_LOCAL &&
					b.tables[j]->citus_partmethod != RC_CITUS_REFERENCE)
					b.g->citus_sequential = true;
	rowclone_resolve_options(req, b.tables, b.nnodes, &b.overrides, &b.resets);
	for (int i = 0; i < b.nnodes; i++)
		plan_keys_and_remaps(&b, i);
	order_inserts(&b);
	b.tenant_kept = tenant_kept(&b);
	mark_untracked(&b);
	if (b.g->one_row)
		plan_one_row(&b);

	b.g->nnodes = b.nnodes;
	b.g->nodes = b.nodes;
	b.g->nedges = list_length(b.edges);
	b.g->edges = palloc0(sizeof(RowcloneEdge) * Max(b.g->nedges, 1));
	e = 0;
	b.edge_fk_array = palloc0(sizeof(RowcloneForeignKey *) * Max(b.g->nedges, 1));
	forboth(lc, b.edges, lc2, b.edge_fks)
	{
		RowcloneForeignKey *fk = (RowcloneForeignKey *) lfirst(lc2);

		b.g->edges[e] = *(RowcloneEdge *) lfirst(lc);
		b.edge_fk_array[e] = fk;
		/* the referenced values every edge reads from its parent's rows */
		for (int k = 0; k < fk->nkeys; k++)
			b.g->edges[e].parent_fetch_col[k] =
				fetch_col(&b, b.g->edges[e].parent, fk->confkey[k], InvalidOid);
		e++;
	}

	/*
	 * Only now is every node's list of fetched columns complete: a closure
	 * query returns all of its child's, whichever edge reaches the child.
	 * (Tables without a closure query are found by their INSERT.)
	 */
	for (e = 0; e < b.g->nedges && prepare; e++)
		if (!b.nodes[b.g->edges[e].child].untracked)
			prepare_edge(&b, &b.g->edges[e], b.edge_fk_array[e]);
	b.g->per_copy_overrides = req->fanout > 0;
	/*
	 * A fan-out array is read with the caller's own keys as column names
	 * (renamed to slots by the alias list), saving a re-keyed copy of a
	 * large array, unless a key is too long to be a column name.
	 */
	b.g->overrides_as_given = req->fanout > 0;
	for (int s = 0; s < req->noverride_keys; s++)
		if (strlen(req->override_keys[s]) >= NAMEDATALEN)
			b.g->overrides_as_given = false;
	b.g->override_colnames = palloc0(sizeof(char *) * Max(req->noverride_keys, 1));
	for (int s = 0; s < req->noverride_keys; s++)
		b.g->override_colnames[s] = b.g->overrides_as_given ?
			pstrdup(quote_identifier(req->override_keys[s])) : psprintf("\"%d\"", s);
	b.g->noverride_slots = req->noverride_keys;
	b.g->override_types = palloc0(sizeof(Oid) * Max(req->noverride_keys, 1));
	for (int s = 0; s < req->noverride_keys; s++)
		b.g->override_types[s] = b.overrides[s].column->typid;

	/* inserts last: their column lists also feed clone_plan */
	for (int i = 0; i < b.nnodes; i++)
	{
		if (prepare && !b.nodes[i].untracked && !b.g->one_row)
			prepare_seed(&b, i);
		plan_insert(&b, i, prepare);
	}
	return b.g;
}

/* Keep every prepared statement of the graph; add them to *kept. */
void
rowclone_graph_keep(RowcloneGraph *graph, List **kept)
{
	for (int i = 0; i < graph->nnodes; i++)
	{
		RowcloneNode *node = &graph->nodes[i];

		if (node->seed_plan)
		{
			SPI_keepplan(node->seed_plan);
			*kept = lappend(*kept, node->seed_plan);
		}
		SPI_keepplan(node->insert_plan);
		*kept = lappend(*kept, node->insert_plan);
		for (int r = 0; r < node->nremaps; r++)
		{
			if (node->remaps[r].fixup_plan)
			{
				SPI_keepplan(node->remaps[r].fixup_plan);
				*kept = lappend(*kept, node->remaps[r].fixup_plan);
				SPI_keepplan(node->remaps[r].fixup_count_plan);
				*kept = lappend(*kept, node->remaps[r].fixup_count_plan);
			}
			if (node->remaps[r].keymap_plan)
			{
				SPI_keepplan(node->remaps[r].keymap_plan);
				*kept = lappend(*kept, node->remaps[r].keymap_plan);
			}
		}
	}
	for (int e = 0; e < graph->nedges; e++)
	{
		if (graph->edges[e].closure_plan != NULL)
		{
			SPI_keepplan(graph->edges[e].closure_plan);
			*kept = lappend(*kept, graph->edges[e].closure_plan);
		}
		if (graph->edges[e].chain_plan != NULL)
		{
			SPI_keepplan(graph->edges[e].chain_plan);
			*kept = lappend(*kept, graph->edges[e].chain_plan);
		}
	}
}
