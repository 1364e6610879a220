#if SKIFF_KERNEL
import LinuxABI
import ProcFS
import VFS

/// /proc/PID/fd and fdinfo: a magic link and an information file per open descriptor.
enum ProcDescriptors {
    static func links(_ processID: Int32) -> [SyntheticEntry] {
        let task = ProcTask(processID: processID, threadID: nil)
        guard let process = try? task.process() else { return [] }
        return process.files.openDescriptors.map { fd in
            let permissions = linkPermissions(process, fd)
            return .link(ProcFileSystem.decimal(fd), permissions: permissions, order: UInt64(fd), jump: { () throws(Errno) -> LinkJump? in
                let file = try task.process().files.file(fd)
                if let location = file.location { return .location(location, origin: file.origin) }
                return .node(file.node)
            }) { () throws(Errno) -> [UInt8] in
                name(of: try task.process().files.file(fd), in: ProcFileSystem.reader.fileContext)
            }
        }
    }

    static func information(_ processID: Int32) -> [SyntheticEntry] {
        let task = ProcTask(processID: processID, threadID: nil)
        guard let process = try? task.process() else { return [] }
        return process.files.openDescriptors.map { fd in
            .file(ProcFileSystem.decimal(fd), order: UInt64(fd)) { () throws(Errno) -> [UInt8] in
                try information(task.process(), fd)
            }
        }
    }

    /// Linux gives the link the access the descriptor has: lr-x for reading, l-wx for
    /// writing, lrwx for both.
    static func linkPermissions(_ process: Process, _ fd: Int32) -> UInt32 {
        guard let flags = try? process.files.file(fd).flags else { return 0o700 }
        return (flags.canRead ? 0o400 : 0) | (flags.canWrite ? 0o200 : 0) | 0o100
    }

    /// What `readlink` shows: the path, or a kind and an inode number for objects without
    /// one ("pipe:[12]", "socket:[13]", "anon_inode:[eventfd]").
    static func name(of file: OpenFile, in context: FileContext) -> [UInt8] {
        let node = file.node
        let inode = (try? node.attributes().inode) ?? 0
        var kind: StaticString? = nil
        if node is PipeEnd {
            kind = "pipe:["
        } else if node is SocketNode {
            kind = "socket:["
        }
        if let kind {
            var text = ProcText()
            text.append(kind)
            text.decimal(inode)
            text.append("]")
            return text.bytes
        }
        let anonymous: StaticString?
        if node is EventCounter {
            anonymous = "anon_inode:[eventfd]"
        } else if node is EventPoll {
            anonymous = "anon_inode:[eventpoll]"
        } else if node is TimerFile {
            anonymous = "anon_inode:[timerfd]"
        } else if node is SignalFile {
            anonymous = "anon_inode:[signalfd]"
        } else {
            anonymous = nil
        }
        if let anonymous { return anonymous.withUTF8Buffer { Array($0) } }
        return (try? FileSystems.vfs.pathName(of: file, in: context)) ?? Array("anon_inode:[unknown]".utf8)
    }

    /// `fdinfo/N`: position, flags (with O_CLOEXEC when the descriptor has it), mount and
    /// inode, and an eventfd's counter.
    static func information(_ process: Process, _ fd: Int32) throws(Errno) -> [UInt8] {
        let file = try process.files.file(fd)
        var flags = UInt64(file.flags.rawValue)
        if try process.files.closeOnExec(fd) { flags |= UInt64(FileConstants.O_CLOEXEC) }
        var t = ProcText()
        t.append("pos:\t")
        t.decimal(file.handler.isSeekable ? file.position : 0)
        t.append("\nflags:\t0")
        t.octal(flags)
        t.append("\nmnt_id:\t")
        t.decimal(file.mount?.id ?? 0)
        t.append("\nino:\t")
        t.decimal((try? file.node.attributes().inode) ?? 0)
        t.newline()
        if let counter = file.node as? EventCounter {
            t.append("eventfd-count: ")
            var digits = ProcText()
            digits.hex(counter.count)
            t.append([UInt8](repeating: ProcText.space, count: max(0, 16 - digits.count)))
            t.append(digits.bytes)
            t.append("\neventfd-id: ")
            t.decimal(counter.id)
            t.newline()
        }
        return t.bytes
    }
}
#endif
