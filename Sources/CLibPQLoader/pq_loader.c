#include "pq_loader.h"

#include <dlfcn.h>
#include <pthread.h>
#if __has_include(<libpq-fe.h>)
#include <libpq-fe.h>
#else
#include <postgresql/libpq-fe.h>
#endif
#include <stdio.h>

/* Every libpq function wir uses: return type, name, parameters, arguments. */
#define PQ_VALUE_FUNCTIONS(X) \
    X(PGconn *, PQconnectStartParams, (const char *const *keywords, const char *const *values, int expand_dbname), \
      (keywords, values, expand_dbname)) \
    X(PostgresPollingStatusType, PQconnectPoll, (PGconn *conn), (conn)) \
    X(PGconn *, PQconnectdb, (const char *conninfo), (conninfo)) \
    X(ConnStatusType, PQstatus, (const PGconn *conn), (conn)) \
    X(char *, PQerrorMessage, (const PGconn *conn), (conn)) \
    X(int, PQsocket, (const PGconn *conn), (conn)) \
    X(int, PQbackendPID, (const PGconn *conn), (conn)) \
    X(PQnoticeProcessor, PQsetNoticeProcessor, (PGconn *conn, PQnoticeProcessor proc, void *arg), (conn, proc, arg)) \
    X(PGresult *, PQexec, (PGconn *conn, const char *query), (conn, query)) \
    X(PGresult *, PQprepare, (PGconn *conn, const char *stmtName, const char *query, int nParams, \
                              const Oid *paramTypes), (conn, stmtName, query, nParams, paramTypes)) \
    X(PGresult *, PQexecPrepared, (PGconn *conn, const char *stmtName, int nParams, const char *const *paramValues, \
                                   const int *paramLengths, const int *paramFormats, int resultFormat), \
      (conn, stmtName, nParams, paramValues, paramLengths, paramFormats, resultFormat)) \
    X(ExecStatusType, PQresultStatus, (const PGresult *res), (res)) \
    X(char *, PQresultErrorField, (const PGresult *res, int fieldcode), (res, fieldcode)) \
    X(int, PQntuples, (const PGresult *res), (res)) \
    X(int, PQnfields, (const PGresult *res), (res)) \
    X(char *, PQgetvalue, (const PGresult *res, int tup_num, int field_num), (res, tup_num, field_num)) \
    X(int, PQgetisnull, (const PGresult *res, int tup_num, int field_num), (res, tup_num, field_num)) \
    X(char *, PQcmdTuples, (PGresult *res), (res)) \
    X(int, PQsetnonblocking, (PGconn *conn, int arg), (conn, arg)) \
    X(int, PQsendQuery, (PGconn *conn, const char *query), (conn, query)) \
    X(int, PQsendQueryParams, (PGconn *conn, const char *command, int nParams, const Oid *paramTypes, \
                               const char *const *paramValues, const int *paramLengths, const int *paramFormats, \
                               int resultFormat), \
      (conn, command, nParams, paramTypes, paramValues, paramLengths, paramFormats, resultFormat)) \
    X(int, PQsendPrepare, (PGconn *conn, const char *stmtName, const char *query, int nParams, \
                           const Oid *paramTypes), (conn, stmtName, query, nParams, paramTypes)) \
    X(int, PQsendQueryPrepared, (PGconn *conn, const char *stmtName, int nParams, const char *const *paramValues, \
                                 const int *paramLengths, const int *paramFormats, int resultFormat), \
      (conn, stmtName, nParams, paramValues, paramLengths, paramFormats, resultFormat)) \
    X(int, PQflush, (PGconn *conn), (conn)) \
    X(int, PQisBusy, (PGconn *conn), (conn)) \
    X(PGresult *, PQgetResult, (PGconn *conn), (conn)) \
    X(int, PQconsumeInput, (PGconn *conn), (conn)) \
    X(PGnotify *, PQnotifies, (PGconn *conn), (conn)) \
    X(int, PQlibVersion, (void), ())

/* Pipeline mode (libpq 14 and later): optional. A libpq without it still loads, and
   pqloader_has_pipeline() says 0; these must then not be called. */
#define PQ_PIPELINE_FUNCTIONS(X) \
    X(int, PQenterPipelineMode, (PGconn *conn), (conn)) \
    X(int, PQexitPipelineMode, (PGconn *conn), (conn)) \
    X(int, PQpipelineSync, (PGconn *conn), (conn))

#define PQ_VOID_FUNCTIONS(X) \
    X(PQfinish, (PGconn *conn), (conn)) \
    X(PQclear, (PGresult *res), (res)) \
    X(PQfreemem, (void *ptr), (ptr))

#define POINTER(type, name, params, args) static type (*loaded_##name) params;
#define VOID_POINTER(name, params, args) static void (*loaded_##name) params;
PQ_VALUE_FUNCTIONS(POINTER)
PQ_PIPELINE_FUNCTIONS(POINTER)
PQ_VOID_FUNCTIONS(VOID_POINTER)

/* Hidden: they serve wir's own code only, and must never stand in for a host
   program's libpq (even in a build without the version script). */
#define HIDDEN __attribute__((visibility("hidden")))
#define TRAMPOLINE(type, name, params, args) HIDDEN type name params { return loaded_##name args; }
#define VOID_TRAMPOLINE(name, params, args) HIDDEN void name params { loaded_##name args; }
PQ_VALUE_FUNCTIONS(TRAMPOLINE)
PQ_PIPELINE_FUNCTIONS(TRAMPOLINE)
PQ_VOID_FUNCTIONS(VOID_TRAMPOLINE)

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char failure[512];
static int has_pipeline;

static void load(void) {
    void *library = dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        const char *why = dlerror();
        snprintf(failure, sizeof failure, "PostgreSQL registries need libpq (Debian: libpq5), which cannot be "
                 "loaded: %s", why ? why : "libpq.so.5 not found");
        return;
    }
#define RESOLVE(name) \
    if ((*(void **)&loaded_##name = dlsym(library, #name)) == NULL) { \
        snprintf(failure, sizeof failure, "the libpq found lacks %s (too old?)", #name); \
        return; \
    }
#define RESOLVE_VALUE(type, name, params, args) RESOLVE(name)
#define RESOLVE_VOID(name, params, args) RESOLVE(name)
    PQ_VALUE_FUNCTIONS(RESOLVE_VALUE)
    PQ_VOID_FUNCTIONS(RESOLVE_VOID)
#define RESOLVE_OPTIONAL(type, name, params, args) *(void **)&loaded_##name = dlsym(library, #name);
    PQ_PIPELINE_FUNCTIONS(RESOLVE_OPTIONAL)
    has_pipeline = loaded_PQenterPipelineMode != NULL && loaded_PQexitPipelineMode != NULL
        && loaded_PQpipelineSync != NULL;
}

int pqloader_load(char *error, size_t size) {
    pthread_once(&once, load);
    if (failure[0] == '\0') return 0;
    if (error != NULL && size > 0) snprintf(error, size, "%s", failure);
    return -1;
}

int pqloader_has_pipeline(void) {
    pthread_once(&once, load);
    return failure[0] == '\0' && has_pipeline;
}
