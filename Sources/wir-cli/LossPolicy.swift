import ArgumentParser

/// What `wir run` does when its claim ends while the command runs (a forced
/// release, a lapsed lease, its parent ended): stop the command's process
/// group with SIGTERM (then SIGKILL after a while), kill it at once, or only warn.
enum LossPolicy: String, ExpressibleByArgument, CaseIterable {
    case term, kill, warn
}
