/*-------------------------------------------------------------------------
 *
 * execute.h
 *	  Running a clone plan.
 *
 *-------------------------------------------------------------------------
 */
#ifndef ROWCLONE_EXECUTE_H
#define ROWCLONE_EXECUTE_H

#include "postgres.h"

#include "keys.h"
#include "plan.h"

extern Datum rowclone_execute(RowclonePlan *plan, RowcloneKey *key,
							  Datum overrides, bool *isnull);

#endif							/* ROWCLONE_EXECUTE_H */
