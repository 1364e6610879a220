/// What the first argument of `skiff run` names: an image (a file, or a name or key in the
/// cache) or a host program to build an image for.
public enum RunTarget {
    case image(path: String, entry: ImageCache.Entry?)
    case program(HostProgram)

    /// In this order: an image file (by its magic), a cached image's name or key (for a word
    /// without `/`), a host program (a path, or a name in PATH).
    public static func resolve(_ reference: String, cache: ImageCache) throws -> RunTarget {
        if ImageInspector.isImage(reference) {
            return .image(path: HostPath.absolute(reference), entry: nil)
        }
        if !reference.contains("/"), let entry = try cache.find(reference) {
            return .image(path: cache.imagePath(key: entry.key), entry: entry)
        }
        if reference.hasSuffix(".img") && FileInfo(reference) == nil {
            throw SkiffError("image \(reference) does not exist: build it with skiff build", exitStatus: ExitStatus.missingInput)
        }
        do {
            return .program(try HostProgram.locate(reference))
        } catch let error as SkiffError where error.exitStatus == ExitStatus.notFound && !reference.contains("/") {
            throw SkiffError(
                "\(reference) is neither an image (skiff images lists them) nor a program in PATH: give a path, an image name or a key",
                exitStatus: ExitStatus.notFound)
        }
    }

    /// The image reference of `skiff images inspect/rm` and `skiff convert`: a file or a cached image.
    public static func image(_ reference: String, cache: ImageCache) throws -> (path: String, entry: ImageCache.Entry?) {
        if ImageInspector.isImage(reference) { return (HostPath.absolute(reference), nil) }
        if !reference.contains("/"), let entry = try cache.find(reference) {
            return (cache.imagePath(key: entry.key), entry)
        }
        // Not an image, but a file: opening it reports what is wrong with it.
        if FileInfo(reference)?.kind == .regular { return (HostPath.absolute(reference), nil) }
        throw SkiffError("no image \(reference): skiff images lists the cached ones", exitStatus: ExitStatus.missingInput)
    }
}
