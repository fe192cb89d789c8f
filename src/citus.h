/*-------------------------------------------------------------------------
 *
 * citus.h
 *	  What rowclone knows of Citus, when it is installed: which tables it
 *	  distributes (read from its catalog pg_dist_partition, never through
 *	  SQL a search_path could redirect), and the settings a clone needs.
 *
 *-------------------------------------------------------------------------
 */
#ifndef ROWCLONE_CITUS_H
#define ROWCLONE_CITUS_H

#include "access/attnum.h"

/* pg_dist_partition.partmethod, or this when Citus does not know the table */
#define RC_CITUS_LOCAL '\0'
#define RC_CITUS_REFERENCE 'n'
#define RC_CITUS_HASH 'h'

extern void rowclone_citus_table(Oid relid, char *partmethod, AttrNumber *distcol);
extern void rowclone_citus_check_worker_key(const char *table, const char *column, Oid typid);
extern int	rowclone_citus_clone_begin(bool sequential);
extern void rowclone_citus_clone_end(int level);

#endif							/* ROWCLONE_CITUS_H */
