import ArgumentParser
import WirEngine

extension Policy: ExpressibleByArgument {
    public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}
