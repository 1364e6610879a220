import Foundation
import Glibc

extension FileHandle {
    /// Writes all of `data`, waiting while the descriptor would block (a non-blocking pipe or
    /// terminal someone else set up, such as a QEMU sharing it) and retrying interrupted
    /// writes. A reader that went away (EPIPE) or any other error ends the write quietly:
    /// echoing a guest's console must never crash `skiff` — Foundation's own `write(_:)` traps
    /// on every error.
    func writeAll(_ data: Data) {
        let fd = fileDescriptor
        data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            guard var p = bytes.baseAddress else { return }
            var left = bytes.count
            while left > 0 {
                let n = Glibc.write(fd, p, left)
                if n > 0 {
                    p += n
                    left -= n
                } else if n < 0 && errno == EINTR {
                    continue
                } else if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                    var waiting = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                    _ = poll(&waiting, 1, 1000)
                } else {
                    return
                }
            }
        }
    }
}
