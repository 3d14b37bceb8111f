import Testing
import WirEngine
import WirStorage

/// A waiter's terms in one text column (`WaiterTermsText`), as both stores keep them.
@Suite struct WaiterTermsTextTests {
    @Test(arguments: [Lease.registryDefault, .whileAlive, .ttl(90_000)])
    func termsAndDeadlineReadBackAsWritten(lease: Lease) {
        let terms = WaiterTerms(key: "k3y", lease: lease, label: "nightly build",
                                allowWrites: [CanonicalPath(canonical: "/tmp/a"), CanonicalPath(canonical: "/w x")],
                                parentKey: "p4r")
        let text = WaiterTermsText.encode(terms, deadlineMs: 1_700_000_000_123)
        let (read, deadline) = WaiterTermsText.decode(text)
        #expect(read == terms && deadline == 1_700_000_000_123)
    }

    @Test func noTermsIsAnEmptyColumnAndNoDeadline() {
        #expect(WaiterTermsText.encode(nil, deadlineMs: 5) == "")
        let (terms, deadline) = WaiterTermsText.decode("")
        #expect(terms == nil && deadline == 0)
        #expect(WaiterTermsText.decode("k\tx\t0\t\t\t").terms == nil, "an unreadable lease is no terms")
    }

    @Test func emptyFieldsSurvive() {
        let terms = WaiterTerms(key: "k", lease: .registryDefault)
        #expect(WaiterTermsText.decode(WaiterTermsText.encode(terms, deadlineMs: 0)).terms == terms)
    }
}
