#if canImport(Glibc)
import Glibc
#endif

/// Terminal job control for `wir run`'s command, which runs in a process
/// group of its own: when `wir run` is the terminal's foreground job, the
/// command's group gets the terminal (so ^C and ^Z reach it); when the command
/// stops, `wir run` takes the terminal back and stops too, so the shell sees a
/// stopped job; `fg` continues both. Used by the thread that runs `wir run`.
struct JobControl {
    /// The terminal, when `wir run` is its foreground job; -1 otherwise.
    private let terminal: Int32

    init() {
        let fd: Int32 = 0
        terminal = isatty(fd) == 1 && tcgetpgrp(fd) == getpgrp() ? fd : -1
        // Writing the terminal's foreground group from a background process raises
        // SIGTTOU; wir run may be moved to the background between two of its calls.
        if terminal >= 0 { signal(SIGTTOU, SIG_IGN) }
    }

    /// Gives the terminal to `group` (a no-op without one).
    func give(to group: pid_t) {
        if terminal >= 0 { tcsetpgrp(terminal, group) }
    }

    /// The command's group stopped: stop `wir run` as well (a no-op without a
    /// terminal), and once continued, give the terminal back and continue the group.
    func stopped(_ group: pid_t) {
        guard terminal >= 0 else { return }
        tcsetpgrp(terminal, getpgrp())
        kill(getpid(), SIGSTOP)
        tcsetpgrp(terminal, group)
        kill(-group, SIGCONT)
    }

    /// Takes the terminal back when the command ended.
    func reclaim() {
        if terminal >= 0 { tcsetpgrp(terminal, getpgrp()) }
    }
}
