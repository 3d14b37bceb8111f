import Testing
import WirEngine

/// The confine modes by name, and the registry's `confine` setting.
@Suite struct ConfineModeTests {
    @Test func modesAreReadByNameWithOneAndZeroForOnAndOff() throws {
        #expect(try ConfineMode(named: "strict") == .strict && ConfineMode(named: "1") == .strict)
        #expect(try ConfineMode(named: "on") == .strict)
        #expect(try ConfineMode(named: "best-effort") == .bestEffort)
        #expect(try ConfineMode(named: "off") == .off && ConfineMode(named: "0") == .off)
        #expect(throws: WirError(.invalidArgument, "confine 'yes' is not off, strict or best-effort")) {
            try ConfineMode(named: "yes")
        }
    }

    @Test func theConfineSettingIsOffUntilSetAndShowsItsCanonicalName() throws {
        var settings = RegistrySettings()
        let setting = try RegistrySetting(named: "confine")
        #expect(setting.value(in: settings) == "off" && !setting.isDuration)
        try setting.set("1", in: &settings)
        #expect(settings.confine == .strict && setting.value(in: settings) == "strict")
        try setting.set("best-effort", in: &settings)
        #expect(setting.value(in: settings) == "best-effort")
        #expect(throws: WirError.self) { try setting.set("sometimes", in: &settings) }
        #expect(settings.confine == .bestEffort, "a bad value changes nothing")
    }
}
