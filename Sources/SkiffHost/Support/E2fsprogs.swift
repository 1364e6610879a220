import Foundation

/// e2fsprogs on the host (mke2fs, e2fsck, debugfs): what makes and checks ext4 volumes for
/// `skiff convert --format ext4`, the benchmarks and the guest tests. They live in /sbin, which
/// is not on every user's PATH.
public enum E2fsprogs {
    /// The tool's path, or nil when e2fsprogs is not installed.
    public static func path(_ tool: String) -> String? {
        for directory in ["/usr/sbin", "/sbin", "/usr/bin", "/bin"]
        where FileManager.default.isExecutableFile(atPath: directory + "/" + tool) {
            return directory + "/" + tool
        }
        return Subprocess.find(tool)
    }
}
