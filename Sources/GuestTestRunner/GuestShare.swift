import Foundation

/// A host folder a guest test shares over virtio-9p under tag `shareN` (N its index): filled by
/// `make` before the VM starts (given the folder and the build directory, e.g. to copy a program
/// in), and judged by `inspect` after the VM exits, which returns what is wrong with what the
/// guest left in it.
struct GuestShare: Sendable {
    var make: @Sendable (_ path: String, _ build: String) throws -> Void
    var inspect: @Sendable (_ path: String, _ console: String) -> [String]

    /// A fresh folder in the temporary directory, filled; returns its path.
    func create(label: String, build: String) throws -> String {
        let safe = label.map { $0.isLetter || $0.isNumber ? $0 : "-" }
        let path = NSTemporaryDirectory() + "skiff-share-\(String(safe.prefix(40)))-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try make(path, build)
        return path
    }
}
