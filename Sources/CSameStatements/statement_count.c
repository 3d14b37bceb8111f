/* Counts statement executions in wir-bench. The bench links wir's modules and this file
   into one executable, so every call to sqlite3_step made by its code (wir's store
   included) binds to this definition, which counts and calls libsqlite3's. A step on a
   statement that is not busy starts an execution: a query stepped row by row counts once. */
#define _GNU_SOURCE
#include "same_statements.h"

#include <dlfcn.h>
#include <sqlite3.h>
#include <stdlib.h>

static uint64_t executions;
static int (*real_step)(sqlite3_stmt *);

int sqlite3_step(sqlite3_stmt *statement) {
    if (!real_step) {
        real_step = (int (*)(sqlite3_stmt *))dlsym(RTLD_NEXT, "sqlite3_step");
        if (!real_step) abort();
    }
    if (!sqlite3_stmt_busy(statement)) __atomic_add_fetch(&executions, 1, __ATOMIC_RELAXED);
    return real_step(statement);
}

uint64_t statements_run(void) { return __atomic_load_n(&executions, __ATOMIC_RELAXED); }

int64_t wal_frames(const char *registry, int truncate) {
    sqlite3 *db = NULL;
    sqlite3_stmt *checkpoint = NULL;
    int64_t frames = -1;
    if (sqlite3_open_v2(registry, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK
        && sqlite3_prepare_v2(db, truncate ? "PRAGMA wal_checkpoint(TRUNCATE)" : "PRAGMA wal_checkpoint(PASSIVE)",
                              -1, &checkpoint, NULL) == SQLITE_OK
        && sqlite3_step(checkpoint) == SQLITE_ROW && sqlite3_column_int(checkpoint, 0) == 0)
        frames = sqlite3_column_int64(checkpoint, 1);
    sqlite3_finalize(checkpoint);
    sqlite3_close(db);
    return frames;
}
