/*
 * Two processes race for overlapping write sets through one registry.
 * One wins; the other is refused and prints the winner's task id; the winner
 * releases, and the loser's retry is admitted.
 *
 *   cc race.c $(pkg-config --cflags --libs wir) -o race
 *   ./race [REGISTRY]        (default: a fresh file under /tmp)
 *
 * Exits 0 when all of that happened, 1 otherwise.
 */
#include <wir.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Sends one byte to the other process, or reads one from it. */
static void say(int fd, char c) { if (write(fd, &c, 1) != 1) _exit(1); }
static char hear(int fd) { char c = 0; if (read(fd, &c, 1) != 1) _exit(1); return c; }

static int worker(const char *registry, const char *task, const char *const *writes, size_t n,
                  int to_peer, int from_peer) {
    wir_registry *reg = NULL;
    if (wir_open(&reg, registry) != WIR_OK) {
        fprintf(stderr, "%s: wir_open: %s\n", task, wir_errmsg());
        return 1;
    }
    wir_claim_opts opts = WIR_CLAIM_OPTS_INIT;
    opts.task_id = task;
    opts.writes = writes;
    opts.n_writes = n;
    opts.ttl_ms = 60000;

    say(to_peer, 'r');                     /* ready ... */
    hear(from_peer);                       /* ... and go, together */
    wir_claim_t *claim = NULL;
    int rc = wir_claim(&claim, reg, &opts);
    int ok = 1;
    if (rc == WIR_OK) {
        printf("%s: admitted %zu paths, fencing token %llu\n", task, wir_claim_path_count(claim),
               (unsigned long long)wir_claim_token(claim));
        fflush(stdout);
        say(to_peer, 'W');                 /* I won */
        ok = hear(from_peer) == 'L';       /* the peer must have been refused */
        if (wir_release(reg, claim, WIR_OUTCOME_COMPLETED) != WIR_OK) ok = 0;
        printf("%s: released\n", task);
        fflush(stdout);
        say(to_peer, 'R');
    } else if (rc == WIR_ECONFLICT) {
        const wir_conflict *c = wir_claim_conflict(claim, 0);
        printf("%s: refused: %s overlaps %s, held by task %s (pid %lld on %s)\n", task,
               c->requested_path, c->held_path, c->holder_task_id, (long long)c->holder_pid,
               c->holder_host);
        fflush(stdout);
        ok = hear(from_peer) == 'W';
        say(to_peer, 'L');
        ok = ok && hear(from_peer) == 'R';  /* wait for the winner's release */
        wir_claim_free(claim);
        claim = NULL;
        rc = wir_claim(&claim, reg, &opts);
        printf("%s: retry %s\n", task, rc == WIR_OK ? "admitted" : wir_errmsg());
        ok = ok && rc == WIR_OK;
        if (rc == WIR_OK) wir_release(reg, claim, WIR_OUTCOME_COMPLETED);
    } else {
        fprintf(stderr, "%s: wir_claim: %s (%s)\n", task, wir_errstr(rc), wir_errmsg());
        ok = 0;
    }
    wir_claim_free(claim);
    wir_close(reg);
    fflush(stdout);                        /* the child leaves with _exit, which does not flush */
    return ok ? 0 : 1;
}

int main(int argc, char **argv) {
    char registry[64];
    if (argc > 1) {
        snprintf(registry, sizeof registry, "%s", argv[1]);
    } else {
        snprintf(registry, sizeof registry, "/tmp/wir-race-%d.db", (int)getpid());
    }
    /* Overlapping write sets: the directory "shared" contains "shared/state.json". */
    const char *a[] = { "shared/state.json", "a-only.log" };
    const char *b[] = { "shared", "b-only.log" };
    int parent_to_child[2], child_to_parent[2];
    if (pipe(parent_to_child) || pipe(child_to_parent)) return 1;

    pid_t child = fork();              /* fork first: each process opens its own handle */
    if (child < 0) return 1;
    if (child == 0) {
        close(parent_to_child[1]);     /* keep only our ends, so a peer's death reads as EOF */
        close(child_to_parent[0]);
        _exit(worker(registry, "worker-b", b, 2, child_to_parent[1], parent_to_child[0]));
    }
    close(parent_to_child[0]);
    close(child_to_parent[1]);
    int mine = worker(registry, "worker-a", a, 2, parent_to_child[1], child_to_parent[0]);
    int status = 0;
    waitpid(child, &status, 0);
    if (argc <= 1) {
        unlink(registry);
        char side[96];
        snprintf(side, sizeof side, "%s-wal", registry); unlink(side);
        snprintf(side, sizeof side, "%s-shm", registry); unlink(side);
    }
    int theirs = WIFEXITED(status) ? WEXITSTATUS(status) : 1;
    printf("race: %s\n", mine == 0 && theirs == 0 ? "one admitted, one refused, retry admitted" : "FAILED");
    return mine == 0 && theirs == 0 ? 0 : 1;
}
