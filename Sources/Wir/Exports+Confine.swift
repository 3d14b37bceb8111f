import CWir
import WirEngine
import WirHost
import WirRegistry

// Confined runs: Linux Landlock, applied by a child before it execs.

@c @implementation
public func wir_landlock_abi() -> Int32 {
    Status.run { Int32(try Landlock.abi().abi) }
}

@c @implementation
public func wir_confine(_ reg: OpaquePointer?, _ claim: OpaquePointer?, _ flags: Int32) -> Int32 {
    Status.run {
        let handle = try RegistryHandle.from(reg)
        let held = try ClaimHandle.from(claim)
        guard held.state == .held else {
            throw Status.invalid("wir_confine: claim '\(held.taskID)' holds nothing (refused or released)")
        }
        guard flags & ~(WIR_CONFINE_BEST_EFFORT | WIR_CONFINE_CHECK) == 0 else {
            throw Status.invalid("unknown confine flags \(flags) (WIR_CONFINE_STRICT or WIR_CONFINE_BEST_EFFORT, "
                                 + "with WIR_CONFINE_CHECK or not)")
        }
        let mode: ConfineMode = flags & WIR_CONFINE_BEST_EFFORT != 0 ? .bestEffort : .strict
        let confinement = try handle.registry.confinement(entries: held.entries, allowWrites: held.allowWrites,
                                                          mode: mode)
        if flags & WIR_CONFINE_CHECK == 0 { try confinement.restrictSelf() }
        return WIR_OK
    }
}
