/// A byte-level NFA for the set of canonical paths an entry stands for: the
/// paths its pattern matches **and everything beneath them**.
///
/// Two entries overlap when their automata accept a common canonical path.
/// That is decided exactly by a breadth-first search of the product of the
/// two automata and a third one that accepts only canonical paths (no empty,
/// `.` or `..` components, no trailing slash). So there are no false
/// negatives, and no false positives from strings that are not paths.
struct PatternAutomaton: Sendable {
    private var edges: [[(ByteSet, Int)]] = []
    private var epsilons: [[Int]] = []
    private var accepting: [Bool] = []
    /// Each state's epsilon closure, computed once.
    private var closures: [[Int]] = []

    /// The automaton of `components` (after the leading '/') with the subtree closure.
    init(_ components: [Glob.Component]) {
        let start = addState()
        var state = addState()
        addEdge(start, ByteSet(UInt8(ascii: "/")), state)
        for (index, component) in components.enumerated() {
            let isLast = index == components.count - 1
            switch component {
            case .anyDirectories where !isLast:
                // Zero or more whole components, each followed by '/'.
                let inside = addState()
                addEdge(state, .notSlash, inside)
                addEdge(inside, .notSlash, inside)
                addEdge(inside, ByteSet(UInt8(ascii: "/")), state)
            case .anyDirectories:
                // A trailing "**": one or more components beneath.
                let inside = addState(), separator = addState()
                addEdge(state, .notSlash, inside)
                addEdge(inside, .notSlash, inside)
                addEdge(inside, ByteSet(UInt8(ascii: "/")), separator)
                addEdge(separator, .notSlash, inside)
                state = inside
            case .segment(let atoms):
                for atom in atoms {
                    let next = addState()
                    switch atom {
                    case .bytes(let set):
                        addEdge(state, set, next)
                    case .star:
                        epsilons[state].append(next)
                        addEdge(next, .notSlash, next)
                    }
                    state = next
                }
                if !isLast {
                    let next = addState()
                    addEdge(state, ByteSet(UInt8(ascii: "/")), next)
                    state = next
                }
            }
        }
        accepting[state] = true
        // Everything beneath a match.
        let beneath = addState()
        addEdge(state, components.isEmpty ? .all : ByteSet(UInt8(ascii: "/")), beneath)   // the root ends in '/'

        addEdge(beneath, .all, beneath)
        accepting[beneath] = true
        closures = edges.indices.map(closure)
    }

    private mutating func addState() -> Int {
        edges.append([])
        epsilons.append([])
        accepting.append(false)
        return edges.count - 1
    }

    private mutating func addEdge(_ from: Int, _ set: ByteSet, _ to: Int) {
        edges[from].append((set, to))
    }

    private func closure(_ state: Int) -> [Int] {
        var seen = [state], index = 0
        while index < seen.count {
            for next in epsilons[seen[index]] where !seen.contains(next) { seen.append(next) }
            index += 1
        }
        return seen
    }

    /// True when the automaton accepts `bytes` (a canonical path).
    func accepts(_ bytes: some Sequence<UInt8>) -> Bool {
        var current = Set(closures[0])
        for byte in bytes {
            var next = Set<Int>()
            for state in current {
                for (set, target) in edges[state] where set.contains(byte) { next.formUnion(closures[target]) }
            }
            if next.isEmpty { return false }
            current = next
        }
        return current.contains { accepting[$0] }
    }

    /// True when some canonical path is accepted by both automata; nil when
    /// `budget` ran out first (each state of either automaton, and each
    /// product state visited, is a step).
    func intersects(_ other: PatternAutomaton, budget: OverlapBudget? = nil) -> Bool? {
        if let budget, !budget.spend(edges.count + other.edges.count) { return nil }
        let closuresA = closures, closuresB = other.closures
        let width = other.edges.count * CanonicalForm.stateCount
        var seen = Set<Int>()
        var queue: [(Int, Int, CanonicalForm)] = []
        func visit(_ a: Int, _ b: Int, _ c: CanonicalForm) {
            for x in closuresA[a] {
                for y in closuresB[b] where seen.insert(x * width + y * CanonicalForm.stateCount + c.rawValue).inserted {
                    queue.append((x, y, c))
                }
            }
        }
        visit(0, 0, .start)
        var index = 0
        while index < queue.count {
            if let budget, !budget.spend() { return nil }
            let (a, b, c) = queue[index]
            index += 1
            if accepting[a] && other.accepting[b] && c.isAccepting { return true }
            for (setA, nextA) in edges[a] {
                for (setB, nextB) in other.edges[b] {
                    let common = setA.intersection(setB)
                    if common.isEmpty { continue }
                    for next in c.successors(on: common) { visit(nextA, nextB, next) }
                }
            }
        }
        return false
    }
}

/// The automaton of canonical absolute paths: "/" or "/c1/.../cn" where no
/// component is empty, "." or "..".
enum CanonicalForm: Int {
    case start = 0, root, componentStart, dot, dotDot, name
    static let stateCount = 6

    var isAccepting: Bool { self == .root || self == .name }

    private static let slash = ByteSet(UInt8(ascii: "/"))
    private static let dotSet = ByteSet(UInt8(ascii: "."))
    private static let others = ByteSet.all.subtracting(slash).subtracting(dotSet)

    /// The states reachable on some byte of `set` (one per byte class).
    func successors(on set: ByteSet) -> [CanonicalForm] {
        var result: [CanonicalForm] = []
        if !set.intersection(Self.slash).isEmpty, let next = step(slash: true, dot: false) { result.append(next) }
        if !set.intersection(Self.dotSet).isEmpty, let next = step(slash: false, dot: true) { result.append(next) }
        if !set.intersection(Self.others).isEmpty, let next = step(slash: false, dot: false) { result.append(next) }
        return result
    }

    private func step(slash: Bool, dot: Bool) -> CanonicalForm? {
        switch self {
        case .start: return slash ? .root : nil
        case .root, .componentStart: return slash ? nil : (dot ? .dot : .name)
        case .dot: return slash ? nil : (dot ? .dotDot : .name)
        case .dotDot: return slash ? nil : .name
        case .name: return slash ? .componentStart : .name
        }
    }
}
