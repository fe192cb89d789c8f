/*-------------------------------------------------------------------------
 *
 * compat.h
 *	  Shims over differences between the PostgreSQL versions rowclone
 *	  builds against (15 to 19).  Every #if PG_VERSION_NUM lives here.
 *
 *-------------------------------------------------------------------------
 */
#ifndef ROWCLONE_COMPAT_H
#define ROWCLONE_COMPAT_H

#include "postgres.h"
#include "catalog/pg_class.h"
#include "utils/acl.h"
#include "utils/regproc.h"
#include "utils/jsonb.h"
#include "utils/relcache.h"

/* PostgreSQL 16 added a soft-error context argument. */
#if PG_VERSION_NUM >= 160000
#define rowclone_qualified_name_list(str) stringToQualifiedNameList((str), NULL)
#else
#define rowclone_qualified_name_list(str) stringToQualifiedNameList(str)
#endif

/*
 * PostgreSQL 18 added deferrable_ok: false keeps the meaning of earlier
 * versions (a deferrable primary key is not one to rely on).
 */
#if PG_VERSION_NUM >= 180000
#define rowclone_primary_key_index(rel) RelationGetPrimaryKeyIndex((rel), false)
#else
#define rowclone_primary_key_index(rel) RelationGetPrimaryKeyIndex(rel)
#endif

/* PostgreSQL 16 made ownership checks generic over object classes. */
#if PG_VERSION_NUM >= 160000
#define rowclone_is_owner(relid, roleid) \
	object_ownercheck(RelationRelationId, (relid), (roleid))
#else
#define rowclone_is_owner(relid, roleid) pg_class_ownercheck((relid), (roleid))
#endif

/*
 * PostgreSQL 19 builds jsonb in a JsonbInState, whose result field holds
 * the value once it is complete; before, pushJsonbValue took the parse
 * state's address and returned the value.  RowcloneJsonbBuilder is either,
 * zeroed to start, and ->result is the value in both.
 */
#if PG_VERSION_NUM >= 190000
typedef JsonbInState RowcloneJsonbBuilder;
#define rowclone_jsonb_push(b, seq, v) pushJsonbValue((b), (seq), (v))
#else
typedef struct RowcloneJsonbBuilder
{
	JsonbParseState *parseState;
	JsonbValue *result;
} RowcloneJsonbBuilder;
#define rowclone_jsonb_push(b, seq, v) \
	((b)->result = pushJsonbValue(&(b)->parseState, (seq), (v)))
#endif

/*
 * PostgreSQL 19's copyObject casts with typeof_unqual when the compiler the
 * server was built with has it; a gcc before 14 building an extension
 * against those headers does not: plain typeof does the same for the
 * non-const nodes rowclone copies.
 */
#if PG_VERSION_NUM >= 190000 && defined(HAVE_TYPEOF_UNQUAL) && \
	defined(__GNUC__) && !defined(__clang__) && __GNUC__ < 14
#include "nodes/nodes.h"
#undef copyObject
#define copyObject(obj) ((__typeof__(*(obj)) *) copyObjectImpl(obj))
#endif

#endif							/* ROWCLONE_COMPAT_H */
