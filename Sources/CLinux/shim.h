/* Linux calls that Swift cannot reach directly (variadic syscall()). */
#include <sys/syscall.h>
#include <unistd.h>
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
/* A descriptor that polls readable when process `pid` exits; -1 and errno on failure. */
static inline int wir_pidfd_open(int pid) { return (int)syscall(SYS_pidfd_open, pid, 0); }
#include <sys/eventfd.h>
/* A non-blocking, close-on-exec eventfd (the flags are macros Swift cannot see). */
static inline int wir_eventfd(void) { return eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK); }
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <sys/prctl.h>
/* Landlock. The numbers are the kernel's ABI, fixed since Linux 5.13; they are
   written here because the system's <linux/landlock.h> may be older than the
   kernel (Debian 12's lacks the truncate right). */
#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#endif
#ifndef SYS_landlock_add_rule
#define SYS_landlock_add_rule 445
#endif
#ifndef SYS_landlock_restrict_self
#define SYS_landlock_restrict_self 446
#endif
/* The Landlock ABI version this kernel offers (1, 2, ...); -1 and errno
   (ENOSYS: not built in; EOPNOTSUPP: disabled at boot) without Landlock. */
static inline int wir_landlock_abi(void) {
    return (int)syscall(SYS_landlock_create_ruleset, (void *)0, (size_t)0, 1U /* ..._CREATE_RULESET_VERSION */);
}
/* A new ruleset that handles the file-system rights `handled` (a mask of
   LANDLOCK_ACCESS_FS_*): a close-on-exec descriptor, or -1 and errno. */
static inline int wir_landlock_create_ruleset(uint64_t handled) {
    struct { uint64_t handled_access_fs; } attr = { handled };
    return (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof attr, 0U);
}
#include <fcntl.h>
#ifndef O_PATH
#define O_PATH 010000000
#endif
/* A close-on-exec O_PATH descriptor of `path` (following symlinks), for a rule;
   -1 and errno. (O_PATH needs _GNU_SOURCE, which Swift's Glibc lacks.) */
static inline int wir_open_path(const char *path) { return open(path, O_PATH | O_CLOEXEC); }
/* Allows `allowed` beneath the file or directory open at `parent_fd` (O_PATH
   is enough): 0, or -1 and errno. */
static inline int wir_landlock_allow(int ruleset, int parent_fd, uint64_t allowed) {
    struct __attribute__((packed)) { uint64_t allowed_access; int32_t parent_fd; } rule = { allowed, parent_fd };
    return (int)syscall(SYS_landlock_add_rule, ruleset, 1 /* LANDLOCK_RULE_PATH_BENEATH */, &rule, 0U);
}
/* Restricts the calling thread, and what it starts from now on, to `ruleset`,
   on top of any ruleset it already has (layers only narrow). Sets
   no_new_privs first, as an unprivileged caller must. 0, or -1 and errno.
   Two system calls: async-signal-safe. */
static inline int wir_landlock_restrict_self(int ruleset) {
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return -1;
    return (int)syscall(SYS_landlock_restrict_self, ruleset, 0U);
}
/* Writes `text`, a non-negative decimal number and ")\n" to stderr with write(2)
   alone (for a fork child). */
static inline void wir_child_say(const char *text, int number) {
    size_t length = 0;
    while (text[length]) length++;
    (void)!write(2, text, length);
    char digits[16];
    int at = 14;
    digits[14] = ')';
    digits[15] = '\n';
    unsigned value = (unsigned)number;
    do { digits[--at] = (char)('0' + value % 10); value /= 10; } while (value && at > 0);
    (void)!write(2, digits + at, (size_t)(16 - at));
}
/* Forks a child that makes a process group of its own and waits at a gate:
   it runs `path` (execve, default job-control signals, an empty signal mask)
   once a byte can be read from `gate_read`, and exits 126 without running
   anything if the gate closes instead (the parent died first). The parent
   opens the gate after recording the group as an owner of the claim, so the
   command never runs unclaimed. With a Landlock ruleset (`ruleset` >= 0, else
   -1) the child restricts itself to it after the gate and before execve, and
   exits 126 without running anything if the kernel refuses. Returns the
   child's pid, or -1 and errno. Only async-signal-safe calls run in the child.
   It forks with glibc's _Fork where there is one: no pthread_atfork handler
   runs, so the registries of the process stay open across it (the child never
   uses them: it execs). fork would close their SQLite connections first, and
   the last connection's close checkpoints the WAL with five fdatasyncs before
   the command starts, then opens it again (measured in BENCHMARKS.md). */
static inline int wir_spawn_gated(const char *path, char *const argv[], char *const envp[],
                                  int gate_read, int gate_write, int ruleset) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
    pid_t pid = _Fork();
#else
    pid_t pid = fork();
#endif
    if (pid != 0) return pid;
    setpgid(0, 0);
    close(gate_write);
    char go;
    ssize_t n;
    do { n = read(gate_read, &go, 1); } while (n < 0 && errno == EINTR);
    if (n != 1) _exit(126);
    close(gate_read);
    if (ruleset >= 0) {
        if (wir_landlock_restrict_self(ruleset) != 0) {
            wir_child_say(errno == E2BIG ? "wir: the kernel refused to confine the command, which was not run: "
                                           "16 nested confinements at most (errno "
                                         : "wir: the kernel refused to confine the command, which was not run (errno ",
                          errno);
            _exit(126);
        }
        close(ruleset);
    }
    struct sigaction dfl;
    dfl.sa_handler = SIG_DFL;
    dfl.sa_flags = 0;
    sigemptyset(&dfl.sa_mask);
    sigaction(SIGTTOU, &dfl, NULL);
    sigaction(SIGTTIN, &dfl, NULL);
    sigaction(SIGTSTP, &dfl, NULL);
    sigset_t empty;
    sigemptyset(&empty);
    sigprocmask(SIG_SETMASK, &empty, NULL);
    execve(path, argv, envp);
    _exit(errno == ENOENT ? 127 : 126);
}
