#if SKIFF_KERNEL
import LinuxABI
import VFS

/// The magic links of a process directory: `cwd`, `root` and `exe` lead to the directory or
/// file itself, wherever it is now and whether or not it still has a name.
enum ProcessLink {
    case workingDirectory, root, executable

    func jump(_ process: Process) throws(Errno) -> LinkJump? {
        switch self {
        case .workingDirectory: return .location(process.fileContext.workingDirectory, origin: nil)
        case .root: return .location(process.fileContext.root, origin: nil)
        case .executable:
            guard let file = process.executable, let location = file.location else { throw .ENOENT }
            return .location(location, origin: file.origin)
        }
    }

    func path(_ process: Process) throws(Errno) -> [UInt8] {
        let vfs = FileSystems.vfs!
        let reader = ProcFileSystem.reader.fileContext
        switch self {
        case .workingDirectory: return try vfs.pathName(of: process.fileContext.workingDirectory, in: reader)
        case .root: return try vfs.pathName(of: process.fileContext.root, in: reader)
        case .executable:
            guard let file = process.executable else { throw .ENOENT }
            return try vfs.pathName(of: file, in: reader)
        }
    }
}
#endif
