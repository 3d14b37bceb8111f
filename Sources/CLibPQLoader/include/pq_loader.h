#ifndef WIR_PQ_LOADER_H
#define WIR_PQ_LOADER_H

#include <stddef.h>

/* libpq, loaded when the first PostgreSQL registry is opened rather than
   linked: a process that only uses SQLite registries never loads libpq and
   the TLS, Kerberos and LDAP libraries it pulls in (several milliseconds of
   dynamic linking at every start).

   The PQ* functions the Swift code calls (declared by libpq-fe.h through the
   CLibPQ module) are defined in pq_loader.c as trampolines into the loaded
   library; they may be called only after pqloader_load() succeeded. */

/* Loads libpq.so.5 once per process (thread-safe; later calls return the
   first result). Returns 0, or -1 with a message in `error` (always
   NUL-terminated; the caller owns the buffer). */
int pqloader_load(char *error, size_t size);

/* 1 when the loaded libpq has pipeline mode (PQenterPipelineMode, PQexitPipelineMode,
   PQpipelineSync: libpq 14 and later), else 0 (also when it could not be loaded). */
int pqloader_has_pipeline(void);

#endif
