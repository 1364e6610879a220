import Foundation

/// A raw disk image a guest test attaches: created with `contents(offset)` for every byte
/// before the VM starts, and handed to `check` after the VM exits, which returns what is wrong
/// with the bytes (nothing when the guest wrote what it should have).
///
/// A disk with a file system is made by `make` instead (given the image path and the build
/// directory, e.g. to run mke2fs) and examined by `inspect` (given the image path, e.g. to run
/// e2fsck).
struct GuestDisk: Sendable {
    var sectors: Int
    var contents: @Sendable (Int) -> UInt8
    var check: @Sendable (_ bytes: [UInt8], _ console: String) -> [String]
    var make: (@Sendable (_ path: String, _ build: String) throws -> Void)? = nil
    var inspect: (@Sendable (_ path: String, _ console: String) -> [String])? = nil
    /// A QEMU blkdebug configuration (`[inject-error]` sections) the disk is attached through,
    /// so reads or writes of chosen sectors fail as a broken disk's would.
    var faults: String? = nil

    init(
        sectors: Int, contents: @escaping @Sendable (Int) -> UInt8 = { _ in 0 },
        check: @escaping @Sendable (_ bytes: [UInt8], _ console: String) -> [String] = { _, _ in [] }
    ) {
        self.sectors = sectors
        self.contents = contents
        self.check = check
    }

    /// A disk made by `make` and examined by `inspect`.
    init(
        make: @escaping @Sendable (_ path: String, _ build: String) throws -> Void,
        inspect: @escaping @Sendable (_ path: String, _ console: String) -> [String]
    ) {
        self.init(sectors: 0)
        self.make = make
        self.inspect = inspect
    }

    /// Writes the initial image to a fresh file in the temporary directory; returns its path.
    func create(label: String, build: String) throws -> String {
        let safe = label.map { $0.isLetter || $0.isNumber ? $0 : "-" }
        let path = NSTemporaryDirectory() + "skiff-disk-\(String(safe))-\(UUID().uuidString).img"
        if let make {
            try make(path, build)
            return path
        }
        var bytes = [UInt8](repeating: 0, count: sectors * 512)
        for i in 0..<bytes.count { bytes[i] = contents(i) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// How QEMU opens the image at `path`: through blkdebug when the disk has `faults` (its
    /// configuration written beside the image).
    func attachment(path: String) throws -> String {
        guard let faults else { return path }
        try Data(faults.utf8).write(to: URL(fileURLWithPath: path + ".blkdebug"))
        return "blkdebug:\(path).blkdebug:\(path)"
    }

    /// What is wrong with the disk at `path` after the VM ended.
    func problems(path: String, console: String) -> [String] {
        if let inspect { return inspect(path, console) }
        guard let data = FileManager.default.contents(atPath: path) else { return ["disk image \(path) is gone"] }
        return check([UInt8](data), console)
    }
}
