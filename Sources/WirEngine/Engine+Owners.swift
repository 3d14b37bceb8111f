/// Who owns a claim: adding owners, removing them, handing a claim on. A
/// claim ends by its owners' death only when every owner is gone.
extension Engine {
    /// Adds `owner` to the claim `taskID` holds under `key` (a no-op if it
    /// owns it already). Returns the claim as now held.
    public func addOwner(_ owner: Owner, taskID: String, key: String, in store: any RegistryStore) throws -> ClaimRecord {
        try changeOwners(taskID: taskID, key: key, in: store) { owners in
            if !owners.contains(owner) { owners.append(owner) }
        }
    }

    /// Removes `owner` from the claim; the last owner cannot be removed
    /// (release the claim instead). Throws `.notFound` if it is not an owner.
    public func removeOwner(_ owner: Owner, taskID: String, key: String, in store: any RegistryStore) throws -> ClaimRecord {
        try changeOwners(taskID: taskID, key: key, in: store) { owners in
            guard owners.contains(owner) else {
                throw WirError(.notFound, "\(owner.description) does not own task '\(taskID)'")
            }
            owners.removeAll { $0 == owner }
        }
    }

    /// Hands the claim to `owner`: adds it, and removes `caller` if it was an
    /// owner, in one transaction, so the claim is never without a live owner.
    public func handOff(to owner: Owner, from caller: Owner, taskID: String, key: String,
                        in store: any RegistryStore) throws -> ClaimRecord {
        try changeOwners(taskID: taskID, key: key, in: store) { owners in
            if !owners.contains(owner) { owners.append(owner) }
            if owner != caller { owners.removeAll { $0 == caller } }
        }
    }

    private func changeOwners(taskID: String, key: String, in store: any RegistryStore,
                              _ change: (inout [Owner]) throws -> Void) throws -> ClaimRecord {
        try writing(store) { context in
            var held = try ownClaim(taskID: taskID, key: key, context)
            var owners = held.owners
            try change(&owners)
            guard !owners.isEmpty else {
                throw WirError(.invalidArgument, "task '\(taskID)' would be left without an owner; release it instead")
            }
            guard owners != held.owners else { return held }
            held.owners = owners
            try context.tx.update(held)
            return held
        }
    }
}
