/*
 * The installed libwir.so exercised from C: a handle shared by threads, per-thread
 * error messages, a handle used after fork, and a fork child confined to its claim
 * (Landlock, wir_confine) before it would exec. Built with pkg-config by
 * scripts/test-installed.sh. Prints "abi_test: N passed, N failed".
 */
#include <wir.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <errno.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int passed, failed;
#define CHECK(cond) do { if (cond) passed++; else { failed++; \
    fprintf(stderr, "abi_test: %s:%d: failed: %s (%s)\n", __FILE__, __LINE__, #cond, wir_errmsg()); } } while (0)

static char registry[256];

/* ---- one handle, many threads ------------------------------------------- */

enum { THREADS = 6, ROUNDS = 150 };
static wir_registry *shared;
static int holders[3];              /* in-process witness: holders of each leaf now */
static int violations, admitted, refused, errors;
/* "tree" is a directory holding the leaves "tree/a" and "tree/b". */
static const char *tree[3] = { "tree", "tree/a", "tree/b" };

static void *racer(void *arg) {
    long id = (long)arg;
    unsigned seed = (unsigned)id * 7919u;
    for (int round = 0; round < ROUNDS; round++) {
        int which = (int)(rand_r(&seed) % 3);
        char task[64];
        snprintf(task, sizeof task, "thread-%ld-%d", id, round);
        const char *writes[] = { tree[which] };
        wir_claim_opts opts = WIR_CLAIM_OPTS_INIT;
        opts.task_id = task;
        opts.writes = writes;
        opts.n_writes = 1;
        wir_claim_t *claim = NULL;
        int rc = wir_claim(&claim, shared, &opts);
        if (rc == WIR_OK) {
            __atomic_add_fetch(&admitted, 1, __ATOMIC_SEQ_CST);
            /* The witness counts holders per leaf: "tree" covers both leaves,
               "tree/a" and "tree/b" one each. Overlap means sharing a leaf. */
            for (int p = 1; p < 3; p++) {
                int is_mine = which == 0 || p == which;
                if (is_mine && __atomic_add_fetch(&holders[p], 1, __ATOMIC_SEQ_CST) > 1)
                    __atomic_add_fetch(&violations, 1, __ATOMIC_SEQ_CST);
            }
            usleep(rand_r(&seed) % 300);
            for (int p = 1; p < 3; p++) {
                int is_mine = which == 0 || p == which;
                if (is_mine) __atomic_sub_fetch(&holders[p], 1, __ATOMIC_SEQ_CST);
            }
            if (wir_release(shared, claim, WIR_OUTCOME_COMPLETED) != WIR_OK)
                __atomic_add_fetch(&errors, 1, __ATOMIC_SEQ_CST);
        } else if (rc == WIR_ECONFLICT) {
            __atomic_add_fetch(&refused, 1, __ATOMIC_SEQ_CST);
        } else {
            __atomic_add_fetch(&errors, 1, __ATOMIC_SEQ_CST);
        }
        wir_claim_free(claim);
    }
    return NULL;
}

static void threads_share_one_handle(void) {
    CHECK(wir_open(&shared, registry) == WIR_OK);
    pthread_t threads[THREADS];
    for (long i = 0; i < THREADS; i++) pthread_create(&threads[i], NULL, racer, (void *)i);
    for (int i = 0; i < THREADS; i++) pthread_join(threads[i], NULL);
    printf("abi_test: threads: %d admitted, %d refused, %d violations, %d errors\n",
           admitted, refused, violations, errors);
    CHECK(violations == 0);
    CHECK(errors == 0);
    CHECK(admitted + refused == THREADS * ROUNDS);
    CHECK(admitted > 0 && refused > 0);
    wir_close(shared);
}

/* ---- error messages are per thread -------------------------------------- */

static void *fail_in_thread(void *arg) {
    (void)arg;
    wir_registry *reg = NULL;
    int rc = wir_open(&reg, "");
    return (void *)(long)(rc == WIR_EINVAL && strstr(wir_errmsg(), "empty") != NULL);
}

static void messages_are_per_thread(void) {
    wir_registry *reg = NULL;
    CHECK(wir_open(&reg, registry) == WIR_OK);
    CHECK(strcmp(wir_errmsg(), "not an error") == 0);
    pthread_t thread;
    void *ok = NULL;
    pthread_create(&thread, NULL, fail_in_thread, NULL);
    pthread_join(thread, &ok);
    CHECK(ok == (void *)1L);
    CHECK(strcmp(wir_errmsg(), "not an error") == 0);   /* the other thread's error is not ours */
    wir_close(reg);
}

/* ---- fork: the child opens its own registries ---------------------------- */

static void fork_with_a_registry_open_lets_the_child_open_its_own(void) {
    wir_registry *reg = NULL;
    CHECK(wir_open(&reg, registry) == WIR_OK);
    const char *writes[] = { "forked" };
    wir_claim_opts opts = WIR_CLAIM_OPTS_INIT;
    opts.task_id = "parent";
    opts.writes = writes;
    opts.n_writes = 1;
    wir_claim_t *held = NULL;
    CHECK(wir_claim(&held, reg, &opts) == WIR_OK);
    pid_t child = fork();
    if (child == 0) {
        wir_claim_opts mine = WIR_CLAIM_OPTS_INIT;
        mine.task_id = "child";
        mine.writes = writes;
        mine.n_writes = 1;
        wir_claim_t *claim = NULL;
        int inherited = wir_claim(&claim, reg, &mine);       /* the parent's handle: refused */
        int explained = strstr(wir_errmsg(), "fork") != NULL;
        wir_claim_free(claim);
        wir_registry *own = NULL;
        int opened = wir_open(&own, registry);               /* a handle of its own: fine */
        int refused = wir_claim(&claim, own, &mine);         /* and exact: the parent holds "forked" */
        wir_claim_free(claim);
        const char *other[] = { "forked-elsewhere" };
        mine.writes = other;
        int admitted = wir_claim(&claim, own, &mine);
        int released = admitted == WIR_OK ? wir_release(own, claim, WIR_OUTCOME_COMPLETED) : -1;
        wir_claim_free(claim);
        wir_close(own);
        wir_close(reg);                                      /* safe: the connection is left alone */
        _exit(inherited == WIR_EFORK && explained && opened == WIR_OK && refused == WIR_ECONFLICT &&
              admitted == WIR_OK && released == WIR_OK ? 0 : 1);
    }
    int status = 1;
    waitpid(child, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK(wir_release(reg, held, WIR_OUTCOME_COMPLETED) == WIR_OK);   /* the parent's handle still works */
    wir_claim_free(held);
    wir_close(reg);
}

/* ---- owners, sub-claims, a version 1 options struct --------------------- */

/* wir_claim_opts as version 1 callers compiled it: without the parent fields. */
struct claim_opts_v1 {
    uint32_t version;
    const char *task_id;
    const char *const *writes;
    size_t n_writes;
    int64_t ttl_ms;
    int32_t policy;
    int64_t timeout_ms;
    const char *key;
    int64_t owner_pid;
    const char *const *reads;
    size_t n_reads;
    const char *label;
};

/* Options for a sub-claim of `parent` writing writes[0]. */
static wir_claim_opts sub_claim_opts(const wir_claim_t *parent, const char *const *writes) {
    wir_claim_opts sub = WIR_CLAIM_OPTS_INIT;
    sub.writes = writes;
    sub.n_writes = 1;
    sub.parent_task_id = wir_claim_task_id(parent);
    sub.parent_key = wir_claim_key(parent);
    return sub;
}

static void owners_sub_claims_and_old_callers(void) {
    wir_registry *reg = NULL;
    CHECK(wir_open(&reg, registry) == WIR_OK);
    const char *dir[] = { "owned" };
    struct claim_opts_v1 old = { 1, "old-caller", dir, 1, WIR_TTL_WHILE_ALIVE, WIR_POLICY_DEFAULT, -1,
                                 NULL, 0, NULL, 0, NULL };
    wir_claim_t *parent = NULL;
    CHECK(wir_claim(&parent, reg, (const wir_claim_opts *)&old) == WIR_OK);

    pid_t sleeper = fork();
    if (sleeper == 0) { pause(); _exit(0); }
    CHECK(wir_add_owner(reg, parent, sleeper, WIR_OWNER_PROCESS) == WIR_OK);
    CHECK(wir_add_owner(reg, parent, sleeper, 7) == WIR_EINVAL);
    CHECK(wir_add_owner(reg, parent, 0, WIR_OWNER_PROCESS) == WIR_EINVAL);
    CHECK(wir_hand_off(reg, parent, sleeper) == WIR_OK);          /* the sleeper is its only owner now */
    CHECK(wir_remove_owner(reg, parent, sleeper, WIR_OWNER_PROCESS) == WIR_EINVAL);   /* the last one */
    CHECK(wir_remove_owner(reg, parent, getpid(), WIR_OWNER_PROCESS) == WIR_ENOTFOUND);

    const char *inner[] = { "owned/part" }, *outer[] = { "." };
    wir_claim_opts sub = sub_claim_opts(parent, inner);
    wir_claim_t *child = NULL;
    CHECK(wir_claim(&child, reg, &sub) == WIR_OK);
    CHECK(wir_check(reg, child) == WIR_OK);
    wir_claim_t *wide = NULL;
    sub.writes = outer;                                           /* above its parent: refused at once */
    CHECK(wir_claim(&wide, reg, &sub) == WIR_EINVAL && strstr(wir_errmsg(), "its own parent"));
    sub.parent_key = "not-the-key";
    sub.writes = inner;
    CHECK(wir_claim(&wide, reg, &sub) == WIR_EKEY);
    sub.parent_key = NULL;
    CHECK(wir_claim(&wide, reg, &sub) == WIR_EINVAL);

    kill(sleeper, SIGKILL);                                       /* its only owner dies: it ends, */
    waitpid(sleeper, NULL, 0);
    size_t reaped = 0;
    CHECK(wir_reap(&reaped, reg) == WIR_OK && reaped == 2);       /* and its sub-claim with it */
    CHECK(wir_check(reg, child) == WIR_ELOST);
    wir_claim_free(child);
    wir_claim_free(parent);
    wir_close(reg);
}

/* ---- policies, reads, globs, config ------------------------------------ */

static int claim_one(wir_claim_t **out, wir_registry *reg, const char *task, const char *write,
                     const char *read, int32_t policy, int64_t timeout_ms) {
    const char *writes[] = { write }, *reads[] = { read };
    wir_claim_opts opts = WIR_CLAIM_OPTS_INIT;
    opts.task_id = task;
    opts.writes = write ? writes : NULL;
    opts.n_writes = write ? 1 : 0;
    opts.reads = read ? reads : NULL;
    opts.n_reads = read ? 1 : 0;
    opts.policy = policy;
    opts.timeout_ms = timeout_ms;
    return wir_claim(out, reg, &opts);
}

static int warned;
static char warned_about[64];
static void on_warn(void *payload, const wir_claim_t *claim) {
    (void)payload;
    warned++;
    snprintf(warned_about, sizeof warned_about, "%s", wir_claim_conflict(claim, 0)->holder_task_id);
}

static void warn_reads_globs_and_config(void) {
    wir_registry *reg = NULL;
    CHECK(wir_open(&reg, registry) == WIR_OK);
    wir_claim_t *a = NULL, *b = NULL, *c = NULL, *d = NULL;
    /* warn: admitted with a report, and the callback is told */
    CHECK(wir_set_warn_callback(reg, on_warn, NULL) == WIR_OK);
    CHECK(claim_one(&a, reg, "holder", "warned/file", NULL, WIR_POLICY_REFUSE, 0) == WIR_OK);
    CHECK(claim_one(&b, reg, "bold", "warned", NULL, WIR_POLICY_WARN, 0) == WIR_OK);
    CHECK(wir_claim_conflict_count(b) == 1 && warned == 1 && strcmp(warned_about, "holder") == 0);
    wir_release(reg, a, WIR_OUTCOME_COMPLETED);
    wir_release(reg, b, WIR_OUTCOME_COMPLETED);
    wir_claim_free(a); wir_claim_free(b);
    /* reads share; a write conflicts with them */
    CHECK(claim_one(&a, reg, "reader1", NULL, "shared.json", WIR_POLICY_REFUSE, 0) == WIR_OK);
    CHECK(claim_one(&b, reg, "reader2", NULL, "shared.json", WIR_POLICY_REFUSE, 0) == WIR_OK);
    CHECK(claim_one(&c, reg, "writer", "shared.json", NULL, WIR_POLICY_REFUSE, 0) == WIR_ECONFLICT);
    CHECK(wir_claim_conflict(c, 0) && wir_claim_conflict(c, 0)->held_access == WIR_ACCESS_READ);
    wir_release(reg, a, WIR_OUTCOME_COMPLETED);
    wir_release(reg, b, WIR_OUTCOME_COMPLETED);
    wir_claim_free(a); wir_claim_free(b); wir_claim_free(c);
    /* globs */
    CHECK(claim_one(&a, reg, "sources", "src/*.c", NULL, WIR_POLICY_REFUSE, 0) == WIR_OK);
    CHECK(claim_one(&b, reg, "one", "src/main.c", NULL, WIR_POLICY_REFUSE, 0) == WIR_ECONFLICT);
    CHECK(claim_one(&c, reg, "header", "src/main.h", NULL, WIR_POLICY_REFUSE, 0) == WIR_OK);
    CHECK(claim_one(&d, reg, "bad", "src/[oops", NULL, WIR_POLICY_REFUSE, 0) == WIR_EINVAL);
    wir_release(reg, a, WIR_OUTCOME_COMPLETED);
    wir_release(reg, c, WIR_OUTCOME_COMPLETED);
    wir_claim_free(a); wir_claim_free(b); wir_claim_free(c);
    /* $WIR_POLICY chooses when the claim does not; the claim's own policy wins */
    CHECK(claim_one(&a, reg, "env-holder", "env/file", NULL, WIR_POLICY_REFUSE, 0) == WIR_OK);
    setenv("WIR_POLICY", "warn", 1);
    CHECK(claim_one(&b, reg, "env-warned", "env", NULL, WIR_POLICY_DEFAULT, 0) == WIR_OK);
    CHECK(wir_claim_conflict_count(b) == 1);
    CHECK(claim_one(&c, reg, "env-own", "env", NULL, WIR_POLICY_REFUSE, 0) == WIR_ECONFLICT);
    setenv("WIR_POLICY", "sometimes", 1);
    CHECK(claim_one(&d, reg, "env-bad", "elsewhere", NULL, WIR_POLICY_DEFAULT, 0) == WIR_EINVAL);
    CHECK(strstr(wir_errmsg(), "WIR_POLICY") != NULL);
    unsetenv("WIR_POLICY");
    wir_release(reg, a, WIR_OUTCOME_COMPLETED);
    wir_release(reg, b, WIR_OUTCOME_COMPLETED);
    wir_claim_free(a); wir_claim_free(b); wir_claim_free(c); wir_claim_free(d);
    /* registry defaults */
    char *value = NULL;
    CHECK(wir_config_get(&value, reg, "policy") == WIR_OK && value && strcmp(value, "refuse") == 0);
    wir_free(value);
    CHECK(wir_config_set(reg, "grace_ms", "250") == WIR_OK);
    CHECK(wir_config_get(&value, reg, "grace_ms") == WIR_OK && value && strcmp(value, "250") == 0);
    wir_free(value);
    CHECK(wir_config_set(reg, "policy", "sometimes") == WIR_EINVAL);
    CHECK(wir_config_set(reg, "grace_ms", "0") == WIR_OK);
    wir_close(reg);
}

/* ---- the queue: across fork, and cancelled from another thread ---------- */

static wir_registry *queue_reg;
static int queued_status;
static void *queued_waiter(void *arg) {
    (void)arg;
    wir_claim_t *claim = NULL;
    queued_status = claim_one(&claim, queue_reg, "patient", "queued.json", NULL, WIR_POLICY_QUEUE, -1);
    wir_claim_free(claim);
    return NULL;
}

static void queue_waits_and_cancels(void) {
    int ready[2];
    if (pipe(ready) != 0) { failed++; return; }
    int result[2];
    if (pipe(result) != 0) { failed++; return; }
    pid_t child = fork();
    if (child == 0) {                       /* waits in another process until the release */
        /* Not a descendant of the holder: a process may not queue for what a process above it
           holds (that one may be waiting for it: WIR_EDEADLK). So the waiter is a grandchild
           whose parent has exited. */
        if (fork() != 0) _exit(0);
        char go;
        close(ready[1]);
        close(result[0]);
        if (read(ready[0], &go, 1) != 1) _exit(3);
        wir_registry *own = NULL;
        wir_claim_t *claim = NULL;
        char rc = 2;
        if (wir_open(&own, registry) == WIR_OK) {
            rc = claim_one(&claim, own, "child", "queued.json", NULL, WIR_POLICY_QUEUE, 20000) == WIR_OK ? 0 : 1;
            if (rc == 0) wir_release(own, claim, WIR_OUTCOME_COMPLETED);
        }
        if (write(result[1], &rc, 1) != 1) _exit(4);
        _exit(0);
    }
    close(result[1]);
    close(ready[0]);
    wir_registry *reg = NULL;
    CHECK(wir_open(&reg, registry) == WIR_OK);
    wir_claim_t *holder = NULL;
    CHECK(claim_one(&holder, reg, "holder", "queued.json", NULL, WIR_POLICY_REFUSE, 0) == WIR_OK);
    if (write(ready[1], "g", 1) != 1) failed++;
    close(ready[1]);
    usleep(200000);
    wir_claim_t *timed = NULL;
    CHECK(claim_one(&timed, reg, "hasty", "queued.json", NULL, WIR_POLICY_QUEUE, 50) == WIR_ETIMEDOUT);
    wir_claim_free(timed);
    CHECK(wir_release(reg, holder, WIR_OUTCOME_COMPLETED) == WIR_OK);
    wir_claim_free(holder);
    waitpid(child, NULL, 0);
    char waited = 9;
    CHECK(read(result[0], &waited, 1) == 1 && waited == 0);
    close(result[0]);

    CHECK(claim_one(&holder, reg, "holder2", "queued.json", NULL, WIR_POLICY_REFUSE, 0) == WIR_OK);
    queue_reg = reg;
    pthread_t thread;
    pthread_create(&thread, NULL, queued_waiter, NULL);
    size_t cancelled = 0;
    int rc = WIR_OK;
    for (int tries = 0; tries < 200 && cancelled == 0 && rc == WIR_OK; tries++) {   /* until it waits */
        usleep(10000);
        rc = wir_cancel(&cancelled, reg, "patient");
    }
    CHECK(rc == WIR_OK);
    pthread_join(thread, NULL);
    CHECK(cancelled == 1 && queued_status == WIR_ECANCELED);
    wir_release(reg, holder, WIR_OUTCOME_COMPLETED);
    wir_claim_free(holder);
    wir_close(reg);
}

/* ---- confined children --------------------------------------------------- */

/* wir_claim_opts as version 2 callers compiled it (before allow_writes). */
struct claim_opts_v2 {
    struct claim_opts_v1 v1;
    const char *parent_task_id;
    const char *parent_key;
};

/* Writes "x" to `path` (appending); 0, or errno. */
static int append_to(const char *path) {
    FILE *file = fopen(path, "a");
    if (file == NULL) return errno;
    fputs("x", file);
    fclose(file);
    return 0;
}

/* In a fork child: confines itself to `claim` with `flags`, then tries to write
   `inside` (expecting `inside_errno`) and `outside` (expecting `outside_errno`).
   Returns the child's exit status: 0 when all went as expected. */
static int confined_child(wir_registry *reg, wir_claim_t *claim, int flags, const char *abi,
                          int confine_status, const char *inside, int inside_errno,
                          const char *outside, int outside_errno) {
    pid_t pid = fork();
    if (pid == 0) {
        if (abi) setenv("WIR_LANDLOCK_ABI", abi, 1);
        /* The parent's handles, inherited across fork: no WIR_EFORK. */
        if (wir_confine(reg, claim, flags) != confine_status) _exit(1);
        if (append_to(inside) != inside_errno) _exit(2);
        if (append_to(outside) != outside_errno) _exit(3);
        if (confine_status == WIR_OK && inside_errno == 0) {
            /* The registry stays usable: a handle of its own, and a sub-claim. */
            wir_registry *own = NULL;
            const char *part[] = { inside };
            wir_claim_opts sub = sub_claim_opts(claim, part);
            wir_claim_t *child = NULL;
            if (wir_open(&own, registry) != WIR_OK || wir_claim(&child, own, &sub) != WIR_OK) _exit(4);
            if (wir_release(own, child, WIR_OUTCOME_COMPLETED) != WIR_OK) _exit(5);
        }
        _exit(0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void confine_a_child_to_its_claim(void) {
    wir_registry *reg = NULL;
    CHECK(wir_open(&reg, registry) == WIR_OK);
    mkdir("confined", 0700);
    mkdir("allowed", 0700);
    mkdir("outside", 0700);
    FILE *file = fopen("outside/f", "w");
    fputs("orig", file);
    fclose(file);

    const char *writes[] = { "confined" }, *allowed[] = { "allowed" };
    struct claim_opts_v2 old = { { 2, "confine-v2", writes, 1, WIR_TTL_WHILE_ALIVE, WIR_POLICY_DEFAULT, -1,
                                   NULL, 0, NULL, 0, NULL }, NULL, NULL };
    wir_claim_t *plain = NULL;                                    /* version 2 callers keep working */
    CHECK(wir_claim(&plain, reg, (const wir_claim_opts *)&old) == WIR_OK);
    CHECK(wir_release(reg, plain, WIR_OUTCOME_COMPLETED) == WIR_OK);
    CHECK(wir_confine(reg, plain, WIR_CONFINE_CHECK) == WIR_EINVAL);    /* released: holds nothing */
    wir_claim_free(plain);

    wir_claim_opts opts = WIR_CLAIM_OPTS_INIT;
    opts.task_id = "confined";
    opts.writes = writes;
    opts.n_writes = 1;
    opts.allow_writes = allowed;
    opts.n_allow_writes = 1;
    wir_claim_t *claim = NULL;
    CHECK(wir_claim(&claim, reg, &opts) == WIR_OK);
    CHECK(wir_landlock_abi() >= 3);
    CHECK(wir_confine(reg, claim, WIR_CONFINE_STRICT | WIR_CONFINE_CHECK) == WIR_OK);
    CHECK(wir_confine(reg, claim, 4) == WIR_EINVAL);
    CHECK(wir_confine(NULL, claim, WIR_CONFINE_STRICT) == WIR_EINVAL);
    CHECK(append_to("outside/g") == 0);                          /* a check confines nothing */
    char *listing = NULL;
    CHECK(wir_inflight_json(&listing, reg) == WIR_OK && strstr(listing, "\"allow_writes\":[\"") != NULL);
    wir_free(listing);

    CHECK(confined_child(reg, claim, WIR_CONFINE_STRICT, NULL, WIR_OK, "confined/x", 0, "outside/f", EACCES) == 0);
    CHECK(confined_child(reg, claim, WIR_CONFINE_STRICT, NULL, WIR_OK, "allowed/y", 0, "outside/h", EACCES) == 0);
    /* Without Landlock (forced): strict confines nothing and says so; best-effort runs unconfined. */
    CHECK(confined_child(reg, claim, WIR_CONFINE_STRICT, "0", WIR_ENOTSUP, "confined/x", 0, "outside/i", 0) == 0);
    CHECK(confined_child(reg, claim, WIR_CONFINE_BEST_EFFORT, "0", WIR_OK, "confined/x", 0, "outside/j", 0) == 0);
    file = fopen("outside/f", "r");
    char content[16] = { 0 };
    CHECK(file != NULL && fgets(content, sizeof content, file) != NULL && strcmp(content, "orig") == 0);
    if (file) fclose(file);
    CHECK(wir_release(reg, claim, WIR_OUTCOME_COMPLETED) == WIR_OK);
    wir_claim_free(claim);
    wir_close(reg);
}

/* A process that uses only SQLite registries never loads libpq (it is loaded
   when the first PostgreSQL registry is opened). Runs after every other test. */
static void libpq_is_not_loaded_for_sqlite(void) {
    FILE *maps = fopen("/proc/self/maps", "r");
    CHECK(maps != NULL);
    if (maps == NULL) return;
    char line[4096];
    int found = 0;
    while (fgets(line, sizeof line, maps)) found |= strstr(line, "libpq") != NULL;
    fclose(maps);
    CHECK(!found);
}

int main(int argc, char **argv) {
    snprintf(registry, sizeof registry, "%s", argc > 1 ? argv[1] : "abi-test.db");
    CHECK(wir_version_number() == WIR_VERSION_NUMBER);
    threads_share_one_handle();
    messages_are_per_thread();
    fork_with_a_registry_open_lets_the_child_open_its_own();
    owners_sub_claims_and_old_callers();
    warn_reads_globs_and_config();
    queue_waits_and_cancels();
    confine_a_child_to_its_claim();
    libpq_is_not_loaded_for_sqlite();
    printf("abi_test: %d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
