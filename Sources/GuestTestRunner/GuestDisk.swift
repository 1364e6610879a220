import Foundation

/// A raw disk image a guest test attaches: created with `contents(offset)` for every byte
/// before the VM starts, and handed to `check` after the VM exits, which returns what is wrong
/// with the bytes (nothing when the guest wrote what it should have).
struct GuestDisk: Sendable {
    var sectors: Int
    var contents: @Sendable (Int) -> UInt8
    var check: @Sendable (_ bytes: [UInt8], _ console: String) -> [String]

    init(
        sectors: Int, contents: @escaping @Sendable (Int) -> UInt8 = { _ in 0 },
        check: @escaping @Sendable (_ bytes: [UInt8], _ console: String) -> [String] = { _, _ in [] }
    ) {
        self.sectors = sectors
        self.contents = contents
        self.check = check
    }

    /// Writes the initial image to a fresh file in the temporary directory; returns its path.
    func create(label: String) throws -> String {
        var bytes = [UInt8](repeating: 0, count: sectors * 512)
        for i in 0..<bytes.count { bytes[i] = contents(i) }
        let safe = label.map { $0.isLetter || $0.isNumber ? $0 : "-" }
        let path = NSTemporaryDirectory() + "skiff-disk-\(String(safe))-\(UUID().uuidString).img"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }
}
