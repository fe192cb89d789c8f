/*-------------------------------------------------------------------------
 *
 * compat.h
 *	  Shims over differences between the PostgreSQL versions rowclone
 *	  builds against (13 to 17).  Every #if PG_VERSION_NUM lives here.
 *
 *-------------------------------------------------------------------------
 */
#ifndef ROWCLONE_COMPAT_H
#define ROWCLONE_COMPAT_H

#include "postgres.h"
#include "utils/regproc.h"

/* PostgreSQL 16 added a soft-error context argument. */
#if PG_VERSION_NUM >= 160000
#define rowclone_qualified_name_list(str) stringToQualifiedNameList((str), NULL)
#else
#define rowclone_qualified_name_list(str) stringToQualifiedNameList(str)
#endif

#endif							/* ROWCLONE_COMPAT_H */
