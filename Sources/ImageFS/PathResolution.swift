/// The outcome of walking a path through the image without following symlinks.
///
/// Symlinks are the VFS's business (it counts them to stop loops, honours O_NOFOLLOW, and may
/// cross into other mounts), so the walk stops at the first one and says where it stopped.
public enum PathResolution: Equatable, Sendable {
    /// Every component was found; this is the last one (never a symlink).
    case found(InodeNumber)
    /// Component `link` is a symlink in directory `parent`. `remainder` is the unconsumed rest of
    /// the path, starting right after the link's name (so with its `/` when anything follows,
    /// including a trailing slash). The VFS continues with the link's target followed by
    /// `remainder`, relative to `parent` when the target is relative.
    case symlink(link: InodeNumber, parent: InodeNumber, remainder: [UInt8])
}
