import Foundation

/// Images built from host programs, cached by what went into them.
///
/// The cache key hashes each input file's guest path, host path, size and modification time,
/// so rebuilding a program invalidates its image while an unchanged program boots from the
/// cached image immediately.
public enum ProgramImage {
    /// An image holding `programs` (host paths) at the guest paths given, plus everything they
    /// need at run time. Returns the image path.
    public static func prepare(
        programs: [(hostPath: String, guestPath: String)], extra: ImageSpec = ImageSpec(), cacheDirectory: String? = nil
    ) throws -> String {
        var spec = extra
        let resolver = LibraryResolver()
        for p in programs {
            guard FileManager.default.fileExists(atPath: p.hostPath) else {
                throw SkiffError("\(p.hostPath): no such program", exitStatus: 127)
            }
            for file in try resolver.closure(of: p.hostPath, guestPath: p.guestPath) { spec.add(file) }
        }
        // The host's loader cache maps library names to the same paths the image uses.
        if spec.files.contains(where: { $0.guestPath.hasPrefix("/lib64/ld-linux") }),
            FileManager.default.fileExists(atPath: "/etc/ld.so.cache")
        {
            spec.add(ImageSpec.File(guestPath: "/etc/ld.so.cache", hostPath: "/etc/ld.so.cache"))
        }
        let directory = cacheDirectory ?? defaultCacheDirectory()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/" + key(spec) + ".img"
        if FileManager.default.fileExists(atPath: path) { return path }
        try ImageComposer.write(spec, to: path)
        return path
    }

    public static func defaultCacheDirectory() -> String {
        let env = ProcessInfo.processInfo.environment
        let base = env["XDG_CACHE_HOME"] ?? ((env["HOME"] ?? NSTemporaryDirectory()) + "/.cache")
        return base + "/skiff/images"
    }

    /// FNV-1a over the spec and the identity of every input file.
    static func key(_ spec: ImageSpec) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        func mix(_ s: String) {
            for b in s.utf8 {
                hash ^= UInt64(b)
                hash = hash &* 0x100_0000_01B3
            }
            hash ^= 0xFF
            hash = hash &* 0x100_0000_01B3
        }
        mix("skiff-image-v1")
        for f in spec.files {
            mix(f.guestPath)
            mix(f.hostPath)
            let attributes = try? FileManager.default.attributesOfItem(atPath: f.hostPath)
            mix("\((attributes?[.size] as? Int) ?? -1)")
            mix("\((attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)")
            mix("\(f.mode ?? 0)")
        }
        for (p, c) in spec.generated {
            mix(p)
            mix(String(decoding: c, as: UTF8.self))
        }
        for l in spec.symlinks {
            mix(l.guestPath)
            mix(l.target)
        }
        for d in spec.directories { mix(d) }
        return String(hash, radix: 16)
    }
}
