#if SKIFF_KERNEL
import LinuxABI
import VFS

/// The socket system calls: they copy the application's sockaddrs, iovecs and control
/// messages in and out, and call the socket's family (Kernel/Network: `InternetSocket`,
/// `UnixSocket`, `NetlinkSocket`).
extension Syscalls {
    /// Largest sockaddr the kernel accepts (`sizeof(struct sockaddr_storage)`).
    static let sockaddrLimit = 128
    /// Bytes moved per call into a stream socket from a long iovec.
    static let socketChunk = 256 * 1024
    /// Largest datagram (and largest control area) a message can carry.
    static let datagramLimit = 65536 + 4096

    static func socketNode(_ fd: Int) -> Result<SocketNode, Errno> {
        switch openFile(fd) {
        case .failure(let e): return .failure(e)
        case .success(let file):
            guard let node = file.handler as? SocketNode else { return .failure(.ENOTSOCK) }
            return .success(node)
        }
    }

    static func sockaddr(_ address: UInt64, length: Int) -> Result<[UInt8], Errno> {
        guard length >= 0, length <= sockaddrLimit else { return .failure(.EINVAL) }
        return UserMemory.read(address, count: length)
    }

    /// Writes a sockaddr to (address, *lengthAddress), truncated to the room the application
    /// gave, and stores the full length.
    static func storeSockaddr(_ bytes: [UInt8], at address: UInt64, lengthAt lengthAddress: UInt64) -> Errno? {
        guard address != 0 else { return nil }
        guard case .success(let room) = UserMemory.load(Int32.self, at: lengthAddress) else { return .EFAULT }
        guard room >= 0 else { return .EINVAL }
        let n = min(Int(room), bytes.count)
        if n > 0, let e = UserMemory.copyOut(Array(bytes[0..<n]), to: address) { return e }
        return UserMemory.store(Int32(bytes.count), at: lengthAddress)
    }

    // MARK: Creating

    /// socket(domain, type, protocol)
    static func socket(_ a: SyscallArguments) -> SyscallResult {
        let family = Int32(a.int(0))
        let rawType = Int32(a.int(1))
        let type = rawType & SocketConstants.SOCK_TYPE_MASK
        guard rawType & ~(SocketConstants.SOCK_TYPE_MASK | SocketConstants.SOCK_NONBLOCK | SocketConstants.SOCK_CLOEXEC) == 0 else {
            return .failure(.EINVAL)
        }
        let node: SocketNode
        do throws(Errno) {
            node = try makeSocket(family: family, type: type, protocol: Int32(a.int(2)))
        } catch {
            return .failure(error)
        }
        return installSocket(node, flags: rawType)
    }

    static func makeSocket(family: Int32, type: Int32, protocol number: Int32) throws(Errno) -> SocketNode {
        switch family {
        case SocketConstants.AF_INET, SocketConstants.AF_INET6:
            return try InternetSocket.make(family: family, type: type, protocol: number)
        case SocketConstants.AF_UNIX:
            return try UnixSocket.make(type: type, protocol: number)
        case SocketConstants.AF_NETLINK:
            return try NetlinkSocket.make(type: type, protocol: number)
        default:
            throw .EAFNOSUPPORT
        }
    }

    /// A descriptor for a new socket; `flags` carries SOCK_NONBLOCK and SOCK_CLOEXEC.
    static func installSocket(_ node: SocketNode, flags: Int32) -> SyscallResult {
        let nonblocking = flags & SocketConstants.SOCK_NONBLOCK != 0
        return installAnonymous(
            node, flags: FileConstants.O_RDWR | (nonblocking ? FileConstants.O_NONBLOCK : 0),
            closeOnExec: flags & SocketConstants.SOCK_CLOEXEC != 0)
    }

    /// socketpair(domain, type, protocol, sv[2])
    static func socketpair(_ a: SyscallArguments) -> SyscallResult {
        let rawType = Int32(a.int(1))
        guard Int32(a.int(0)) == SocketConstants.AF_UNIX else {
            let f = Int32(a.int(0))
            return .failure(f == SocketConstants.AF_INET || f == SocketConstants.AF_INET6 ? .EOPNOTSUPP : .EAFNOSUPPORT)
        }
        guard UserMemory.isValid(a.a3, 8) else { return .failure(.EFAULT) }
        let pair: (UnixSocket, UnixSocket)
        do throws(Errno) {
            pair = try UnixSocket.makePair(type: rawType & SocketConstants.SOCK_TYPE_MASK, protocol: Int32(a.int(2)))
        } catch {
            return .failure(error)
        }
        guard case .success(let first) = installSocket(pair.0, flags: rawType) else { return .failure(.EMFILE) }
        guard case .success(let second) = installSocket(pair.1, flags: rawType) else {
            _ = try? process.files.close(Int32(first))
            return .failure(.EMFILE)
        }
        var w = StructWriter(size: 8)
        w.set(Int32(first), at: 0)
        w.set(Int32(second), at: 4)
        if let e = UserMemory.copyOut(w.bytes, to: a.a3) { return .failure(e) }
        return .success(0)
    }

    // MARK: Connecting

    /// bind(fd, addr, addrlen)
    static func bind(_ a: SyscallArguments) -> SyscallResult {
        socketCall(a.int(0)) { (node) throws(Errno) in try node.bind(try sockaddr(a.a1, length: a.int(2)).get()) }
    }

    /// connect(fd, addr, addrlen)
    static func connect(_ a: SyscallArguments) -> SyscallResult {
        socketCall(a.int(0)) { (node) throws(Errno) in try node.connect(try sockaddr(a.a1, length: a.int(2)).get()) }
    }

    /// listen(fd, backlog)
    static func listen(_ a: SyscallArguments) -> SyscallResult {
        socketCall(a.int(0)) { (node) throws(Errno) in try node.listen(backlog: max(0, a.int(1))) }
    }

    /// shutdown(fd, how)
    static func shutdown(_ a: SyscallArguments) -> SyscallResult {
        socketCall(a.int(0)) { (node) throws(Errno) in try node.shutdown(Int32(a.int(1))) }
    }

    static func socketCall(_ fd: Int, _ body: (SocketNode) throws(Errno) -> Void) -> SyscallResult {
        switch socketNode(fd) {
        case .failure(let e): return .failure(e)
        case .success(let node): return attempt { () throws(Errno) -> Int in try body(node); return 0 }
        }
    }

    /// accept(fd, addr, addrlen) and accept4(…, flags)
    static func accept(_ a: SyscallArguments, flags: Int) -> SyscallResult {
        let flags = Int32(flags)
        guard flags & ~(SocketConstants.SOCK_NONBLOCK | SocketConstants.SOCK_CLOEXEC) == 0 else { return .failure(.EINVAL) }
        guard case .success(let node) = socketNode(a.int(0)) else { return socketNode(a.int(0)).map { _ in 0 } }
        if a.a1 != 0 && !UserMemory.isValid(a.a2, 4) { return .failure(.EFAULT) }
        let accepted: (socket: SocketNode, peer: [UInt8])
        do throws(Errno) { accepted = try node.accept() } catch { return .failure(error) }
        let result = installSocket(accepted.socket, flags: flags)
        guard case .success(let fd) = result else { return result }
        if let e = storeSockaddr(accepted.peer, at: a.a1, lengthAt: a.a2) {
            _ = try? process.files.close(Int32(fd))
            return .failure(e)
        }
        return result
    }

    /// getsockname(fd, addr, addrlen) and getpeername
    static func socketName(_ a: SyscallArguments, peer: Bool) -> SyscallResult {
        switch socketNode(a.int(0)) {
        case .failure(let e): return .failure(e)
        case .success(let node):
            return attempt { () throws(Errno) -> Int in
                let bytes = peer ? try node.peerName() : try node.localName()
                guard a.a1 != 0 else { throw .EFAULT }
                if let e = storeSockaddr(bytes, at: a.a1, lengthAt: a.a2) { throw e }
                return 0
            }
        }
    }

    // MARK: Options

    /// setsockopt(fd, level, name, value, length)
    static func setsockopt(_ a: SyscallArguments) -> SyscallResult {
        let length = a.int(4)
        guard length >= 0, length <= 4096 else { return .failure(.EINVAL) }
        return socketCall(a.int(0)) { (node) throws(Errno) in
            let value = try UserMemory.read(a.a3, count: length).get()
            try node.setOption(level: Int32(a.int(1)), name: Int32(a.int(2)), value: value)
        }
    }

    /// getsockopt(fd, level, name, value, *length)
    static func getsockopt(_ a: SyscallArguments) -> SyscallResult {
        socketCall(a.int(0)) { (node) throws(Errno) in
            let room = try UserMemory.load(Int32.self, at: a.a4).get()
            guard room >= 0 else { throw .EINVAL }
            let value = try node.option(level: Int32(a.int(1)), name: Int32(a.int(2)))
            let n = min(Int(room), value.count)
            if n > 0, let e = UserMemory.copyOut(Array(value[0..<n]), to: a.a3) { throw e }
            if let e = UserMemory.store(Int32(n), at: a.a4) { throw e }
        }
    }

    // MARK: Data

    /// sendto(fd, buf, len, flags, addr, addrlen)
    static func sendto(_ a: SyscallArguments) -> SyscallResult {
        guard case .success(let node) = socketNode(a.int(0)) else { return socketNode(a.int(0)).map { _ in 0 } }
        let flags = Int32(a.int(3))
        var target: [UInt8]? = nil
        if a.a4 != 0 {
            switch sockaddr(a.a4, length: a.int(5)) {
            case .failure(let e): return .failure(e)
            case .success(let b): target = b
            }
        }
        let vector = [(a.a1, Int(min(a.a2, UInt64(maxTransfer))))]
        return sendMessage(node, vector: vector, target: target, control: SocketControl(), flags: flags)
    }

    /// recvfrom(fd, buf, len, flags, addr, addrlen)
    static func recvfrom(_ a: SyscallArguments) -> SyscallResult {
        guard case .success(let node) = socketNode(a.int(0)) else { return socketNode(a.int(0)).map { _ in 0 } }
        let flags = Int32(a.int(3))
        let vector = [(a.a1, Int(min(a.a2, UInt64(maxTransfer))))]
        switch receiveMessage(node, vector: vector, flags: flags, wantSource: a.a4 != 0) {
        case .failure(let e): return .failure(e)
        case .success(let m):
            if let source = m.message.source, let e = storeSockaddr(source, at: a.a4, lengthAt: a.a5) { return .failure(e) }
            if a.a4 != 0 && m.message.source == nil, let e = UserMemory.store(Int32(0), at: a.a5) { return .failure(e) }
            return .success(m.returned)
        }
    }

    /// sendmsg(fd, msg, flags)
    static func sendmsg(_ a: SyscallArguments) -> SyscallResult {
        guard case .success(let node) = socketNode(a.int(0)) else { return socketNode(a.int(0)).map { _ in 0 } }
        return sendmsg(node, header: a.a1, flags: Int32(a.int(2)))
    }

    static func sendmsg(_ node: SocketNode, header: UInt64, flags: Int32) -> SyscallResult {
        guard case .success(let h) = UserMemory.read(header, count: SocketConstants.msghdrSize) else { return .failure(.EFAULT) }
        let r = StructReader(h)
        var target: [UInt8]? = nil
        let nameAddress = r.get(UInt64.self, at: 0)
        if nameAddress != 0 {
            switch sockaddr(nameAddress, length: Int(r.get(UInt32.self, at: 8))) {
            case .failure(let e): return .failure(e)
            case .success(let b): target = b.isEmpty ? nil : b
            }
        }
        let vector: [(UInt64, Int)]
        switch ioVector(r.get(UInt64.self, at: 16), count: r.get(UInt64.self, at: 24)) {
        case .failure(let e): return .failure(e)
        case .success(let v): vector = v
        }
        let control: SocketControl
        switch parseControl(r.get(UInt64.self, at: 32), length: r.get(UInt64.self, at: 40)) {
        case .failure(let e): return .failure(e)
        case .success(let c): control = c
        }
        return sendMessage(node, vector: vector, target: target, control: control, flags: flags)
    }

    /// recvmsg(fd, msg, flags)
    static func recvmsg(_ a: SyscallArguments) -> SyscallResult {
        guard case .success(let node) = socketNode(a.int(0)) else { return socketNode(a.int(0)).map { _ in 0 } }
        return recvmsg(node, header: a.a1, flags: Int32(a.int(2)))
    }

    static func recvmsg(_ node: SocketNode, header: UInt64, flags: Int32) -> SyscallResult {
        guard case .success(let h) = UserMemory.read(header, count: SocketConstants.msghdrSize) else { return .failure(.EFAULT) }
        let r = StructReader(h)
        let nameAddress = r.get(UInt64.self, at: 0)
        let vector: [(UInt64, Int)]
        switch ioVector(r.get(UInt64.self, at: 16), count: r.get(UInt64.self, at: 24)) {
        case .failure(let e): return .failure(e)
        case .success(let v): vector = v
        }
        let controlAddress = r.get(UInt64.self, at: 32)
        let controlRoom = Int(min(r.get(UInt64.self, at: 40), UInt64(datagramLimit)))
        let received: (message: ReceivedMessage, returned: Int, flags: Int32)
        switch receiveMessage(node, vector: vector, flags: flags, wantSource: nameAddress != 0) {
        case .failure(let e): return .failure(e)
        case .success(let m): received = m
        }
        var messageFlags = received.flags
        var nameLength: UInt32 = 0
        if nameAddress != 0, let source = received.message.source {
            let room = Int(r.get(UInt32.self, at: 8))
            let n = min(room, source.count)
            if n > 0, let e = UserMemory.copyOut(Array(source[0..<n]), to: nameAddress) { return .failure(e) }
            nameLength = UInt32(source.count)
        }
        let (control, truncated) = buildControl(received.message.control, room: controlAddress == 0 ? 0 : controlRoom, flags: flags)
        if truncated { messageFlags |= SocketConstants.MSG_CTRUNC }
        if !control.isEmpty, let e = UserMemory.copyOut(control, to: controlAddress) { return .failure(e) }
        var w = StructWriter(size: 4)
        w.set(nameLength, at: 0)
        if let e = UserMemory.copyOut(w.bytes, to: header + 8) { return .failure(e) }
        if let e = UserMemory.store(UInt64(control.count), at: header + 40) { return .failure(e) }
        if let e = UserMemory.store(messageFlags, at: header + 48) { return .failure(e) }
        return .success(received.returned)
    }

    /// sendmmsg(fd, msgvec, vlen, flags)
    static func sendmmsg(_ a: SyscallArguments) -> SyscallResult {
        guard case .success(let node) = socketNode(a.int(0)) else { return socketNode(a.int(0)).map { _ in 0 } }
        let count = min(max(0, Int(Int32(truncatingIfNeeded: a.a2))), 1024)
        var sent = 0
        while sent < count {
            let header = a.a1 + UInt64(sent * SocketConstants.mmsghdrSize)
            switch sendmsg(node, header: header, flags: Int32(a.int(3))) {
            case .failure(let e): return sent > 0 ? .success(sent) : .failure(e)
            case .success(let n):
                if let e = UserMemory.store(UInt32(truncatingIfNeeded: n), at: header + 56) {
                    return sent > 0 ? .success(sent) : .failure(e)
                }
            }
            sent += 1
        }
        return .success(sent)
    }

    /// recvmmsg(fd, msgvec, vlen, flags, timeout)
    static func recvmmsg(_ a: SyscallArguments) -> SyscallResult {
        guard case .success(let node) = socketNode(a.int(0)) else { return socketNode(a.int(0)).map { _ in 0 } }
        let count = min(max(0, Int(Int32(truncatingIfNeeded: a.a2))), 1024)
        var flags = Int32(a.int(3))
        var received = 0
        while received < count {
            let header = a.a1 + UInt64(received * SocketConstants.mmsghdrSize)
            switch recvmsg(node, header: header, flags: flags) {
            case .failure(let e): return received > 0 ? .success(received) : .failure(e)
            case .success(let n):
                if let e = UserMemory.store(UInt32(truncatingIfNeeded: n), at: header + 56) {
                    return received > 0 ? .success(received) : .failure(e)
                }
            }
            received += 1
            if flags & SocketConstants.MSG_WAITFORONE != 0 { flags |= SocketConstants.MSG_DONTWAIT }
        }
        return .success(received)
    }

    // MARK: Messages

    static func ioVector(_ address: UInt64, count: UInt64) -> Result<[(UInt64, Int)], Errno> {
        guard count <= 1024 else { return .failure(.EMSGSIZE) }
        if count == 0 { return .success([]) }
        guard case .success(let table) = UserMemory.read(address, count: Int(count) * 16) else { return .failure(.EFAULT) }
        let r = StructReader(table)
        var vector: [(UInt64, Int)] = []
        var total = 0
        for i in 0..<Int(count) {
            let base = r.get(UInt64.self, at: i * 16)
            let length = r.get(UInt64.self, at: i * 16 + 8)
            guard length <= UInt64(maxTransfer - total) else { return .failure(.EINVAL) }
            guard UserMemory.isValid(base, Int(length)) else { return .failure(.EFAULT) }
            total += Int(length)
            if length > 0 { vector.append((base, Int(length))) }
        }
        return .success(vector)
    }

    /// Copies up to `limit` bytes of the iovec, starting `skip` bytes in, into a kernel buffer.
    static func gather(_ vector: [(UInt64, Int)], skip: Int, limit: Int) -> Result<[UInt8], Errno> {
        var bytes: [UInt8] = []
        var offset = 0
        for (base, length) in vector {
            if bytes.count >= limit { break }
            if offset + length <= skip {
                offset += length
                continue
            }
            let start = max(0, skip - offset)
            let n = min(length - start, limit - bytes.count)
            switch UserMemory.read(base + UInt64(start), count: n) {
            case .failure(let e): return .failure(e)
            case .success(let part): bytes += part
            }
            offset += length
        }
        return .success(bytes)
    }

    static func sendMessage(
        _ node: SocketNode, vector: [(UInt64, Int)], target: [UInt8]?, control: SocketControl, flags: Int32
    ) -> SyscallResult {
        let total = vector.reduce(0) { $0 + $1.1 }
        let stream = node.socketType == SocketConstants.SOCK_STREAM
        if !stream && total > datagramLimit { return .failure(.EMSGSIZE) }
        var done = 0
        var control = control
        repeat {
            let chunk: [UInt8]
            switch gather(vector, skip: done, limit: stream ? socketChunk : total) {
            case .failure(let e): return done > 0 ? .success(done) : .failure(e)
            case .success(let c): chunk = c
            }
            let n: Int
            do throws(Errno) {
                n = try withBytes(chunk) { (b) throws(Errno) -> Int in try node.send(b, to: target, flags: flags, control: control) }
            } catch {
                if error == .EPIPE && done == 0 && flags & SocketConstants.MSG_NOSIGNAL == 0 { Signals.raise(.SIGPIPE) }
                return done > 0 ? .success(done) : .failure(error)
            }
            control = SocketControl()  // ancillary data goes with the first byte
            done += n
            if n < chunk.count { break }
        } while done < total
        return .success(done)
    }

    /// Receives into a kernel buffer as large as the iovec (capped), then scatters it.
    static func receiveMessage(
        _ node: SocketNode, vector: [(UInt64, Int)], flags: Int32, wantSource: Bool
    ) -> Result<(message: ReceivedMessage, returned: Int, flags: Int32), Errno> {
        let total = vector.reduce(0) { $0 + $1.1 }
        var buffer = [UInt8](repeating: 0, count: min(total, socketChunk))
        let message: ReceivedMessage
        do throws(Errno) {
            message = try withMutableBytes(&buffer) { (b) throws(Errno) -> ReceivedMessage in
                try node.receive(into: b, flags: flags, wantSource: wantSource)
            }
        } catch {
            return .failure(error)
        }
        var offset = 0
        for (base, length) in vector where offset < message.count {
            let n = min(length, message.count - offset)
            if let e = buffer.withUnsafeBytes({ UserMemory.copyOut($0.baseAddress! + offset, to: base, length: n) }) {
                return .failure(e)
            }
            offset += n
        }
        var messageFlags: Int32 = 0
        var returned = message.count
        if message.fullLength > message.count && node.socketType != SocketConstants.SOCK_STREAM {
            messageFlags |= SocketConstants.MSG_TRUNC
            if flags & SocketConstants.MSG_TRUNC != 0 { returned = message.fullLength }
        }
        return .success((message, returned, messageFlags))
    }

    /// Control messages from `sendmsg`: SCM_RIGHTS descriptors become open files;
    /// SCM_CREDENTIALS is checked against the caller (Skiff has one user, so any values the
    /// caller could claim are its own).
    static func parseControl(_ address: UInt64, length: UInt64) -> Result<SocketControl, Errno> {
        var control = SocketControl()
        guard address != 0, length > 0 else { return .success(control) }
        guard length <= UInt64(datagramLimit) else { return .failure(.ENOBUFS) }
        guard case .success(let bytes) = UserMemory.read(address, count: Int(length)) else { return .failure(.EFAULT) }
        let r = StructReader(bytes)
        var offset = 0
        while offset + SocketConstants.cmsghdrSize <= bytes.count {
            let cmsgLength = Int(clamping: r.get(UInt64.self, at: offset))
            let level = r.get(Int32.self, at: offset + 8)
            let type = r.get(Int32.self, at: offset + 12)
            guard cmsgLength >= SocketConstants.cmsghdrSize, offset + cmsgLength <= bytes.count else { return .failure(.EINVAL) }
            let data = offset + SocketConstants.cmsghdrSize
            let dataLength = cmsgLength - SocketConstants.cmsghdrSize
            guard level == SocketConstants.SOL_SOCKET else { return .failure(.EINVAL) }
            switch type {
            case SocketConstants.SCM_RIGHTS:
                guard dataLength % 4 == 0, dataLength / 4 <= 253 else { return .failure(.EINVAL) }
                for i in 0..<(dataLength / 4) {
                    let fd = r.get(Int32.self, at: data + i * 4)
                    guard case .success(let file) = openFile(Int(fd)) else { return .failure(.EBADF) }
                    control.rights.append(file)
                }
            case SocketConstants.SCM_CREDENTIALS:
                guard dataLength >= 12 else { return .failure(.EINVAL) }
                let pid = r.get(Int32.self, at: data)
                guard pid == Int32(process.id) else { return .failure(.EPERM) }
                control.credentials = (pid, r.get(UInt32.self, at: data + 4), r.get(UInt32.self, at: data + 8))
            default:
                return .failure(.EINVAL)
            }
            offset += SocketConstants.controlAlign(cmsgLength)
        }
        return .success(control)
    }

    /// Control messages for `recvmsg`: received files get descriptors in this process (close
    /// on exec with MSG_CMSG_CLOEXEC); what does not fit is dropped and MSG_CTRUNC set, as
    /// Linux does.
    static func buildControl(_ control: SocketControl, room: Int, flags: Int32) -> (bytes: [UInt8], truncated: Bool) {
        var out: [UInt8] = []
        var truncated = false
        if let c = control.credentials {
            let length = SocketConstants.cmsghdrSize + 12
            if out.count + length <= room {
                var w = StructWriter(size: SocketConstants.controlAlign(length))
                w.set(UInt64(length), at: 0)
                w.set(SocketConstants.SOL_SOCKET, at: 8)
                w.set(SocketConstants.SCM_CREDENTIALS, at: 12)
                w.set(c.pid, at: 16)
                w.set(c.uid, at: 20)
                w.set(c.gid, at: 24)
                out += w.bytes
            } else {
                truncated = true
            }
        }
        if !control.rights.isEmpty {
            let fits = max(0, (room - out.count - SocketConstants.cmsghdrSize) / 4)
            let count = min(fits, control.rights.count)
            if count < control.rights.count { truncated = true }
            var fds: [Int32] = []
            for file in control.rights[0..<count] {
                let closeOnExec = flags & SocketConstants.MSG_CMSG_CLOEXEC != 0
                guard let fd = try? process.files.install(file, closeOnExec: closeOnExec) else {
                    truncated = true
                    break
                }
                fds.append(fd)
            }
            if !fds.isEmpty {
                let length = SocketConstants.cmsghdrSize + 4 * fds.count
                var w = StructWriter(size: min(SocketConstants.controlAlign(length), room - out.count))
                w.set(UInt64(length), at: 0)
                w.set(SocketConstants.SOL_SOCKET, at: 8)
                w.set(SocketConstants.SCM_RIGHTS, at: 12)
                for (i, fd) in fds.enumerated() { w.set(fd, at: 16 + 4 * i) }
                out += w.bytes
            }
        }
        return (out, truncated)
    }
}
#endif

#if SKIFF_KERNEL
import Net

extension Syscalls {
    /// ioctl on a socket: FIONREAD, SIOCOUTQ, and the SIOCGIF* interface queries (on any
    /// socket, as Linux allows). Setting interface parameters is refused: interfaces are
    /// configured at boot.
    static func socketIoctl(_ node: SocketNode, request: Int, argument: UInt64) -> SyscallResult {
        switch request {
        case TerminalConstants.FIONREAD:
            return attempt { () throws(Errno) -> Int in
                if let e = UserMemory.store(Int32(clamping: try node.bytesAvailable()), at: argument) { throw e }
                return 0
            }
        case SocketConstants.SIOCOUTQ:
            return attempt { () throws(Errno) -> Int in
                let unsent = try (node as? InternetSocket)?.bytesUnsent() ?? 0
                if let e = UserMemory.store(Int32(clamping: unsent), at: argument) { throw e }
                return 0
            }
        case SocketConstants.SIOCGIFCONF:
            return interfaceConfiguration(argument)
        case SocketConstants.SIOCGIFNAME, SocketConstants.SIOCGIFFLAGS, SocketConstants.SIOCGIFADDR,
            SocketConstants.SIOCGIFBRDADDR, SocketConstants.SIOCGIFNETMASK, SocketConstants.SIOCGIFMTU,
            SocketConstants.SIOCGIFHWADDR, SocketConstants.SIOCGIFINDEX:
            return interfaceRequest(request, argument)
        case 0x8900...0x89FF:
            return .failure(.EPERM)
        default:
            return .failure(.ENOTTY)
        }
    }

    static func interfaceRequest(_ request: Int, _ argument: UInt64) -> SyscallResult {
        guard case .success(let ifreq) = UserMemory.read(argument, count: SocketConstants.ifreqSize) else { return .failure(.EFAULT) }
        let links = Network.describeLinks()
        let link: RouteNetlink.Link?
        if request == SocketConstants.SIOCGIFNAME {
            let index = StructReader(ifreq).get(Int32.self, at: 16)
            link = links.first { $0.index == index }
        } else {
            let name = Array(ifreq[0..<SocketConstants.IFNAMSIZ].prefix { $0 != 0 })
            link = links.first { $0.name == name }
        }
        guard let link else { return .failure(.ENODEV) }
        var w = StructWriter(size: SocketConstants.ifreqSize)
        w.setString(link.name, at: 0, capacity: SocketConstants.IFNAMSIZ)
        let v4 = Network.describeAddresses().first { $0.index == link.index && $0.address.isV4 }
        func putIPv4(_ value: UInt32) {
            w.set(UInt16(SocketConstants.AF_INET), at: 16)
            for i in 0..<4 { w.set(UInt8(truncatingIfNeeded: value >> (24 - 8 * UInt32(i))), at: 20 + i) }
        }
        var mask: UInt32 = 0
        var address: UInt32 = 0
        if let v4, case .v4(let a) = v4.address {
            address = a.rawValue
            mask = v4.prefixLength == 0 ? 0 : ~UInt32(0) << (32 - UInt32(v4.prefixLength))
        }
        switch request {
        case SocketConstants.SIOCGIFNAME, SocketConstants.SIOCGIFINDEX: w.set(link.index, at: 16)
        case SocketConstants.SIOCGIFFLAGS: w.set(UInt16(truncatingIfNeeded: link.flags), at: 16)
        case SocketConstants.SIOCGIFMTU: w.set(Int32(link.mtu), at: 16)
        case SocketConstants.SIOCGIFHWADDR:
            w.set(link.type, at: 16)
            for (i, b) in link.hardwareAddress.enumerated() where i < 14 { w.set(b, at: 18 + i) }
        case SocketConstants.SIOCGIFADDR:
            guard v4 != nil else { return .failure(.EADDRNOTAVAIL) }
            putIPv4(address)
        case SocketConstants.SIOCGIFNETMASK:
            guard v4 != nil else { return .failure(.EADDRNOTAVAIL) }
            putIPv4(mask)
        default:  // SIOCGIFBRDADDR
            guard v4 != nil else { return .failure(.EADDRNOTAVAIL) }
            putIPv4(address | ~mask)
        }
        if let e = UserMemory.copyOut(w.bytes, to: argument) { return .failure(e) }
        return .success(0)
    }

    /// SIOCGIFCONF: an ifreq with the IPv4 address of each interface that has one.
    static func interfaceConfiguration(_ argument: UInt64) -> SyscallResult {
        guard case .success(let ifconf) = UserMemory.read(argument, count: 16) else { return .failure(.EFAULT) }
        let r = StructReader(ifconf)
        let room = Int(r.get(Int32.self, at: 0))
        let buffer = r.get(UInt64.self, at: 8)
        let links = Network.describeLinks()
        var entries: [UInt8] = []
        for a in Network.describeAddresses() {
            guard case .v4(let v4) = a.address, let link = links.first(where: { $0.index == a.index }) else { continue }
            var w = StructWriter(size: SocketConstants.ifreqSize)
            w.setString(link.name, at: 0, capacity: SocketConstants.IFNAMSIZ)
            w.set(UInt16(SocketConstants.AF_INET), at: 16)
            for i in 0..<4 { w.set(UInt8(truncatingIfNeeded: v4.rawValue >> (24 - 8 * UInt32(i))), at: 20 + i) }
            entries += w.bytes
        }
        var length = entries.count
        if buffer != 0 {
            length = min(length, max(0, room) / SocketConstants.ifreqSize * SocketConstants.ifreqSize)
            if length > 0, let e = UserMemory.copyOut(Array(entries[0..<length]), to: buffer) { return .failure(e) }
        }
        if let e = UserMemory.store(Int32(length), at: argument) { return .failure(e) }
        return .success(0)
    }
}
#endif
