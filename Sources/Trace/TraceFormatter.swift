import LinuxABI

/// One record as a text line, for `--strace` on the console and `skiff trace --list`:
///
///     0.012345678 cpu0 t1 syscall_write(0x1, 0x4a2b10, 0xd)
///     0.012349001 cpu0 t1 syscall_write_ret 13
///     0.012360000 cpu0 t1 syscall_openat_ret -2 ENOENT
///     0.013000000 cpu1 k-3 sched_switch prev=1 next=-3 prev_state=3
///
/// Times are seconds since kernel entry; `tN` is a Linux thread, `k-N` a kernel thread.
public enum TraceFormatter {
    public static func line(_ r: TraceRecord, nanoseconds: UInt64, name: [UInt8], argumentNames: [UInt8]) -> String {
        var s = seconds(nanoseconds) + " cpu\(r.cpu) " + thread(r.thread) + " "
        s += String(decoding: name, as: UTF8.self)
        let t = Tracepoint(id: r.tracepoint)
        if t.isSyscallEntry {
            var last = 2
            while last < 5 && r.arguments[(last + 1)...].contains(where: { $0 != 0 }) { last += 1 }
            s += "(" + r.arguments[0...last].map { hex($0) }.joined(separator: ", ") + ")"
        } else if t.isSyscallExit {
            let result = Int64(bitPattern: r.arguments[0])
            s += " \(result)"
            if result < 0 && result > -4096 {
                s += " " + String(decoding: Errno(rawValue: Int(-result)).name.utf8Bytes, as: UTF8.self)
            }
        } else {
            let names = argumentNames.split(separator: UInt8(ascii: ","))
            for (i, n) in names.enumerated() where i < r.arguments.count {
                s += " " + String(decoding: n, as: UTF8.self) + "=" + value(r.arguments[i], named: n)
            }
        }
        if !r.backtrace.isEmpty {
            s += " [" + r.backtrace.map { hex($0) }.joined(separator: " ") + "]"
        }
        return s
    }

    /// `12.000345678`
    public static func seconds(_ ns: UInt64) -> String {
        var fraction = "\(ns % 1_000_000_000)"
        while fraction.utf8.count < 9 { fraction = "0" + fraction }
        return "\(ns / 1_000_000_000)." + fraction
    }

    public static func thread(_ id: Int32) -> String {
        id < 0 ? "k\(id)" : "t\(id)"
    }

    public static func hex(_ v: UInt64) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        var x = v
        repeat {
            out.append(digits[Int(x & 15)])
            x >>= 4
        } while x != 0
        return "0x" + String(decoding: out.reversed(), as: UTF8.self)
    }

    /// Addresses in hex, counts and IDs in decimal (signed for threads).
    static func value(_ v: UInt64, named name: ArraySlice<UInt8>) -> String {
        let hexNames: [StaticString] = ["address", "rip", "physical", "error"]
        for h in hexNames where name.elementsEqual(h.utf8Bytes) {
            return hex(v)
        }
        let signed: [StaticString] = ["prev", "next", "thread", "status"]
        for h in signed where name.elementsEqual(h.utf8Bytes) {
            return "\(Int64(bitPattern: v))"
        }
        return "\(v)"
    }
}
