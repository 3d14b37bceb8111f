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
/* Forks a child that makes a process group of its own and waits at a gate:
   it runs `path` (execve, default job-control signals, an empty signal mask)
   once a byte can be read from `gate_read`, and exits 126 without running
   anything if the gate closes instead (the parent died first). The parent
   opens the gate after recording the group as an owner of the claim, so the
   command never runs unclaimed. Returns the child's pid, or -1 and errno.
   Only async-signal-safe calls run in the child. */
static inline int wir_spawn_gated(const char *path, char *const argv[], char *const envp[],
                                  int gate_read, int gate_write) {
    pid_t pid = fork();
    if (pid != 0) return pid;
    setpgid(0, 0);
    close(gate_write);
    char go;
    ssize_t n;
    do { n = read(gate_read, &go, 1); } while (n < 0 && errno == EINTR);
    if (n != 1) _exit(126);
    close(gate_read);
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
