import Foundation
import Testing

@testable import SkiffHost

/// The `skiff` binary SwiftPM built, run as a user runs it — a separate process with its own
/// arguments, environment and working folder — with an image cache of its own, so that tests of
/// the command line see what a user sees: standard output, standard error and the exit status.
struct SkiffCommand {
    /// What one run printed and how it ended.
    struct Output: CustomStringConvertible {
        var status: Int32
        var standardOutput: String
        var standardError: String

        /// Standard error's lines, without the final newline.
        var errorLines: [String] { standardError.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init) }

        /// Standard output parsed as the one JSON value `--json` promises.
        func json() throws -> Any {
            try JSONSerialization.jsonObject(with: Data(standardOutput.utf8))
        }

        /// Standard output as a JSON object.
        func jsonObject(sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
            try #require(try json() as? [String: Any], "not a JSON object: \(standardOutput)", sourceLocation: sourceLocation)
        }

        var description: String { "status \(status)\nstdout: \(standardOutput)\nstderr: \(standardError)" }
    }

    /// The image cache (`SKIFF_CACHE_DIR`).
    let cacheDirectory: String
    /// Extra or replaced environment variables.
    var environment: [String: String] = [:]

    init(cacheDirectory: String) {
        self.cacheDirectory = cacheDirectory
    }

    /// Runs `skiff ARGUMENTS` in `directory` and waits for it.
    func run(_ arguments: [String], in directory: String? = nil) throws -> Output {
        var process = Subprocess(try Self.executable(), arguments)
        var env = ProcessInfo.processInfo.environment
        env["SKIFF_CACHE_DIR"] = cacheDirectory
        env["SKIFF_KERNEL"] = nil
        for (name, value) in environment { env[name] = value }
        process.environment = env
        process.currentDirectory = directory
        process.timeout = 120
        let result = try process.run()
        return Output(status: result.status, standardOutput: result.outputText, standardError: result.errorText)
    }

    /// `.build/debug/skiff`: `swift build` (and `swift build --build-tests`) makes it beside the
    /// test bundle this runs from; a checkout's build folder is the fallback.
    static func executable() throws -> String {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let candidates = [bundle.appendingPathComponent("skiff").path, package.appendingPathComponent(".build/debug/skiff").path]
        return try #require(
            candidates.first { FileManager.default.isExecutableFile(atPath: $0) },
            "the skiff binary is not built (looked at \(candidates.joined(separator: ", "))): run swift build first")
    }
}
