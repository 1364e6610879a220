import Foundation

/// Built images, named by a hash of everything that went into them.
///
/// Layout of the cache directory (`$XDG_CACHE_HOME/skiff/images`, else `~/.cache/skiff/images`):
///
///     <key>.img    the image, key = SHA-256 hex of its inputs (`ImageCache.key`)
///     <key>.json   what `skiff images` shows: name, source, size, file count, config, times
///
/// Building an image whose key is present is a cache hit and reads no file contents.
public struct ImageCache {
    public var directory: String

    public init(directory: String? = nil) {
        self.directory = directory ?? Self.defaultDirectory()
    }

    public static func defaultDirectory() -> String {
        let env = ProcessInfo.processInfo.environment
        if let explicit = env["SKIFF_CACHE_DIR"], !explicit.isEmpty { return explicit + "/images" }
        let base =
            env["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? ((env["HOME"] ?? NSTemporaryDirectory()) + "/.cache")
        return base + "/skiff/images"
    }

    /// What the cache records about one image.
    public struct Entry: Codable, Equatable {
        public var key: String
        /// The names given with `skiff build --name` or in project files. A name belongs to one
        /// image: building it again moves it to the new image. Images made by `skiff run PROGRAM`
        /// have none.
        public var names: [String]
        /// What it was built from (a project file, a manifest, a program).
        public var source: String
        public var size: Int
        public var files: Int
        public var created: Date
        public var lastUsed: Date
        public var command: [String]
        public var environment: [String]
        public var memoryMiB: Int?
        public var cpus: Int?

        public var shortKey: String { String(key.prefix(12)) }
    }

    public func imagePath(key: String) -> String { directory + "/" + key + ".img" }
    func metadataPath(key: String) -> String { directory + "/" + key + ".json" }

    // MARK: Keys

    /// The cache key of a spec: a SHA-256 over a format version, the configuration, and for
    /// every guest path (sorted) what it holds. A host file contributes its path and its
    /// `stat` identity — size, mode, owner, inode, mtime and ctime to the nanosecond — so any
    /// change to its contents or metadata (even one that restores the old mtime, which still
    /// moves ctime) gives a new key, while an unchanged tree is recognised without reading a byte.
    public static func key(_ spec: ImageSpec) -> String {
        var hash = SHA256()
        func field(_ s: String) {
            hash.update(s)
            hash.update([0])
        }
        field("skiff-image-v3")  // bump when ImageComposer adds or changes what every image holds
        field(spec.config.encoded())
        for path in spec.paths.sorted() {
            field(path)
            switch spec[path]! {
            case .directory:
                field("dir")
            case .symlink(let target):
                field("link")
                field(target)
            case .contents(let bytes, let mode):
                field("data \(mode) \(bytes.count)")
                hash.update(bytes)
            case .file(let host, let mode):
                field("file \(mode.map { String($0) } ?? "-")")
                field(host)
                field(FileInfo(host)?.identity ?? "missing")
            }
        }
        return hash.hexDigest()
    }

    // MARK: Storing and finding

    public struct BuildResult {
        public var entry: Entry
        public var path: String
        public var cacheHit: Bool
    }

    /// Returns the cached image for `spec`, or builds and stores it.
    /// `key` may be given when the caller computed it already (it costs a `stat` per file).
    public func image(
        for spec: ImageSpec, key precomputed: String? = nil, name: String?, source: String, progress: ((Int, Int) -> Void)? = nil
    ) throws -> BuildResult {
        try createDirectory()
        let key = precomputed ?? Self.key(spec)
        let path = imagePath(key: key)
        let now = Date()
        if FileInfo(path)?.kind == .regular, var entry = try? readEntry(key: key) {
            entry.lastUsed = now
            if let name, !entry.names.contains(name) { entry.names.append(name) }
            try writeEntry(entry)
            if let name { try moveName(name, to: key) }
            return BuildResult(entry: entry, path: path, cacheHit: true)
        }
        let size = try ImageComposer.write(spec, to: path, progress: progress)
        let generated = spec.entries.filter { if case .contents = $0.node { true } else { false } }.count
        let entry = Entry(
            key: key, names: name.map { [$0] } ?? [], source: source, size: size,
            files: spec.files.count + generated + (spec[ImageConfig.path] == nil ? 1 : 0),
            created: now, lastUsed: now, command: spec.config.command, environment: spec.config.environment,
            memoryMiB: spec.config.memoryMiB, cpus: spec.config.cpus)
        try writeEntry(entry)
        if let name { try moveName(name, to: key) }
        return BuildResult(entry: entry, path: path, cacheHit: false)
    }

    /// Takes `name` away from every image but `key`.
    func moveName(_ name: String, to key: String) throws {
        for var other in list() where other.key != key && other.names.contains(name) {
            other.names.removeAll { $0 == name }
            try writeEntry(other)
        }
    }

    /// All images, newest first.
    public func list() -> [Entry] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".json") }
            .compactMap { try? readEntry(key: String($0.dropLast(5))) }
            .filter { FileInfo(imagePath(key: $0.key)) != nil }
            .sorted { $0.created > $1.created }
    }

    /// The image a user means by `reference`: a name, or a key or a unique prefix of one (at
    /// least 4 characters).
    public func find(_ reference: String) throws -> Entry? {
        let all = list()
        if let named = all.first(where: { $0.names.contains(reference) }) { return named }
        guard reference.count >= 4, reference.allSatisfy(\.isHexDigit) else { return nil }
        let matches = all.filter { $0.key.hasPrefix(reference.lowercased()) }
        if matches.count > 1 {
            throw SkiffError(
                "image key \(reference) is ambiguous (\(matches.count) images start with it): give more characters",
                exitStatus: ExitStatus.usage)
        }
        return matches.first
    }

    /// Records that an image was used now (for `skiff images`).
    public func touch(_ entry: Entry) {
        var e = entry
        e.lastUsed = Date()
        try? writeEntry(e)
    }

    public func remove(_ entry: Entry) throws {
        for path in [imagePath(key: entry.key), metadataPath(key: entry.key)] where FileInfo(path) != nil {
            do { try FileManager.default.removeItem(atPath: path) } catch {
                throw SkiffError(
                    "cannot remove \(path): check the cache folder's permissions", exitStatus: ExitStatus.cannotWrite)
            }
        }
    }

    /// Removes the images without a name — older builds whose name moved to a newer one, and
    /// the images `skiff run PROGRAM` makes (rebuilt in a moment when needed again) — or, with
    /// `all`, every image. Leftovers of interrupted builds go too. Returns what was removed.
    public func prune(all: Bool) throws -> [Entry] {
        var removed: [Entry] = []
        for entry in list() where all || entry.names.isEmpty {
            try remove(entry)
            removed.append(entry)
        }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for name in names where name.contains(".tmp-") {
            try? FileManager.default.removeItem(atPath: directory + "/" + name)
        }
        // Metadata whose image is gone, and images without metadata.
        for name in names where name.hasSuffix(".json") || name.hasSuffix(".img") {
            let key = String(name.dropLast(name.hasSuffix(".json") ? 5 : 4))
            let other = name.hasSuffix(".json") ? imagePath(key: key) : metadataPath(key: key)
            if FileInfo(other) == nil { try? FileManager.default.removeItem(atPath: directory + "/" + name) }
        }
        return removed
    }

    // MARK: Files

    /// ISO 8601 with milliseconds, so images built within one second still sort by age.
    nonisolated(unsafe) public static let dateFormatter: ISO8601DateFormatter = {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f
    }()

    func createDirectory() throws {
        do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
            throw SkiffError(
                "cannot create the image cache \(directory): set XDG_CACHE_HOME to a writable folder",
                exitStatus: ExitStatus.cannotWrite)
        }
    }

    func readEntry(key: String) throws -> Entry {
        let data = try Data(contentsOf: URL(fileURLWithPath: metadataPath(key: key)))
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let date = Self.dateFormatter.date(from: text) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "bad date \(text)"))
            }
            return date
        }
        return try decoder.decode(Entry.self, from: data)
    }

    func writeEntry(_ entry: Entry) throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Self.dateFormatter.string(from: date))
        }
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(entry)
        try ImageComposer.writeAtomically([UInt8](data), to: metadataPath(key: entry.key))
    }
}
