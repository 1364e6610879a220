import Foundation
import Glibc

/// The host side of the TCP stream benchmark over the virtual NIC, against
/// `GuestTests/bench/tcpstream.c`: `mebibytes` MiB from the guest to the host on one connection,
/// then as many from the host to the guest on another, each timed on the host from the command
/// to the last byte (guest to host) or to the guest's answer that it has them all (host to
/// guest); then `quit` ends the server. One stream at a time, so each direction is one TCP
/// connection's throughput through both systems' stacks and QEMU's virtio-net.
struct StreamLoad: HostLoad {
    var guestPort: Int
    var mebibytes: Int

    /// The size of the host's reads and writes.
    static let chunk = 256 << 10

    func run(_ endpoint: GuestEndpoint, deadline: Date, guestEnded: Flag) -> Result<[String: Double], SkiffBenchError> {
        if let error = endpoint.waitForServer(deadline: deadline, guestEnded: guestEnded, answers: { Self.reply(to: "ping", on: $0) == "pong" }) {
            return .failure(error)
        }
        defer {
            if let fd = endpoint.connect() {
                _ = GuestEndpoint.sendAll(fd, "quit\n")
                close(fd)
            }
        }
        do {
            let toHost = try timed(endpoint, streamToHost).get()
            let fromHost = try timed(endpoint, streamFromHost).get()
            let size = Double(mebibytes)
            return .success(["tcp-stream-to-host": size / toHost, "tcp-stream-from-host": size / fromHost])
        } catch {
            return .failure(error)
        }
    }

    /// Seconds `transfer` took on a fresh connection.
    private func timed(
        _ endpoint: GuestEndpoint, _ transfer: (Int32) -> SkiffBenchError?
    ) -> Result<Double, SkiffBenchError> {
        guard let fd = endpoint.connect() else { return .failure(SkiffBenchError("cannot connect to \(endpoint.address):\(endpoint.port)")) }
        defer { close(fd) }
        let start = DispatchTime.now().uptimeNanoseconds
        if let error = transfer(fd) { return .failure(error) }
        return .success(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }

    /// Guest to host: asks for the stream and reads it to its end.
    private func streamToHost(_ fd: Int32) -> SkiffBenchError? {
        guard GuestEndpoint.sendAll(fd, "send \(mebibytes)\n") else { return SkiffBenchError("send \(mebibytes): \(Self.lastError)") }
        let want = mebibytes << 20
        var got = 0
        var buffer = [UInt8](repeating: 0, count: Self.chunk)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n < 0 { return SkiffBenchError("guest to host: \(Self.lastError) after \(got) of \(want) bytes") }
            if n == 0 { break }
            got += n
        }
        return got == want ? nil : SkiffBenchError("guest to host: \(got) bytes instead of \(want)")
    }

    /// Host to guest: sends the stream, ends the connection's sending side, and waits for the
    /// guest's "ok".
    private func streamFromHost(_ fd: Int32) -> SkiffBenchError? {
        guard GuestEndpoint.sendAll(fd, "receive \(mebibytes)\n") else { return SkiffBenchError("receive \(mebibytes): \(Self.lastError)") }
        let buffer = [UInt8](repeating: 0x68, count: Self.chunk)
        for sent in stride(from: 0, to: mebibytes << 20, by: Self.chunk) {
            guard buffer.withUnsafeBytes({ GuestEndpoint.sendAll(fd, $0) }) else {
                return SkiffBenchError("host to guest: \(Self.lastError) after about \(sent) bytes")
            }
        }
        shutdown(fd, Int32(SHUT_WR))
        let answer = Self.readToEnd(fd)
        return answer == "ok" ? nil : SkiffBenchError("host to guest: the guest answered '\(answer ?? "nothing")' (\(Self.lastError))")
    }

    /// Sends `command` and reads the one-line answer up to the connection's end.
    private static func reply(to command: String, on fd: Int32) -> String? {
        guard GuestEndpoint.sendAll(fd, command + "\n") else { return nil }
        return readToEnd(fd)
    }

    /// What the guest sends until it closes, without the trailing newline; nil on an error.
    private static func readToEnd(_ fd: Int32) -> String? {
        var have: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 256)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n < 0 { return nil }
            if n == 0 { break }
            have += buffer[0..<n]
        }
        return String(decoding: have, as: UTF8.self).trimmingCharacters(in: .newlines)
    }

    private static var lastError: String { String(cString: strerror(errno)) }
}
