/// Images built from host programs, for callers that only have programs (the guest test runner).
public enum ProgramImage {
    /// An image holding `programs` (host paths) at the guest paths given, plus everything they
    /// need at run time, from the image cache in `cacheDirectory` (default: the user's). Returns
    /// the image path.
    public static func prepare(
        programs: [(hostPath: String, guestPath: String)], cacheDirectory: String? = nil
    ) throws -> String {
        var plan = ImagePlan()
        for p in programs {
            plan.programs.append(try HostProgram.locate(p.hostPath, guestPath: p.guestPath))
        }
        let spec = try plan.makeSpec()
        let source = programs.map(\.hostPath).joined(separator: " ")
        return try ImageCache(directory: cacheDirectory).image(for: spec, name: nil, source: source).path
    }
}
