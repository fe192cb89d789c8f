/*-------------------------------------------------------------------------
 *
 * progress.h
 *	  Watching a long clone: progress per table, for other sessions (the
 *	  rowclone_progress view) and as NOTICEs (rowclone.progress).
 *
 *-------------------------------------------------------------------------
 */
#ifndef ROWCLONE_PROGRESS_H
#define ROWCLONE_PROGRESS_H

#include "postgres.h"

typedef struct RowcloneProgress
{
	bool		reporting;		/* this clone owns the backend's progress slot */
	int			tables;			/* tables the clone writes */
	int			tables_done;
	uint64		rows_copied;
} RowcloneProgress;

extern void rowclone_progress_init(void);
extern void rowclone_progress_begin(RowcloneProgress *progress, Oid source_relid, int tables);
extern void rowclone_progress_table_start(RowcloneProgress *progress, Oid relid);
extern void rowclone_progress_table_done(RowcloneProgress *progress, const char *display_name,
										 uint64 rows);
extern void rowclone_progress_end(RowcloneProgress *progress);
extern void rowclone_progress_abort(void);

#endif							/* ROWCLONE_PROGRESS_H */
