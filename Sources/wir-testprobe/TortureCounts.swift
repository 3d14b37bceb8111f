/// What one torture worker saw, by outcome.
struct TortureCounts {
    var admitted = 0, refused = 0, timedOut = 0, warned = 0, crashed = 0, violations = 0, errors = 0
}
