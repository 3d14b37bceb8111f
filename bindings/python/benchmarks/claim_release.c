/* The C side of claim_vs_filelock.py: wir_claim + wir_release + wir_claim_free in C, with the same
 * options Python's registry.claim(writes=[path]).release() passes (registry default TTL and policy).
 *
 * Usage: claim_release REGISTRY PATH. Reads a count N per line on stdin, runs N claim+release pairs,
 * and writes each pair's time in microseconds on one line of stdout; ends at end of input. The
 * Python benchmark drives it in rounds alternating with its own, on the same registry, so both
 * see the same machine. Exits 1 if a call fails. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "wir.h"

static double now_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: claim_release REGISTRY PATH\n");
        return 2;
    }
    wir_registry *reg = NULL;
    if (wir_open(&reg, argv[1]) != WIR_OK) {
        fprintf(stderr, "claim_release: wir_open: %s\n", wir_errmsg());
        return 1;
    }
    const char *writes[] = {argv[2]};
    wir_claim_opts opts = WIR_CLAIM_OPTS_INIT;
    opts.writes = writes;
    opts.n_writes = 1;
    char line[64];
    while (fgets(line, sizeof line, stdin) != NULL) {
        long count = strtol(line, NULL, 10);
        for (long i = 0; i < count; i++) {
            double start = now_us();
            wir_claim_t *claim = NULL;
            int status = wir_claim(&claim, reg, &opts);
            if (status == WIR_OK) {
                status = wir_release(reg, claim, WIR_OUTCOME_COMPLETED);
            }
            wir_claim_free(claim);
            double took = now_us() - start;
            if (status != WIR_OK) {
                fprintf(stderr, "claim_release: %s\n", wir_errmsg());
                return 1;
            }
            printf(i == 0 ? "%.2f" : " %.2f", took);
        }
        printf("\n");
        fflush(stdout);
    }
    wir_close(reg);
    return 0;
}
