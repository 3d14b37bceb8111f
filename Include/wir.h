/*
 * wir.h - the write-intent registry, C API.
 *
 * A task declares the paths it will write before it starts. The registry, a
 * SQLite file shared by every process on the machine, admits the claim if no
 * claim held by another task overlaps it, and otherwise refuses it with a
 * report naming who holds what. Claims end on release, when their lease
 * lapses without a heartbeat, or when their owning process is found dead.
 *
 * Paths
 *   Paths are canonicalised before use: relative paths resolve against the
 *   caller's working directory, "." / ".." / repeated slashes fold, symlinks
 *   resolve for the part of the path that exists, a trailing slash is
 *   ignored. Two paths overlap when they are equal or one is an ancestor
 *   directory of the other, component-wise ("/data" overlaps "/data/x" but
 *   not "/data.db"; "/" overlaps everything). Paths must be valid UTF-8, at
 *   most WIR_PATH_MAX bytes, and may not be empty.
 *
 * Memory
 *   Objects the library returns (wir_registry, wir_claim) are freed with the
 *   library's own functions (wir_close, wir_claim_free), never with free().
 *   Strings and structs returned by accessors are borrowed: they stay valid
 *   until the object they came from is freed. Strings passed in are copied;
 *   the caller keeps ownership of them.
 *
 * Threading
 *   One wir_registry may be used by many threads at once; calls on it are
 *   serialised internally. Many processes may open the same registry file.
 *   A wir_claim may be handed between threads but must not be used by two
 *   threads at the same time. Error messages are per thread: wir_errmsg()
 *   returns the message of the calling thread's most recent call.
 *   Fork: a child made by fork() opens and uses registries of its own (pools
 *   of forked workers work); the handles it inherited return WIR_EFORK. Around
 *   each fork wir closes its SQLite connections (a pthread_atfork handler waits
 *   for calls in progress) and opens them again on the next call, so the child
 *   inherits none of SQLite's in-process lock bookkeeping. wir_close on a
 *   handle the child inherited is safe: the connection is left alone there.
 *
 * Stability
 *   Functions, status codes and struct fields declared here keep their
 *   meaning within a major version. New status codes, functions, policies
 *   and option fields may be added; callers should treat unknown negative
 *   status codes as errors. Option structs carry a version field: always
 *   initialise them with their *_INIT macro.
 */
#ifndef WIR_H
#define WIR_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) || defined(__clang__)
#define WIR_API __attribute__((visibility("default")))
#else
#define WIR_API
#endif

/* ---- Version ------------------------------------------------------------ */

#define WIR_VERSION_MAJOR 0
#define WIR_VERSION_MINOR 1
#define WIR_VERSION_PATCH 0
/** MAJOR * 1000000 + MINOR * 1000 + PATCH. */
#define WIR_VERSION_NUMBER \
    (WIR_VERSION_MAJOR * 1000000 + WIR_VERSION_MINOR * 1000 + WIR_VERSION_PATCH)

/** The version of the library loaded at run time, as WIR_VERSION_NUMBER.
 *  Thread-safe. */
WIR_API int wir_version_number(void);

/** The run-time version as "MAJOR.MINOR.PATCH"; static storage, never freed.
 *  Thread-safe. */
WIR_API const char *wir_version(void);

/* ---- Status codes ------------------------------------------------------- */
/* Every function that can fail returns one of these. New codes may be added. */

#define WIR_OK          0   /* success */
#define WIR_EINVAL     -1   /* an argument is invalid (NULL, empty, out of range, not UTF-8) */
#define WIR_ENOMEM     -2   /* out of memory */
#define WIR_ECONFLICT  -3   /* refused: overlaps a claim held by another task */
#define WIR_ETIMEDOUT  -4   /* gave up waiting (queue policy) */
#define WIR_ELOST      -5   /* the claim is no longer held: released, expired or reaped */
#define WIR_EKEY       -6   /* the claim's secret key does not match */
#define WIR_ENOTFOUND  -7   /* no claim with that task id is in flight */
#define WIR_EEXIST     -8   /* the task id is in flight under another owner */
#define WIR_ESTALE     -9   /* the fencing token does not hold that path */
#define WIR_EBUSY     -10   /* the registry stayed locked beyond the busy timeout */
#define WIR_EIO       -11   /* the registry file cannot be opened, read or written */
#define WIR_ECORRUPT  -12   /* the registry file is not a database, or is damaged */
#define WIR_ESCHEMA   -13   /* not a wir registry, or written by a newer wir */
#define WIR_EPATH     -14   /* a path cannot be resolved (symlink loop, too long) */
#define WIR_EFORK     -15   /* a handle used in a fork() child of the process that opened it */
#define WIR_ENOTSUP   -16   /* not supported by this version or this kind of registry */
#define WIR_EINTERNAL -17   /* a bug in wir; the message says where */
#define WIR_ECANCELED -18   /* a queued claim was cancelled by wir_cancel */
#define WIR_EDEADLK   -19   /* a queued claim would wait for ever: a process above the caller
                               owns what it waits for */

/** Static text describing a status code (e.g. "claim conflicts with another
 *  task"). Never NULL, never freed. Thread-safe. */
WIR_API const char *wir_errstr(int status);

/** The message of the calling thread's most recent wir call: for a failed call
 *  it names the argument, path, task or file involved; after a successful
 *  call it is "not an error". Borrowed: valid until the calling thread makes
 *  its next wir call. Never NULL. Thread-safe (the message is per thread).
 *  One line: control characters (C0, DEL, C1, U+2028, U+2029) and bidirectional
 *  overrides in the names it quotes, which may come from a shared registry, are
 *  shown escaped ("\x1b", "\u{202e}"); passwords in a registry location never
 *  appear ("***"). */
WIR_API const char *wir_errmsg(void);

/* ---- Limits and enumerations -------------------------------------------- */

/** Longest accepted path, task id or key, in bytes (without the NUL). */
#define WIR_PATH_MAX     4096
#define WIR_TASK_ID_MAX   256
/* At most this many entries (writes and reads) in one claim. */
#define WIR_ENTRIES_MAX  10000
/* At most this many wildcards that match runs ('*', '**') in one glob. */
#define WIR_GLOB_WILDCARDS_MAX 32
/* A conflict report lists (and the conflict log keeps) at most this many
 * overlapping pairs of one request; wir_claim_conflict_total counts them all. */
#define WIR_CONFLICTS_MAX 100
/** Default lease: 10 minutes. Shortest lease: 1 s (a shorter one lapses between
 *  its holder's renewals: wir run and Python's heartbeat renew every third of
 *  it). Longest lease: 366 days. WIR_TTL_WHILE_ALIVE
 *  holds a claim as long as one of its owners lives, with no heartbeat: owners
 *  on this host are judged by /proc; other hosts (a PostgreSQL registry) see a
 *  60 s host lease, renewed by wir_heartbeat and by wir calls on the owner's host. */
#define WIR_TTL_DEFAULT_MS 600000
#define WIR_TTL_MIN_MS     1000
#define WIR_TTL_MAX_MS     31622400000LL
#define WIR_TTL_WHILE_ALIVE (-1)

/** Claim policies: what happens when a claim overlaps one held by another task. */
#define WIR_POLICY_DEFAULT 0  /* $WIR_POLICY if set, else the registry's default (refuse
                                 unless changed with wir_config_set) */
#define WIR_POLICY_REFUSE  1  /* fail at once with WIR_ECONFLICT and a report */
#define WIR_POLICY_QUEUE   2  /* wait in fair order until admitted (WIR_ETIMEDOUT after
                                 timeout_ms; WIR_ECANCELED after wir_cancel) */
#define WIR_POLICY_WARN    3  /* admit anyway; the report is on the claim and goes to the
                                 warn callback and the conflict log */

/** Access of an entry: written, or only read. Reads never conflict with reads. */
#define WIR_ACCESS_WRITE 0
#define WIR_ACCESS_READ  1

/** How a task ended, recorded in the registry's history by wir_release. */
#define WIR_OUTCOME_COMPLETED 0
#define WIR_OUTCOME_FAILED    1
#define WIR_OUTCOME_CANCELLED 2

/* ---- Registry handles --------------------------------------------------- */

/** An open registry. Opaque; thread-safe. */
typedef struct wir_registry wir_registry;

/** Opens (creating if missing) a registry: a file, or a PostgreSQL schema.
 *  @param[out] out   receives the handle; set to NULL on failure. Not NULL.
 *  @param path       the registry file, or NULL for the default: $WIR_REGISTRY,
 *                    else $XDG_STATE_HOME/wir/registry.db, else
 *                    ~/.local/state/wir/registry.db. Missing parent directories
 *                    are created with mode 0700 and the file with mode 0600.
 *                    A "postgresql://" or "postgres://" URL (libpq's syntax,
 *                    plus "wir_schema=NAME", default "wir") opens a registry
 *                    shared by several hosts, its tables created or migrated
 *                    in that schema; leases then go by the server's clock.
 *                    A server that cannot be reached, or a connection lost
 *                    later, gives WIR_EIO (the next call reconnects). So does
 *                    one that stops answering: connecting, and each round trip
 *                    of every call, must finish within $WIR_PG_TIMEOUT (a
 *                    duration, 100ms to 1h; default 10s), or the connection
 *                    is closed.
 *                    Refused with WIR_EINVAL, creating nothing: a URL of any
 *                    other scheme ("postgressql://", "file://"), a libpq
 *                    keyword/value string ("host=db dbname=app": write
 *                    "./host=db" for a file of that name), and with NULL a
 *                    relative $WIR_REGISTRY (each working directory would get
 *                    a registry of its own).
 *  @return WIR_OK; WIR_EINVAL (out NULL, path empty or not UTF-8, one of the
 *          strings above, a $WIR_PG_TIMEOUT that is not a duration in range);
 *          WIR_EIO (the
 *          file or its directory cannot be created or opened, e.g. the path is a
 *          directory); WIR_ECORRUPT (not a SQLite database); WIR_ESCHEMA (another
 *          program's database, or a newer wir's registry: the file is left
 *          untouched); WIR_EBUSY (locked by another process beyond the busy
 *          timeout); WIR_ENOMEM.
 *  The handle is freed with wir_close. Thread-safe. */
WIR_API int wir_open(wir_registry **out, const char *path);

/** Closes a registry handle and frees it. NULL is a no-op. Claims made through
 *  the handle stay held (release them first, or let their leases lapse).
 *  Using the handle afterwards is undefined, as with free(). Must not race
 *  with other calls on the same handle. */
WIR_API void wir_close(wir_registry *reg);

/** The canonical path of the registry file (or the PostgreSQL URL as given).
 *  Borrowed: valid until wir_close.
 *  NULL if reg is NULL. Thread-safe. */
WIR_API const char *wir_registry_path(const wir_registry *reg);

/* ---- Claims ------------------------------------------------------------- */
/* The claim object's type is wir_claim_t: in C a typedef and a function share
 * one namespace, and the function wir_claim keeps the plain name. */

/** A claim: admitted (it holds its paths until released or lost) or refused
 *  (it carries the conflict report). Opaque; freed with wir_claim_free. */
typedef struct wir_claim wir_claim_t;

/** One overlapping pair in a conflict report. Owned by the wir_claim it came
 *  from; valid until wir_claim_free. Fields may be appended in later minor
 *  versions (the library allocates this struct, never the caller). */
typedef struct wir_conflict {
    const char *requested_path;  /* canonical path asked for by this claim */
    const char *held_path;       /* canonical path held by the other task */
    const char *holder_task_id;  /* the other task's id */
    const char *holder_host;     /* host name of the other task's owner */
    int64_t holder_pid;          /* pid of the other task's owner on that host */
    int64_t holder_expires_ms;   /* when its lease lapses, ms since the Unix epoch; 0 for
                                    a waiter ahead in the queue */
    int32_t requested_access;    /* WIR_ACCESS_* of the requested entry */
    int32_t held_access;         /* WIR_ACCESS_* of the held entry */
    int32_t holder_waiting;      /* 1 when the other task is not holding but queued ahead */
    int32_t holder_while_alive;  /* 1 when the holder's claim lasts while its owners live: it
                                    has no lease end of its own (holder_expires_ms is then the
                                    host lease other hosts judge it by) */
} wir_conflict;

/** Options for wir_claim. Initialise with WIR_CLAIM_OPTS_INIT, then set fields. */
typedef struct wir_claim_opts {
    uint32_t version;           /* WIR_CLAIM_OPTS_VERSION; set by WIR_CLAIM_OPTS_INIT */
    const char *task_id;        /* NULL: a unique id is generated */
    const char *const *writes;  /* paths or globs this task will write; NULL if n_writes is 0 */
    size_t n_writes;            /* number of them */
    int64_t ttl_ms;             /* lease length; 0: the registry's default (WIR_TTL_DEFAULT_MS
                                   unless set; growing a claim: its own TTL);
                                   WIR_TTL_WHILE_ALIVE; else WIR_TTL_MIN_MS to
                                   WIR_TTL_MAX_MS */
    int32_t policy;             /* WIR_POLICY_*; 0: the registry's default */
    int64_t timeout_ms;         /* queue policy: -1 (the default) waits for ever, 0 tries
                                   once, else milliseconds (INT64_MAX: for ever too) */
    const char *key;            /* to extend a task's claim from another process: its key */
    int64_t owner_pid;          /* 0: the calling process owns the claim; else a live pid
                                   on this host whose death ends the claim */
    const char *const *reads;   /* paths or globs this task will only read; may be NULL */
    size_t n_reads;             /* number of them; n_writes + n_reads must be at least 1 */
    const char *label;          /* free text shown in listings ("nightly build"); may be NULL */
    /* Version 2: sub-claims. */
    const char *parent_task_id; /* make this a sub-claim of that claim in flight; NULL: none */
    const char *parent_key;     /* the parent claim's key (required with parent_task_id) */
    /* Version 3: confined runs (see wir_confine). */
    const char *const *allow_writes; /* paths (not globs) a confined run of the task may write
                                        without claiming them, such as its private temporary
                                        directory: recorded with the claim and listed, so others
                                        see what it may touch; NULL if n_allow_writes is 0 */
    size_t n_allow_writes;      /* number of them */
} wir_claim_opts;

/** Version 1 and 2 callers (without the later fields) keep working. */
#define WIR_CLAIM_OPTS_VERSION 3
#define WIR_CLAIM_OPTS_INIT \
    { WIR_CLAIM_OPTS_VERSION, NULL, NULL, 0, 0, WIR_POLICY_DEFAULT, -1, NULL, 0, NULL, 0, NULL, NULL, NULL, NULL, 0 }

/** Claims every entry in opts->writes and opts->reads for a task, all or nothing.
 *  Sub-claims: with opts->parent_task_id and opts->parent_key the claim is made
 *  under that claim in flight. Its entries that lie within the parent's
 *  (writes within writes, reads within either) are carved out of it; entries
 *  outside are claimed as any claim's are; one that overlaps the parent's
 *  without lying within them is refused (WIR_EINVAL). A sub-claim never
 *  conflicts with the claims above it, nor they with it; it conflicts with
 *  its siblings, their sub-claims and everyone else. It ends when its parent
 *  ends (history: "parent-ended").
 *  An entry is a path, or a glob in git's wildmatch dialect with pathname
 *  semantics if it holds `*`, `?`, `[` or a backslash (see docs/concepts.md);
 *  it stands for every path it matches and everything beneath them. Two
 *  entries conflict when those sets intersect and at least one writes.
 *  On overlap with another task's claim, opts->policy decides. A queued claim
 *  also waits behind earlier queued claims that overlap it (fair order); a
 *  refused or queued claim holds nothing, so waiters cannot deadlock. Growing
 *  a held claim by claiming more under its task id while queued can wait on a
 *  task that waits on it: give such calls a timeout.
 *  If opts->task_id is already in flight and owned by the calling process
 *  (or opts->key is its key), the claim extends it: new paths are added
 *  (all or nothing), the lease is renewed, and if paths were added the claim
 *  gets a new, greater fencing token.
 *  @param[out] out  receives the claim on WIR_OK (under the warn policy it may
 *                   carry a report), WIR_ECONFLICT and WIR_ETIMEDOUT (then it is
 *                   a refused claim carrying the report); NULL otherwise.
 *  @return WIR_OK (admitted); WIR_ECONFLICT (refused: nothing was claimed; see
 *          wir_claim_conflict_count); WIR_ETIMEDOUT (queue policy: still
 *          blocked when timeout_ms ran out); WIR_ECANCELED (queue policy:
 *          wir_cancel was called); WIR_EINVAL (NULL argument, no entries, an
 *          empty, non-UTF-8, too long or malformed path, glob or task id, TTL
 *          or timeout out of range, unknown policy or $WIR_POLICY, bad
 *          version, owner_pid not alive, an entry overlapping the parent's
 *          without lying within them); WIR_EPATH; WIR_EEXIST (task id in
 *          flight under another owner and no matching key); WIR_EKEY (also
 *          the parent's); WIR_ENOTFOUND (the parent is not in flight);
 *          WIR_EDEADLK (queue policy: what it would wait for is owned by a
 *          process above the caller, which waits for it in turn); WIR_EBUSY;
 *          WIR_EIO; WIR_ECORRUPT (also: the token counter is at INT64_MAX or
 *          not a whole number, so no new token could be greater than every
 *          one issued); WIR_EFORK; WIR_ENOMEM.
 *  The claim is freed with wir_claim_free (which does not release it).
 *  Thread-safe; a queued claim does not block other calls on the handle. */
WIR_API int wir_claim(wir_claim_t **out, wir_registry *reg, const wir_claim_opts *opts);

/** Asks which conflicts a claim would meet now, without claiming, queueing or
 *  writing a conflict-log row: what a pre-commit check or a planner needs.
 *  opts is read as by wir_claim, but only its entries, task_id and parent
 *  fields count: conflicts are found as for a refuse claim (holders, and
 *  waiters queued ahead, with holder_waiting set). The task opts->task_id
 *  names, if in flight, and the claims above and below it never conflict
 *  (naming it needs no key); opts->parent_* must be valid as for wir_claim.
 *  Unlike wir_claim, it may name no entries (then it meets no conflict).
 *  Claims found ended on the way are reaped.
 *  @param[out] out  receives an object carrying the report (read it with
 *                   wir_claim_conflict_count and wir_claim_conflict; it holds
 *                   nothing); freed with wir_claim_free. NULL on error.
 *  @return WIR_OK (no conflict); WIR_ECONFLICT (the report lists each
 *          overlapping pair); WIR_EINVAL; WIR_EPATH; WIR_EKEY and
 *          WIR_ENOTFOUND (the parent's); WIR_EBUSY; WIR_EIO; WIR_EFORK;
 *          WIR_ENOMEM. Thread-safe. */
WIR_API int wir_probe(wir_claim_t **out, wir_registry *reg, const wir_claim_opts *opts);

/** Cancels the queued claims (WIR_POLICY_QUEUE) now waiting in wir_claim on
 *  this handle for task `task_id` (NULL: every one); they return WIR_ECANCELED.
 *  @param[out] out  receives how many were waiting; may be NULL.
 *  @return WIR_OK; WIR_EINVAL. Thread-safe: meant to be called from another
 *  thread than the waiting one. */
WIR_API int wir_cancel(size_t *out, wir_registry *reg, const char *task_id);

/** Called when a claim is admitted under the warn policy despite overlaps, on
 *  the claiming thread before wir_claim returns. `claim` is borrowed for the
 *  call; read its report with wir_claim_conflict. */
typedef void (*wir_warn_fn)(void *payload, const wir_claim_t *claim);

/** Sets (or with NULL clears) the handle's warn callback. Thread-safe. */
WIR_API int wir_set_warn_callback(wir_registry *reg, wir_warn_fn fn, void *payload);

/** Called while a claim waits in the queue (WIR_POLICY_QUEUE): when it is
 *  queued (waited_ms 0) and each time it looks again and is still blocked,
 *  on the claiming thread, without the handle's lock. `report` is borrowed
 *  for the call: read what blocks it with wir_claim_conflict (its task id is
 *  empty; it holds nothing). */
typedef void (*wir_wait_fn)(void *payload, const wir_claim_t *report, int64_t waited_ms);

/** Sets (or with NULL clears) the handle's wait callback. Thread-safe. */
WIR_API int wir_set_wait_callback(wir_registry *reg, wir_wait_fn fn, void *payload);

/** Releases some entries of a held claim early, spelled as when claimed; the
 *  rest stay held. (To grow a claim, call wir_claim again with its task id.)
 *  @return WIR_OK; WIR_ENOTFOUND (the claim does not hold one of them: nothing
 *          changed); WIR_EINVAL (NULL, none given, or all of them: release
 *          instead); WIR_ELOST; WIR_EBUSY; WIR_EIO; WIR_EFORK. Thread-safe. */
WIR_API int wir_shrink(wir_registry *reg, wir_claim_t *claim, const char *const *paths, size_t n_paths);

/** Reads a registry-wide default: "policy" (refuse, queue or warn), "ttl_ms",
 *  "grace_ms" (how long a claim whose lease lapsed keeps blocking others;
 *  owners proven dead need none), "log_days" or "history_days" (how many days
 *  conflict-log and history rows are kept, default 30 and 90, 0 for ever;
 *  housekeeping prunes older rows, see wir_prune), or "confine" (off, strict
 *  or best-effort: whether `wir run` confines its command unless told
 *  otherwise). "ttl" and "grace" name the same settings as "ttl_ms" and
 *  "grace_ms".
 *  @param[out] out  receives a string the caller frees with wir_free:
 *                   the policy's or mode's name, or milliseconds or days in decimal.
 *  @return WIR_OK; WIR_EINVAL (unknown name); WIR_EBUSY; WIR_EIO. Thread-safe. */
WIR_API int wir_config_get(char **out, wir_registry *reg, const char *name);

/** Stores a registry-wide default (see wir_config_get) for every process.
 *  @param value  a policy's name; for "ttl_ms" and "grace_ms", milliseconds in
 *                decimal or a number with a unit ("250ms", "30s", "1.5m", "10m",
 *                "1h", "1d"); for "log_days" and "history_days", whole days in
 *                decimal, 0 to 36500; for "confine", off, strict or best-effort
 *                (1 and on mean strict, 0 off). The TTL is WIR_TTL_MIN_MS
 *                to WIR_TTL_MAX_MS, the grace 0 to WIR_TTL_MAX_MS.
 *  @return WIR_OK; WIR_EINVAL (unknown name or bad value); WIR_EBUSY; WIR_EIO. */
WIR_API int wir_config_set(wir_registry *reg, const char *name, const char *value);

/* ---- Owners: who a claim belongs to ------------------------------------- */
/* A claim has one or more owners on its host: processes and process groups.
 * It ends by its owners' death only when every owner is gone; an owner on
 * another host ends it by its lease only. The first owner is the process that
 * made the claim (or opts.owner_pid). */

/** Owner kinds for wir_add_owner and wir_remove_owner's flags. */
#define WIR_OWNER_PROCESS 0
#define WIR_OWNER_GROUP   1  /* `pid` is a process group id: alive while any process is in it */

/** Adds a live process (or, with WIR_OWNER_GROUP, a process group that has a
 *  process) on this host as an owner of the claim. Adding an owner it has
 *  changes nothing.
 *  @return WIR_OK; WIR_EINVAL (NULL, unknown flags, no such live process or
 *          group); WIR_ELOST; WIR_EBUSY; WIR_EIO; WIR_EFORK. Thread-safe. */
WIR_API int wir_add_owner(wir_registry *reg, wir_claim_t *claim, int64_t pid, int flags);

/** Removes an owner (a process, or with WIR_OWNER_GROUP a group, on this host,
 *  alive or not). The last owner cannot be removed: release the claim instead.
 *  @return WIR_OK; WIR_ENOTFOUND (not an owner); WIR_EINVAL (NULL, unknown
 *          flags, the last owner); WIR_ELOST; WIR_EBUSY; WIR_EIO; WIR_EFORK.
 *          Thread-safe. */
WIR_API int wir_remove_owner(wir_registry *reg, wir_claim_t *claim, int64_t pid, int flags);

/** Hands the claim to the live process `pid`: adds it as an owner and removes
 *  the calling process, in one step (a scheduler hands a task's claim to the
 *  worker it spawned, then may exit). The claim's key stays the same.
 *  @return WIR_OK; WIR_EINVAL (NULL, `pid` not a live process on this host);
 *          WIR_ELOST; WIR_EBUSY; WIR_EIO; WIR_EFORK. Thread-safe. */
WIR_API int wir_hand_off(wir_registry *reg, wir_claim_t *claim, int64_t pid);

/* ---- Confined runs (Linux Landlock) ------------------------------------- */
/* A confined process may write only where its claim allows; reading and
 * executing stay unrestricted. The kernel grants by directory tree, so some
 * grants are coarser than the claim (docs/concepts.md, "Confined runs"):
 *   - a write entry that is a directory: everything beneath it;
 *   - a write entry that is a file, or does not exist yet: regular files
 *     beneath its directory (write, truncate, create, remove, rename within
 *     one directory), which writing a temporary file and renaming it over the
 *     target needs;
 *   - a glob: its leading literal directory, as a directory;
 *   - the claim's allow_writes, as write entries;
 *   - the registry's own files (a file registry's file, -wal and -shm; nothing
 *     for PostgreSQL), so the process can still claim under its claim;
 *   - /dev/null, /dev/tty and /dev/pts/<n>.
 * Descriptors opened before confinement (stdout redirected to a file, say)
 * stay usable. What needs which Landlock ABI: 1 (Linux 5.13) refuses writing,
 * creating and removing; 2 (Linux 5.19) renaming and linking between
 * directories, which ABI 1 refuses everywhere; 3 (Linux 6.2) truncating. */

/** wir_confine's flags: one mode, optionally with WIR_CONFINE_CHECK. */
#define WIR_CONFINE_STRICT      0  /* refuse (WIR_ENOTSUP) unless every rule is enforced: ABI 3 */
#define WIR_CONFINE_BEST_EFFORT 1  /* confine as far as the kernel can (not at all without
                                      Landlock); wir_landlock_abi says how far that is */
#define WIR_CONFINE_CHECK       2  /* confine nothing: build the ruleset and return what
                                      confining would, with its message (call it before fork,
                                      where the message can still be shown) */

/** The Landlock ABI this kernel offers: 0 without Landlock, else 1, 2, ...;
 *  $WIR_LANDLOCK_ABI, if set, lowers it (to test the behaviour of an older
 *  kernel; it never raises it). WIR_CONFINE_STRICT needs 3.
 *  @return the ABI; WIR_EINVAL if $WIR_LANDLOCK_ABI is not a number.
 *  Thread-safe. */
WIR_API int wir_landlock_abi(void);

/** Confines the calling thread, and every process it starts from then on, to
 *  writing where `claim` allows (see above), on top of any confinement it
 *  already has: a nested confinement only narrows. Meant for a child made by
 *  fork() just before it calls exec (Python: subprocess's preexec_fn): the
 *  threads of a process other than the caller are not confined. It sets
 *  no_new_privs, so set-user-ID programs run afterwards gain no privileges.
 *  Call it first with WIR_CONFINE_CHECK in the parent: a failure there has a
 *  message the user can see, and leaves the child little left to fail.
 *  It reads the registry's path, never its store, so `reg` and `claim` may be
 *  handles the parent opened before the fork (no WIR_EFORK); it allocates
 *  memory, as any code in such a child may only if no other thread of the
 *  parent could hold an allocator lock (glibc's malloc is safe after fork).
 *  @param reg    the registry the claim is in; its files stay writable.
 *  @param claim  an admitted or attached claim: its write entries as the handle
 *                knows them (wir_shrink updates them) and its allow_writes.
 *  @param flags  WIR_CONFINE_STRICT or WIR_CONFINE_BEST_EFFORT, either with
 *                WIR_CONFINE_CHECK or not.
 *  @return WIR_OK; WIR_EINVAL (NULL, a refused or released claim, unknown
 *          flags, a bad $WIR_LANDLOCK_ABI); WIR_ENOTSUP (strict, and the kernel
 *          lacks Landlock or ABI 3: the message says what it cannot enforce,
 *          which is what best-effort leaves out; or 16 confinements are already
 *          nested); WIR_EPATH (a write entry has nothing on disk to attach its
 *          rule to: neither it nor its directory exists); WIR_EIO (a registry
 *          file is missing, or the kernel refused a rule). On failure nothing
 *          is confined. Affects the calling thread only (see above); reads no
 *          shared state. */
WIR_API int wir_confine(wir_registry *reg, const wir_claim_t *claim, int flags);

/* ---- Listings: what is in flight, who holds what, what conflicted -------- */
/* Each returns a JSON document (schema: docs/json.md) as a string the caller
 * frees with wir_free; times are ms since the Unix epoch. A `limit` above
 * INT64_MAX (SIZE_MAX among them) means every row. All return WIR_OK,
 * WIR_EINVAL (NULL out or reg), WIR_EBUSY, WIR_EIO, WIR_EFORK or WIR_ENOMEM,
 * and are thread-safe. */

/** Claims that hold now, with their entries, and the queued waiters:
 *  {"claims":[...],"waiters":[...]}. */
WIR_API int wir_inflight_json(char **out, wir_registry *reg);

/** The same shape, for the claims holding `path` (an entry matches it or lies
 *  above it) and the waiters waiting to. WIR_EINVAL/WIR_EPATH for a bad path. */
WIR_API int wir_who_json(char **out, wir_registry *reg, const char *path);

/** The conflict log's rows that last changed at or after `since_ms`, in that
 *  order, at most `limit`: one row per overlapping pair, with policy, outcome
 *  (refused, warned, queued, admitted, timed-out, cancelled, abandoned) and
 *  waited_ms. A refusal its task repeats against the same holder and entries
 *  is one row: count attempts, the latest at last_ms. */
WIR_API int wir_log_json(char **out, wir_registry *reg, int64_t since_ms, size_t limit);

/** Ended claims from `since_ms` on, oldest first, at most `limit`: why each
 *  ended (completed, failed, cancelled, expired, owner-dead) and how long it held. */
WIR_API int wir_history_json(char **out, wir_registry *reg, int64_t since_ms, size_t limit);

/** Deletes conflict-log rows that last changed, and history rows that ended,
 *  before `before_ms` (rows of requests still queued are kept). Housekeeping
 *  does this by the registry's "log_days" and "history_days" too: claims at
 *  most once an hour, wir_reap every time.
 *  @param[out] out  receives how many rows went; may be NULL. */
WIR_API int wir_prune(size_t *out, wir_registry *reg, int64_t before_ms);

/** Frees memory the library handed to the caller (wir_config_get, wir_*_json).
 *  NULL is a no-op. */
WIR_API void wir_free(void *memory);

/** Gets a handle on a claim in flight, made by any process, from its task id
 *  and secret key, so that it can be heartbeated or released from here.
 *  @param[out] out  receives the claim on WIR_OK; NULL otherwise.
 *  @return WIR_OK; WIR_ENOTFOUND (no such task in flight); WIR_EKEY (wrong
 *          key: nothing is disclosed); WIR_EINVAL; WIR_EBUSY; WIR_EIO;
 *          WIR_ECORRUPT; WIR_EFORK; WIR_ENOMEM. Thread-safe. */
WIR_API int wir_attach(wir_claim_t **out, wir_registry *reg, const char *task_id,
                       const char *key);

/** Whether the claim still holds: a read, for a holder that watches for the
 *  loss of its claim (a forced release, a lapsed lease, its parent ended) and
 *  stops writing then. Renews nothing. Like wir_heartbeat, it waits no longer
 *  than the claim's lease allows, and fails with WIR_ELOST once the lease can
 *  no longer be renewed in time.
 *  @return WIR_OK (it holds); WIR_ELOST (it has ended, or the registry did not
 *          answer in time to renew its lease); WIR_EINVAL (NULL, or a refused
 *          claim); WIR_EBUSY; WIR_EIO; WIR_EFORK. Thread-safe. */
WIR_API int wir_check(wir_registry *reg, wir_claim_t *claim);

/** Renews a claim's lease: it now lapses ttl_ms from now (0: the claim's own
 *  TTL; for a claim held while its owners live, the host lease that other
 *  hosts judge it by). Updates wir_claim_expires_ms.
 *  The claim object keeps this process's own reckoning of the lease: it ends
 *  at the earliest one lease after the last renewal that succeeded was sent.
 *  A renewal waits (for the handle and for the registry) at most until a tenth
 *  of the lease (at least 0.5 s, at most a third) before that end, and one that
 *  fails from then on returns WIR_ELOST: the lease cannot be renewed before it
 *  ends, and other processes may then be admitted to the claim's paths. (Not
 *  for a claim held while its owners live on a file registry, which no lease
 *  ends; nor for an attached claim before its first renewal here.)
 *  @return WIR_OK; WIR_ELOST (the claim was released, expired or reaped, or its
 *          lease could not be renewed in time: the
 *          worker no longer holds its paths and should stop writing);
 *          WIR_EINVAL (NULL, a refused claim, TTL out of range); WIR_EBUSY;
 *          WIR_EIO; WIR_EFORK. Thread-safe. */
WIR_API int wir_heartbeat(wir_registry *reg, wir_claim_t *claim, int64_t ttl_ms);

/** Releases a claim: its paths are free at once and the registry's history
 *  records the outcome (WIR_OUTCOME_*). The claim object stays allocated
 *  (free it with wir_claim_free); releasing it again returns WIR_ELOST, whose
 *  message says whether no claim is in flight under the task id or one is
 *  under another key.
 *  @return WIR_OK; WIR_ELOST (already released, expired or reaped: nothing
 *          changed); WIR_EINVAL (NULL, a refused claim, unknown outcome);
 *          WIR_EBUSY; WIR_EIO; WIR_EFORK. Thread-safe. */
WIR_API int wir_release(wir_registry *reg, wir_claim_t *claim, int outcome);

/** Ends the claim of `task_id` without its key, for an administrator: the
 *  caller must be root or own the registry file. The history records the
 *  reason "forced" and who forced it (uid, user, pid, host).
 *  @return WIR_OK; WIR_ENOTFOUND; WIR_EKEY (not an administrator); WIR_EINVAL;
 *          WIR_EBUSY; WIR_EIO; WIR_EFORK. Thread-safe. */
WIR_API int wir_force_release(wir_registry *reg, const char *task_id);

/** Frees a claim object (admitted, refused or released). It does not release
 *  the claim. NULL is a no-op. */
WIR_API void wir_claim_free(wir_claim_t *claim);

/** Asks whether a fencing token still holds a path: whether the claim that
 *  holds `path` (or an ancestor directory of it) right now has that token.
 *  @return WIR_OK (it does); WIR_ESTALE (it does not: the claim ended, lapsed,
 *          or a later claim holds the path); WIR_EINVAL; WIR_EPATH; WIR_EBUSY;
 *          WIR_EIO; WIR_EFORK. Thread-safe. */
WIR_API int wir_token_check(wir_registry *reg, const char *path, uint64_t token);

/** Reaps every claim whose lease has lapsed or whose owner is dead, now
 *  (claims are also reaped whenever another claim touches them), and prunes
 *  the conflict log and history by "log_days" and "history_days".
 *  @param[out] out  receives the number reaped; may be NULL.
 *  @return WIR_OK; WIR_EINVAL; WIR_EBUSY; WIR_EIO; WIR_EFORK. Thread-safe. */
WIR_API int wir_reap(size_t *out, wir_registry *reg);

/* ---- Claim accessors ---------------------------------------------------- */
/* All are thread-safe on a claim no thread is changing; NULL claim gives NULL/0. */

/** The task id. Borrowed. */
WIR_API const char *wir_claim_task_id(const wir_claim_t *claim);
/** The secret key that lets another process extend, heartbeat or release the
 *  claim (see wir_attach). Borrowed. NULL for a refused claim. */
WIR_API const char *wir_claim_key(const wir_claim_t *claim);
/** The fencing token: greater than every token the registry issued before.
 *  0 for a refused claim. */
WIR_API uint64_t wir_claim_token(const wir_claim_t *claim);
/** When the lease lapses, in ms since the Unix epoch; 0 for a refused claim. */
WIR_API int64_t wir_claim_expires_ms(const wir_claim_t *claim);
/** Number of canonical paths the claim holds (admitted) or asked for (refused). */
WIR_API size_t wir_claim_path_count(const wir_claim_t *claim);
/** The i-th canonical path; NULL if i is out of range. Borrowed. */
WIR_API const char *wir_claim_path(const wir_claim_t *claim, size_t i);
/** Number of overlapping pairs in the conflict report (at most
 *  WIR_CONFLICTS_MAX: the first ones found); 0 for an admitted claim with no
 *  warnings. */
WIR_API size_t wir_claim_conflict_count(const wir_claim_t *claim);
/** How many overlapping pairs were found in all, reported or not (a claim of
 *  thousands of paths against one that holds them finds thousands). When the
 *  work limit of one decision ended the search early, at least this many. */
WIR_API size_t wir_claim_conflict_total(const wir_claim_t *claim);
/** The i-th overlapping pair; NULL if i is out of range. Borrowed. */
WIR_API const wir_conflict *wir_claim_conflict(const wir_claim_t *claim, size_t i);

#ifdef __cplusplus
}
#endif

#endif /* WIR_H */
