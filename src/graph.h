/*-------------------------------------------------------------------------
 *
 * graph.h
 *	  The plan of a clone: the tables it copies rows of (the source table,
 *	  foreign-key children with cascade, is-a parents), the statement shape
 *	  that copies them, how rows are found, how each copy's key is made and
 *	  how references between copies are rewritten.
 *
 *-------------------------------------------------------------------------
 */
#ifndef ROWCLONE_GRAPH_H
#define ROWCLONE_GRAPH_H

#include "postgres.h"
#include "executor/spi.h"
#include "nodes/primnodes.h"

#include "catalog.h"
#include "request.h"

/*
 * The key argument of a clone as statement parameters $1..$nparams, and
 * the source key as SQL expressions over them, per root key column.
 */
typedef struct RowcloneKeyParams
{
	int			nparams;
	Oid			types[INDEX_MAX_KEYS];	/* of the parameters */
	char	   *exprs[INDEX_MAX_KEYS];
	Oid			expr_types[INDEX_MAX_KEYS];
} RowcloneKeyParams;

/* Where a primary key column of a copy gets its value. */
typedef enum RowcloneKeySource
{
	RC_KEY_COPY,				/* as it is */
	RC_KEY_DEFAULT,				/* the column default or identity, evaluated */
	RC_KEY_OVERRIDE,			/* the value in overrides */
	RC_KEY_MAP					/* the copy of the referenced row, if copied */
} RowcloneKeySource;

/*
 * A foreign key of a copied table into a copied table: on the copies it
 * points at the copy of the referenced row when that row is copied too.
 * Its key map pairs old and new values of the referenced columns: the
 * target's primary key, or (via_unique) another unique key of the target,
 * whose new values are read back from the target's copies.
 */
typedef struct RowcloneRemap
{
	int			target;			/* node index */
	char	   *conname;
	int			nkeys;
	AttrNumber	conkey[INDEX_MAX_KEYS];
	int			target_pos[INDEX_MAX_KEYS]; /* key map position of conkey[i] */
	int			nmap;			/* columns of the key map */
	Oid			map_types[INDEX_MAX_KEYS];
	bool		via_unique;		/* references a unique key, not the PK */
	SPIPlanPtr	keymap_plan;	/* via_unique: old and new referenced values */
	int			fetch_col[INDEX_MAX_KEYS];	/* fetched value of conkey[i],
											 * in the target's key type */
	bool		is_parent_link;
	bool		pk_part;		/* some of its columns are in our key */
	bool		deferred;		/* set by UPDATE once all copies exist */
	bool		insert_null;	/* deferred, nullable: inserted as NULL so a
								 * unique one-to-one cannot collide with the
								 * original, then restored from the source */
	int			join_param;		/* $n of the target's key map in the
								 * INSERT, or 0 when not joined */
	SPIPlanPtr	fixup_plan;		/* deferred only */
	SPIPlanPtr	fixup_count_plan;	/* deferred: copies fixup_plan must update */
} RowcloneRemap;

/*
 * Parameters of a key map of n key columns: arrays of old keys, new keys
 * and copy numbers (graph.c's append_keymap).
 */
#define KEYMAP_NARGS(n) (2 * (n) + 1)

/* A foreign key followed down: rows referencing copied rows are copied. */
typedef struct RowcloneEdge
{
	int			child;
	int			parent;
	char	   *conname;
	int			nkeys;
	int			parent_fetch_col[INDEX_MAX_KEYS];	/* referenced values */
	int			closure_tenant_from;	/* its last parameter: the distinct
										 * values of this one (graph.c's
										 * append_tenant_filter), or 0 */
	SPIPlanPtr	closure_plan;	/* $ = arrays of referenced values;
								 * returns the child's fetched columns
								 * (NULL: an untracked child, or a chain) */
	SPIPlanPtr	chain_plan;		/* a self-reference of the source table that
								 * is its only way in: the whole chain below
								 * the source rows in one recursive query
								 * ($ = referenced values, then the source
								 * rows' keys), fetched columns and depth */
} RowcloneEdge;

typedef struct RowcloneNode
{
	Oid			relid;
	char	   *display_name;
	int			depth;			/* the smallest depth the table is reached at */
	char	   *reached_by;		/* for clone_plan */
	int			isa_parent;		/* node index, or -1 */
	int			npk;
	char	   *pk_names[INDEX_MAX_KEYS];
	AttrNumber	pk_attnums[INDEX_MAX_KEYS];
	Oid			pk_types[INDEX_MAX_KEYS];
	Oid			pk_collations[INDEX_MAX_KEYS];
	RowcloneKeySource key_source[INDEX_MAX_KEYS];
	int			key_slot[INDEX_MAX_KEYS];	/* RC_KEY_OVERRIDE: override slot */
	int			key_remap[INDEX_MAX_KEYS];	/* RC_KEY_MAP: remap index */
	Expr	   *key_default[INDEX_MAX_KEYS];	/* RC_KEY_DEFAULT */
	List	   *value_attnums;	/* columns a key's value rule reads (int) */
	List	   *value_fetch;	/* ... and their fetched columns (int) */
	bool		fresh_by_reference;	/* every fresh key column is RC_KEY_MAP:
									 * a row whose referenced rows are not
									 * copied would keep its key */
	int			nfetch;			/* the first npk are the primary key */
	Oid		   *fetch_types;	/* nfetch of them */
	int			nremaps;
	RowcloneRemap *remaps;
	SPIPlanPtr	seed_plan;		/* fetched columns of rows, by key arrays */
	int			seed_tenant_from;	/* as RowcloneEdge.closure_tenant_from */
	SPIPlanPtr	insert_plan;
	int			insert_tenant_from; /* the same, for the INSERT */
	int			insert_nparams;
	bool		insert_takes_overrides;	/* the overrides object */
	List	   *override_params;	/* or (set shape) typed values: their
									 * override slots (int), in order */
	bool		insert_takes_source_flags;	/* the source table, with overrides
											 * of the source rows' copies only:
											 * a bool per key map row */
	bool		insert_sorts;	/* the INSERT sorts its rows (keys it draws
								 * from a sequence, in key order) */
	bool		insert_checks_keys;	/* a trigger may change the keys made for
									 * the copies: the INSERT counts the rows
									 * it inserted and those that kept them */
	bool		untracked;		/* rows not fetched one by one: the INSERT finds
								 * them through the incoming edges (a table
								 * without a key, or a leaf nothing needs the
								 * copies' keys of) */
	List	   *incoming;		/* untracked: edges (int) whose rows it copies */
	/* the one-row shape (RowcloneGraph.one_row) */
	int			root_key_pos[INDEX_MAX_KEYS];	/* the root key column each key
												 * column of the one source row
												 * equals (through is-a links) */
	bool		keymap_needed;	/* other statements read its copy's key map */
	bool		not_copied;		/* an is-a parent whose child's link columns
								 * are overridden or reset: no row to copy */
	char	   *exists_sql;		/* does the source row exist ($ = the key) */
	/* what clone_plan shows */
	List	   *fresh_columns;
	List	   *remapped_columns;
	List	   *copied_columns;
	List	   *not_followed;
	char	   *problem;		/* describe-only: why the table cannot be copied */
	char	   *key_source_text;	/* how a copy's key is made, in words */
	List	   *warnings;		/* what will go wrong with the copies */
} RowcloneNode;

/*
 * Two statement shapes run a graph.  The one-row shape serves a clone of
 * one row without cascade (the source row and its is-a parents: at most
 * one source row per table, known when planning): one INSERT ... SELECT
 * ... WHERE key = $1 ... RETURNING per table, with a generic cached plan,
 * keys made by the INSERT itself.  The set shape serves everything else:
 * source rows found by closure queries, keys made in C, one INSERT ...
 * SELECT per table joined to arrays of old and new keys.  Both take each
 * column's value from columns.c and share the fix-ups of deferred
 * references.
 */
typedef struct RowcloneGraph
{
	bool		one_row;		/* the one-row shape for every table */
	bool		citus_sequential;	/* it writes a Citus reference table and
									 * reads distributed ones (citus.h) */
	int			nnodes;
	RowcloneNode *nodes;		/* nodes[0] is the source table */
	int			nedges;
	RowcloneEdge *edges;
	int		   *order;			/* insert (and key generation) order */
	bool		per_copy_overrides; /* fan-out: an array, object c for copy c */
	bool		overrides_as_given; /* fan-out: the array is read with the
									 * caller's keys (not re-keyed by slot) */
	char	  **override_colnames;	/* per slot: the column definition name
									 * that reads it from an overrides object */
	int			noverride_slots;
	Oid		   *override_types; /* slot -> column type, for key overrides */
} RowcloneGraph;

extern RowcloneGraph *rowclone_graph_build(RowcloneRequest *req, RowcloneKeyParams *keyp,
										   bool prepare);
extern void rowclone_graph_keep(RowcloneGraph *graph, List **kept);

#endif							/* ROWCLONE_GRAPH_H */
