/*-------------------------------------------------------------------------
 *
 * progress.c
 *	  Progress of a set-based clone, table by table: how many tables it
 *	  writes, how many are done, how many rows are copied so far, and the
 *	  table being written now.
 *
 * Other sessions read it from the rowclone_progress view.  An extension
 * cannot add a progress command of its own, so a clone reports through the
 * backend's COPY progress slot (pg_stat_get_progress_info('COPY')), marked
 * by a PROGRESS_COPY_COMMAND value that COPY never uses; the view selects
 * those rows (pg_stat_progress_copy shows them with a NULL command).  Only
 * a clone that finds the slot free reports: the outermost one, and none
 * inside a COPY.  With rowclone.progress on, each table done is also a
 * NOTICE to the calling session.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "commands/progress.h"
#include "utils/backend_progress.h"
#include "utils/backend_status.h"
#include "utils/guc.h"

#include "progress.h"

/* PROGRESS_COPY_COMMAND of a clone; the view rowclone_progress selects it */
#define ROWCLONE_PROGRESS_MARK 7302

/* slots of the COPY progress parameters a clone uses (see the view) */
#define PROGRESS_TABLES_DONE PROGRESS_COPY_BYTES_PROCESSED
#define PROGRESS_TABLES PROGRESS_COPY_BYTES_TOTAL
#define PROGRESS_ROWS PROGRESS_COPY_TUPLES_PROCESSED
#define PROGRESS_CURRENT PROGRESS_COPY_TUPLES_EXCLUDED

static bool progress_notices = false;

void
rowclone_progress_init(void)
{
	DefineCustomBoolVariable("rowclone.progress",
							 "Reports each table a clone has copied as a NOTICE.",
							 "Other sessions can watch a clone in the rowclone_progress view either way.",
							 &progress_notices, false, PGC_USERSET, 0, NULL, NULL, NULL);
}

void
rowclone_progress_begin(RowcloneProgress *progress, Oid source_relid, int tables)
{
	const int	index[] = {PROGRESS_COPY_COMMAND, PROGRESS_TABLES, PROGRESS_TABLES_DONE,
	PROGRESS_ROWS, PROGRESS_CURRENT};
	int64		values[] = {ROWCLONE_PROGRESS_MARK, tables, 0, 0, 0};

	memset(progress, 0, sizeof(*progress));
	progress->tables = tables;
	if (MyBEEntry == NULL || MyBEEntry->st_progress_command != PROGRESS_COMMAND_INVALID)
		return;
	pgstat_progress_start_command(PROGRESS_COMMAND_COPY, source_relid);
	pgstat_progress_update_multi_param(lengthof(index), index, values);
	progress->reporting = true;
}

void
rowclone_progress_table_start(RowcloneProgress *progress, Oid relid)
{
	if (progress->reporting)
		pgstat_progress_update_param(PROGRESS_CURRENT, relid);
}

void
rowclone_progress_table_done(RowcloneProgress *progress, const char *display_name, uint64 rows)
{
	progress->tables_done++;
	progress->rows_copied += rows;
	if (progress->reporting)
	{
		const int	index[] = {PROGRESS_TABLES_DONE, PROGRESS_ROWS, PROGRESS_CURRENT};
		int64		values[] = {progress->tables_done, (int64) progress->rows_copied, 0};

		pgstat_progress_update_multi_param(lengthof(index), index, values);
	}
	if (progress_notices)
		ereport(NOTICE,
				(errhidecontext(true),
				 errmsg("copied " UINT64_FORMAT " %s of table \"%s\" (%d of %d tables, " UINT64_FORMAT " rows in all)",
						rows, rows == 1 ? "row" : "rows", display_name,
						progress->tables_done, progress->tables, progress->rows_copied)));
}

void
rowclone_progress_end(RowcloneProgress *progress)
{
	if (progress->reporting)
		pgstat_progress_end_command();
	progress->reporting = false;
}

/* An error ended the outermost clone: free the slot if a clone holds it. */
void
rowclone_progress_abort(void)
{
	if (MyBEEntry != NULL && MyBEEntry->st_progress_command == PROGRESS_COMMAND_COPY &&
		MyBEEntry->st_progress_param[PROGRESS_COPY_COMMAND] == ROWCLONE_PROGRESS_MARK)
		pgstat_progress_end_command();
}
