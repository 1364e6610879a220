/// A benchmark step that failed, with what to tell the user.
struct SkiffBenchError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}
