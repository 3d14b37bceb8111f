#ifndef WIR_BENCH_SAME_STATEMENTS_H
#define WIR_BENCH_SAME_STATEMENTS_H

/* wir-bench's yardsticks written in C, straight on libsqlite3 (see same_statements.c
   and statement_count.c). Not thread-safe: one thread uses them. */

#include <stdint.h>

typedef struct same_statements same_statements;

/* Opens `registry`, a file wir_open already made (wir's own schema), and prepares the
   statements a claim+release of `path` (canonical, absolute) runs. NULL on failure.
   The caller closes it with same_statements_close. */
same_statements *same_statements_open(const char *registry, const char *path);

/* One claim (BEGIN IMMEDIATE .. COMMIT) and one release (another transaction) of the
   path. 0 on success, else the SQLite result code that stopped it. */
int same_statements_claim_release(same_statements *s);

void same_statements_close(same_statements *s);

/* How many statement executions (sqlite3_step calls that start one) this process has
   made through libsqlite3 since it started, wir's included. */
uint64_t statements_run(void);

/* The WAL frames in `registry`'s log now (PRAGMA wal_checkpoint on a connection of its
   own, which also checkpoints them), or -1. With `truncate`, a TRUNCATE checkpoint that
   empties the log first, so the next writer starts it from frame 0. */
int64_t wal_frames(const char *registry, int truncate);

#endif
