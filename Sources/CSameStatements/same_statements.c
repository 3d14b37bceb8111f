/* "Same statements in C": the statements one wir claim+release runs on wir's own schema,
   as a C program would run them (issue #16, target 3), for a yardstick beside wir.

   Claim, one IMMEDIATE transaction: the lapse probe (claims lapsed by the expiry index),
   one probe of claim_entries per ancestor of the path (and the path), the descendant scan,
   the queue check, the token (UPDATE, then SELECT), the claim row and its entry row.
   Release, another: delete the entry row and the claim row (by task id and key), insert
   the history row. What stays the same for a process (host, pid, boot id, its owner line)
   is read once at open; a new task id and key come from getrandom each claim. */
#define _GNU_SOURCE
#include "same_statements.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

enum { BEGIN, COMMIT, LAPSED, PROBE, BELOW, QUEUE, TOKEN_MOVE, TOKEN_READ, CLAIM_ROW, ENTRY_ROW,
       ENTRY_DELETE, CLAIM_DELETE, HISTORY_ROW, STATEMENTS };

static const char *const sql[STATEMENTS] = {
    [BEGIN] = "BEGIN IMMEDIATE",
    [COMMIT] = "COMMIT",
    [LAPSED] = "SELECT task_id, secret, token, host, pid, start_time, boot_id, created_ms, expires_ms, ttl_ms, "
               "label, owners, parent_task_id, expires_boot_ms, lease_boot_id, allow_writes "
               "FROM claims WHERE expires_ms <= ?1 ORDER BY expires_ms, task_id LIMIT ?2",
    [PROBE] = "SELECT entry, task_id FROM claim_entries WHERE path = ?1",
    [BELOW] = "SELECT entry, task_id FROM claim_entries WHERE path > ?1 AND path < ?2",
    [QUEUE] = "SELECT ticket, task_id, host, pid, start_time, boot_id, entries, enqueued_ms, expires_ms, "
              "parent_task_id, pid_ns FROM waiters ORDER BY ticket",
    [TOKEN_MOVE] = "UPDATE counters SET value = value + 1 WHERE name = 'token' AND typeof(value) = 'integer' "
                   "AND value < 9223372036854775807",
    [TOKEN_READ] = "SELECT value, changes() FROM counters WHERE name = 'token'",
    [CLAIM_ROW] = "INSERT INTO claims(task_id, secret, token, host, pid, start_time, boot_id, created_ms, "
                  "expires_ms, ttl_ms, label, entries, owners, parent_task_id, expires_boot_ms, lease_boot_id, "
                  "allow_writes) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, '', ?11, ?12, '', ?13, ?7, '')",
    [ENTRY_ROW] = "INSERT INTO claim_entries(path, task_id, entry) VALUES (?1, ?2, ?3)",
    [ENTRY_DELETE] = "DELETE FROM claim_entries WHERE path = ?1 AND task_id = ?2 AND entry = ?3",
    [CLAIM_DELETE] = "DELETE FROM claims WHERE task_id = ?1 AND secret = ?2",
    [HISTORY_ROW] = "INSERT INTO history(task_id, token, host, pid, entries, created_ms, ended_ms, reason, label, "
                    "forced_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'completed', '', '')",
};

struct same_statements {
    sqlite3 *db;
    sqlite3_stmt *statement[STATEMENTS];
    char path[4096], entry[4100], below_upper[4100];
    size_t length;
    char host[256], boot_id[64], owner[512];
    long long pid;
};

static long long now_ms(clockid_t clock) {
    struct timespec now;
    clock_gettime(clock, &now);
    return (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

/* Steps a statement to its end (rows, if any, are read and dropped) and resets it. */
static int run(sqlite3_stmt *statement) {
    int rc;
    while ((rc = sqlite3_step(statement)) == SQLITE_ROW) {}
    sqlite3_reset(statement);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static void text(sqlite3_stmt *statement, int index, const char *value, int length) {
    sqlite3_bind_text(statement, index, value, length, SQLITE_STATIC);
}

same_statements *same_statements_open(const char *registry, const char *path) {
    same_statements *s = calloc(1, sizeof *s);
    if (!s || strlen(path) >= sizeof s->path - 2) { free(s); return NULL; }
    if (sqlite3_open_v2(registry, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) goto fail;
    sqlite3_busy_timeout(s->db, 5000);
    sqlite3_exec(s->db, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL);
    for (int i = 0; i < STATEMENTS; i++)
        if (sqlite3_prepare_v3(s->db, sql[i], -1, SQLITE_PREPARE_PERSISTENT, &s->statement[i], NULL) != SQLITE_OK)
            goto fail;
    strcpy(s->path, path);
    s->length = strlen(path);
    snprintf(s->entry, sizeof s->entry, "w %s", path);
    snprintf(s->below_upper, sizeof s->below_upper, "%s0", path);
    gethostname(s->host, sizeof s->host - 1);
    FILE *boot = fopen("/proc/sys/kernel/random/boot_id", "r");
    if (boot) {
        if (fgets(s->boot_id, sizeof s->boot_id, boot)) s->boot_id[strcspn(s->boot_id, "\n")] = 0;
        fclose(boot);
    }
    s->pid = getpid();
    snprintf(s->owner, sizeof s->owner, "P %lld 0 %s - %s", s->pid, s->boot_id, s->host);
    return s;
fail:
    same_statements_close(s);
    return NULL;
}

void same_statements_close(same_statements *s) {
    if (!s) return;
    for (int i = 0; i < STATEMENTS; i++) sqlite3_finalize(s->statement[i]);
    sqlite3_close(s->db);
    free(s);
}

static void hex(char *out, const unsigned char *bytes, int count) {
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < count; i++) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 15];
    }
    out[2 * count] = 0;
}

static int rollback(same_statements *s, int rc) {
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

int same_statements_claim_release(same_statements *s) {
    sqlite3_stmt **st = s->statement;
    unsigned char random[22];
    char task[5 + 12 + 1] = "task-", key[33];
    if (getrandom(random, sizeof random, 0) != (ssize_t)sizeof random) return SQLITE_ERROR;
    hex(task + 5, random, 6);
    hex(key, random + 6, 16);
    long long created = now_ms(CLOCK_REALTIME), ttl = 300000;
    int rc;

    /* The claim. */
    if ((rc = run(st[BEGIN])) != SQLITE_OK) return rc;
    sqlite3_bind_int64(st[LAPSED], 1, created);
    sqlite3_bind_int64(st[LAPSED], 2, 4);
    if ((rc = run(st[LAPSED])) != SQLITE_OK) return rollback(s, rc);
    /* "/", each ancestor directory of the path, then the path itself. */
    text(st[PROBE], 1, "/", 1);
    if ((rc = run(st[PROBE])) != SQLITE_OK) return rollback(s, rc);
    for (size_t end = 1; end <= s->length; end++) {
        if (end < s->length && s->path[end] != '/') continue;
        text(st[PROBE], 1, s->path, (int)end);
        if ((rc = run(st[PROBE])) != SQLITE_OK) return rollback(s, rc);
    }
    s->path[s->length] = '/';
    text(st[BELOW], 1, s->path, (int)s->length + 1);
    text(st[BELOW], 2, s->below_upper, (int)s->length + 1);
    rc = run(st[BELOW]);
    s->path[s->length] = 0;
    if (rc != SQLITE_OK) return rollback(s, rc);
    if ((rc = run(st[QUEUE])) != SQLITE_OK) return rollback(s, rc);
    if ((rc = run(st[TOKEN_MOVE])) != SQLITE_OK) return rollback(s, rc);
    long long token = 0;
    if (sqlite3_step(st[TOKEN_READ]) == SQLITE_ROW && sqlite3_column_int64(st[TOKEN_READ], 1) == 1)
        token = sqlite3_column_int64(st[TOKEN_READ], 0);
    sqlite3_reset(st[TOKEN_READ]);
    if (token == 0) return rollback(s, SQLITE_CORRUPT);
    sqlite3_stmt *row = st[CLAIM_ROW];
    text(row, 1, task, -1);
    text(row, 2, key, -1);
    sqlite3_bind_int64(row, 3, token);
    text(row, 4, s->host, -1);
    sqlite3_bind_int64(row, 5, s->pid);
    sqlite3_bind_int64(row, 6, 0);
    text(row, 7, s->boot_id, -1);
    sqlite3_bind_int64(row, 8, created);
    sqlite3_bind_int64(row, 9, created + ttl);
    sqlite3_bind_int64(row, 10, ttl);
    text(row, 11, s->entry, -1);
    text(row, 12, s->owner, -1);
    sqlite3_bind_int64(row, 13, now_ms(CLOCK_BOOTTIME) + ttl);
    if ((rc = run(row)) != SQLITE_OK) return rollback(s, rc);
    text(st[ENTRY_ROW], 1, s->path, (int)s->length);
    text(st[ENTRY_ROW], 2, task, -1);
    text(st[ENTRY_ROW], 3, s->entry, -1);
    if ((rc = run(st[ENTRY_ROW])) != SQLITE_OK) return rollback(s, rc);
    if ((rc = run(st[COMMIT])) != SQLITE_OK) return rollback(s, rc);

    /* The release. */
    if ((rc = run(st[BEGIN])) != SQLITE_OK) return rc;
    text(st[ENTRY_DELETE], 1, s->path, (int)s->length);
    text(st[ENTRY_DELETE], 2, task, -1);
    text(st[ENTRY_DELETE], 3, s->entry, -1);
    if ((rc = run(st[ENTRY_DELETE])) != SQLITE_OK) return rollback(s, rc);
    text(st[CLAIM_DELETE], 1, task, -1);
    text(st[CLAIM_DELETE], 2, key, -1);
    if ((rc = run(st[CLAIM_DELETE])) != SQLITE_OK) return rollback(s, rc);
    if (sqlite3_changes(s->db) != 1) return rollback(s, SQLITE_NOTFOUND);
    sqlite3_stmt *history = st[HISTORY_ROW];
    text(history, 1, task, -1);
    sqlite3_bind_int64(history, 2, token);
    text(history, 3, s->host, -1);
    sqlite3_bind_int64(history, 4, s->pid);
    text(history, 5, s->entry, -1);
    sqlite3_bind_int64(history, 6, created);
    sqlite3_bind_int64(history, 7, now_ms(CLOCK_REALTIME));
    if ((rc = run(history)) != SQLITE_OK) return rollback(s, rc);
    return run(st[COMMIT]);
}
