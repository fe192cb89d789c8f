/*-------------------------------------------------------------------------
 *
 * columns.c
 *	  The rules of README "What a copy gets", once for every way a clone
 *	  runs: the rule each column of a copy follows, whether the rules give
 *	  a copy a fresh primary key, and the errors when they cannot, when
 *	  the source row is not there, or when copies go missing.  graph.c
 *	  builds the SQL of both statement shapes (one-row and set) from these
 *	  answers; clone_plan shows them.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "lib/stringinfo.h"
#include "nodes/makefuncs.h"
#include "utils/fmgroids.h"

#include "columns.h"

/* Is col one of the referencing columns of a foreign key of table? */
static bool
column_in_foreign_key(RowcloneTable *table, RowcloneColumn *col)
{
	for (int f = 0; f < table->nfkeys; f++)
		for (int k = 0; k < table->fkeys[f].nkeys; k++)
			if (table->fkeys[f].conkey[k] == col->attnum)
				return true;
	return false;
}

/*
 * The first rule that applies to col (rule numbers of the README):
 * generated columns are computed again (3; overriding one was refused when
 * the options were read), then overrides and reset (2), then a value rule
 * (clone_set_value, which beats what follows), then, for key
 * columns, a reference to a copied row (4) before identity and defaults
 * (5, 6), and a uuid key without a default (and not a foreign key) takes
 * gen_random_uuid(); a
 * non-key identity column stays fresh, and any other reference to a
 * copied row points at the copy; everything else is copied (7).
 *
 * A key column cannot be reset when it has no default: NULL is no key.
 */
RowcloneValueRule
rowclone_value_rule(RowcloneTable *table, RowcloneColumn *col, bool overridden, bool reset,
					bool references_copy)
{
	bool		key = col->pk_position >= 0;

	if (col->generated)
		return RC_RULE_GENERATED;
	if (overridden)
		return RC_RULE_OVERRIDE;
	if (reset)
	{
		if (key && !col->has_default && !col->identity)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("cannot reset primary key column \"%s\" of table \"%s\"",
							col->name, rowclone_display_name(table)),
					 errdetail("The column has no default, and a key cannot be NULL."),
					 errhint("Pass the copy's value of the column in overrides.")));
		return RC_RULE_RESET;
	}
	if (col->value_rule != NULL)
		return RC_RULE_VALUE;
	if (key && references_copy)
		return RC_RULE_REFERENCE;
	if (col->identity || (key && col->has_default))
		return RC_RULE_FRESH;
	/*
	 * the default an application keeps outside the database (Django's
	 * uuid4); a uuid that references another row is no such key
	 */
	if (key && col->typid == UUIDOID && !column_in_foreign_key(table, col))
		return RC_RULE_UUID;
	if (references_copy)
		return RC_RULE_REFERENCE;
	return RC_RULE_COPY;
}

/* Does a key column following rule get a value other than the source's? */
bool
rowclone_rule_makes_key_fresh(RowcloneValueRule rule)
{
	return rule == RC_RULE_OVERRIDE || rule == RC_RULE_RESET || rule == RC_RULE_VALUE ||
		rule == RC_RULE_REFERENCE || rule == RC_RULE_FRESH || rule == RC_RULE_UUID;
}

/* RC_RULE_UUID as an expression tree: gen_random_uuid() */
Expr *
rowclone_fresh_uuid_expr(void)
{
	return (Expr *) makeFuncExpr(F_GEN_RANDOM_UUID, UUIDOID, NIL, InvalidOid, InvalidOid,
								 COERCE_EXPLICIT_CALL);
}

/* "a, b": the table's primary key columns, for messages */
char *
rowclone_pk_column_list(RowcloneTable *table)
{
	StringInfoData buf;

	initStringInfo(&buf);
	for (int j = 0; j < table->npk; j++)
		appendStringInfo(&buf, "%s%s", j > 0 ? ", " : "",
						 rowclone_column_by_attnum(table, table->pk_attnums[j])->name);
	return buf.data;
}

/*
 * No key column of table gets a fresh value: an error (55000) before
 * anything is written, or, for clone_plan (describe_only), the problem
 * text.  reached_by says how a cascade reached the table (NULL for the
 * table the caller named).
 */
char *
rowclone_no_fresh_key(RowcloneTable *table, const char *reached_by, bool describe_only)
{
	char	   *why;
	char	   *detail;

	if (table->npk == 1)
		why = psprintf("primary key column \"%s\" has no default, is not an identity column and does not reference a copied row",
					   rowclone_column_by_attnum(table, table->pk_attnums[0])->name);
	else
		why = psprintf("none of the primary key columns (%s) has a default, is an identity column or references a copied row",
					   rowclone_pk_column_list(table));
	if (describe_only)
		return psprintf("no fresh primary key: %s", why);
	/* the same words as a sentence */
	detail = psprintf("%c%s.", pg_toupper((unsigned char) why[0]), why + 1);
	ereport(ERROR,
			(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
			 errmsg("cannot give copies of table \"%s\" a fresh primary key",
					rowclone_display_name(table)),
			 reached_by == NULL ? errdetail_internal("%s", detail) :
			 errdetail_internal("%s The table is reached through %s.", detail, reached_by),
			 reached_by == NULL ?
			 errhint("Give a key column a default (an identity column or a sequence, for example), or pass a new key in overrides.") :
			 errhint("Give a key column a default (an identity column or a sequence, for example), pass a new key in overrides, or skip the table.")));
	return NULL;
}

/* The source row of a clone (key_text: "(pk)=(value)") is not there. */
void
rowclone_row_not_found(const char *key_text, const char *display_name)
{
	ereport(ERROR,
			(errcode(ERRCODE_NO_DATA_FOUND),
			 errmsg("row %s of table \"%s\" not found", key_text, display_name),
			 errdetail("The row does not exist, or the current user cannot see it.")));
}

/* A BEFORE INSERT trigger returned NULL for some copies of a table. */
void
rowclone_copies_not_inserted(const char *display_name, uint64 inserted, uint64 wanted)
{
	ereport(ERROR,
			(errcode(ERRCODE_TRIGGERED_ACTION_EXCEPTION),
			 errmsg(UINT64_FORMAT " of " UINT64_FORMAT " copies of rows of table \"%s\" were not inserted",
					wanted - inserted, wanted, display_name),
			 errdetail("A BEFORE INSERT trigger on the table returned NULL.")));
}

/*
 * A BEFORE INSERT trigger gave some copies of a table another key than the
 * one made for them.  The set shape has already pointed references at the
 * keys it made, so it cannot follow; it never returns a key that does not
 * exist.
 */
void
rowclone_copy_keys_changed(const char *display_name, uint64 changed, uint64 inserted)
{
	ereport(ERROR,
			(errcode(ERRCODE_TRIGGERED_ACTION_EXCEPTION),
			 errmsg("a BEFORE INSERT trigger on table \"%s\" changed the primary key of " UINT64_FORMAT " of " UINT64_FORMAT " copies",
					display_name, changed, inserted),
			 errdetail("The keys this call returns and the references of other copies to them would name rows that do not exist."),
			 errhint("clone_row without cascade follows a key set by a trigger; otherwise let the trigger keep the key of the row it is given.")));
}
