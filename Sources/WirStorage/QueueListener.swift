/// One queued claim's ear for wake-ups. Used by the one thread that waits.
public protocol QueueListener: AnyObject {
    /// Listens under `ticket` (again, if the ticket changed).
    func listen(ticket: Int64) throws
    /// A descriptor that polls readable when a wake-up arrives; -1 for none.
    var descriptor: Int32 { get }
    /// Consumes what arrived; true if anything had.
    func drain() -> Bool
}
