import Foundation

/// Builds an image from a plan through the cache, reporting progress.
public enum ImageBuild {
    public struct Result {
        public var path: String
        public var entry: ImageCache.Entry
        public var cacheHit: Bool
        public var seconds: Double
    }

    public static func build(plan: ImagePlan, name: String?, source: String, cache: ImageCache, progress: ProgressReporter) throws
        -> Result
    {
        let start = ContinuousClock.now
        var notes: [String] = []
        let spec = try plan.makeSpec { notes.append($0) }
        let key = ImageCache.key(spec)
        let cached = FileInfo(cache.imagePath(key: key)) != nil
        if !cached {
            for n in notes { progress.note(n) }
            progress.begin("building image (\(spec.files.count) files from \(source))")
        }
        let built = try cache.image(for: spec, key: key, name: name, source: source) { done, total in
            progress.update(done, of: total)
        }
        let elapsed = start.duration(to: .now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        if !built.cacheHit {
            progress.end(
                "built \(built.entry.shortKey) (\(MemorySize.human(bytes: built.entry.size)), \(built.entry.files) files) in \(String(format: "%.1f", seconds)) s"
            )
        }
        return Result(path: built.path, entry: built.entry, cacheHit: built.cacheHit, seconds: seconds)
    }
}
