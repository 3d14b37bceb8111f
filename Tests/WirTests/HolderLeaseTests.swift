import Testing
import WirEngine
@testable import WirRegistry

/// A holder's reckoning of its lease: when it ends, and by when a renewal must be over.
struct HolderLeaseTests {
    private func record(ttlMs: Int64) -> ClaimRecord {
        ClaimRecord(taskID: "t", key: "k", token: 1, owner: owner(1),
                    createdMs: 0, expiresMs: ttlMs, ttlMs: ttlMs)
    }

    @Test func theLeaseRunsFromWhenTheRenewalWasSentAndMustBeRenewedATenthBeforeItsEnd() {
        let lease = HolderLease(record(ttlMs: 60_000), sentAtMs: 1000, ttlMs: nil, sharedAcrossHosts: false)
        #expect(lease.endsMs == 61_000)
        #expect(lease.renewBy == 55_000)
        #expect(!lease.isOver(atMs: 54_999) && lease.isOver(atMs: 55_000))
    }

    @Test(arguments: [(Int64(4000), Int64(500)), (1200, 400), (300, 100), (3_600_000, 360_000)])
    func theMarginIsATenthAtLeastHalfASecondAtMostAThird(_ leaseMs: Int64, _ margin: Int64) {
        let lease = HolderLease(record(ttlMs: leaseMs), sentAtMs: 0, ttlMs: nil, sharedAcrossHosts: true)
        #expect(lease.renewBy == leaseMs - margin)
    }

    @Test func aRenewalNamingATTLGrantsThatLease() {
        let lease = HolderLease(record(ttlMs: 60_000), sentAtMs: 0, ttlMs: 9000, sharedAcrossHosts: false)
        #expect(lease.endsMs == 9000 && lease.leaseMs == 9000)
    }

    @Test func aClaimHeldWhileAliveLapsesOnlyWhereOtherHostsJudgeItByItsHostLease() {
        let alone = HolderLease(record(ttlMs: 0), sentAtMs: 0, ttlMs: nil, sharedAcrossHosts: false)
        #expect(alone.endsMs == nil && alone.renewBy == nil && !alone.isOver(atMs: .max))
        let shared = HolderLease(record(ttlMs: 0), sentAtMs: 0, ttlMs: nil, sharedAcrossHosts: true)
        #expect(shared.endsMs == Engine.hostLeaseMs)
    }

    @Test func anUnknownLeaseIsNeverOver() {
        #expect(HolderLease.unknown.renewBy == nil && !HolderLease.unknown.isOver(atMs: .max))
    }
}
