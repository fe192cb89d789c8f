/*-------------------------------------------------------------------------
 *
 * keys.h
 *	  Decoding the caller's key argument into statement parameters.
 *
 *-------------------------------------------------------------------------
 */
#ifndef ROWCLONE_KEYS_H
#define ROWCLONE_KEYS_H

#include "postgres.h"

#include "plan.h"

/* The source key as parameters of the plan's statements. */
typedef struct RowcloneKey
{
	int			nvalues;
	Datum		values[INDEX_MAX_KEYS];
	char	   *text[INDEX_MAX_KEYS];	/* for messages, in root PK order (a
										 * scalar's is made when needed) */
	Oid			output_fn;		/* a scalar's output function */
	bool		matches_nothing;	/* a value no key equals (2.5 for an
									 * integer key): no source row */
} RowcloneKey;

/* The keys argument of clone_rows, decoded. */
typedef struct RowcloneKeyList
{
	int			nkeys;
	Datum	   *given;			/* each element as passed */
	Datum	   *values[INDEX_MAX_KEYS]; /* per primary key column, in its type */
	Datum		arrays[INDEX_MAX_KEYS]; /* the same values as arrays, without
										 * those that match nothing */
	bool	   *matches_nothing;	/* per element, or NULL when none does */
} RowcloneKeyList;

extern void rowclone_key_decode(RowclonePlan *plan, Datum key, RowcloneKey *out);
extern void rowclone_key_list_decode(RowclonePlan *plan, ArrayType *keys, RowcloneKeyList *out);
extern char *rowclone_key_describe(int npk, char **names, const int *map, RowcloneKey *key);
extern Datum rowclone_cast_datum(Datum value, Oid from, Oid to);
extern Datum rowclone_key_to_jsonb(int n, char **names, Oid *types, Datum *values);
extern Datum rowclone_new_key_as(Datum value, Oid pktype, Oid keytype, const char *table,
								 const char *column);

#endif							/* ROWCLONE_KEYS_H */
