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

#endif							/* ROWCLONE_COMPAT_H */
