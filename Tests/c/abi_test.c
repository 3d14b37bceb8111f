/*
 * The installed libwir.so exercised from C: a handle shared by threads, per-thread
 * error messages, and a handle used after fork. Built with pkg-config by
 * scripts/test-installed.sh. Prints "abi_test: N passed, N failed".
 */
#include <wir.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

/* ---- a handle used after fork ------------------------------------------- */

static void fork_needs_a_new_handle(void) {
    wir_registry *reg = NULL;
    CHECK(wir_open(&reg, registry) == WIR_OK);
    pid_t child = fork();
    if (child == 0) {
        const char *writes[] = { "forked" };
        wir_claim_opts opts = WIR_CLAIM_OPTS_INIT;
        opts.writes = writes;
        opts.n_writes = 1;
        wir_claim_t *claim = NULL;
        int inherited = wir_claim(&claim, reg, &opts);
        wir_registry *own = NULL;
        int opened = wir_open(&own, registry);
        int fresh = wir_claim(&claim, own, &opts);
        if (fresh == WIR_OK) wir_release(own, claim, WIR_OUTCOME_COMPLETED);
        wir_claim_free(claim);
        _exit(inherited == WIR_EFORK && opened == WIR_OK && fresh == WIR_OK ? 0 : 1);
    }
    int status = 1;
    waitpid(child, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    wir_close(reg);
}

int main(int argc, char **argv) {
    snprintf(registry, sizeof registry, "%s", argc > 1 ? argv[1] : "abi-test.db");
    CHECK(wir_version_number() == WIR_VERSION_NUMBER);
    threads_share_one_handle();
    messages_are_per_thread();
    fork_needs_a_new_handle();
    printf("abi_test: %d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
