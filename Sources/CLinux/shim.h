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
