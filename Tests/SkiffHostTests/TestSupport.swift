import Foundation
import Testing

@testable import SkiffHost

/// A fresh folder under the system's temporary directory, removed when the value is released.
final class TemporaryDirectory {
    let path: String

    init() throws {
        let base = NSTemporaryDirectory() + "skiff-host-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        path = HostPath.resolved(base)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Writes `contents` at `relative` (creating folders) and returns the absolute path.
    @discardableResult
    func write(_ relative: String, _ contents: String, mode: Int = 0o644) throws -> String {
        let full = path + "/" + relative
        try FileManager.default.createDirectory(
            atPath: URL(fileURLWithPath: full).deletingLastPathComponent().path, withIntermediateDirectories: true)
        try contents.write(toFile: full, atomically: false, encoding: .utf8)
        chmod(full, mode_t(mode))
        return full
    }

    @discardableResult
    func writeBytes(_ relative: String, _ bytes: [UInt8], mode: Int = 0o644) throws -> String {
        let full = path + "/" + relative
        try FileManager.default.createDirectory(
            atPath: URL(fileURLWithPath: full).deletingLastPathComponent().path, withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: full, contents: Data(bytes)) else {
            throw SkiffError("cannot write \(full)")
        }
        chmod(full, mode_t(mode))
        return full
    }

    func mkdir(_ relative: String) throws -> String {
        let full = path + "/" + relative
        try FileManager.default.createDirectory(atPath: full, withIntermediateDirectories: true)
        return full
    }

    func symlink(_ relative: String, to target: String) throws -> String {
        let full = path + "/" + relative
        try FileManager.default.createSymbolicLink(atPath: full, withDestinationPath: target)
        return full
    }
}

/// The message and exit status of the `SkiffError` that `body` throws (nil when it succeeds).
func skiffError(_ body: () throws -> Void) -> SkiffError? {
    do {
        try body()
        return nil
    } catch let error as SkiffError {
        return error
    } catch {
        Issue.record("expected a SkiffError, got \(error)")
        return nil
    }
}

/// Whether `path` exists and is executable (tests on real Debian binaries skip when one is missing).
func installed(_ path: String) -> Bool { FileManager.default.isExecutableFile(atPath: path) }
