import Foundation
import SkiffHost

/// The GDB guest test's host side: while the application waits in accept(2), `gdb -batch`
/// attaches to QEMU's stub with the kernel's symbols and Tools/gdb/skiff.py, runs every command
/// the script offers, and what they print must match what the kernel has: the script's struct
/// offsets agree with the kernel's DWARF (`skiff layout`), an idle thread runs or waits per CPU,
/// the net thread exists, the application is PID 1 under its own name, each CPU reports the
/// thread `skiff threads` says it runs, and the application's saved kernel stack unwinds
/// through `skiff_syscall`. A changed `debug_threads.h` or `percpu.h` layout shows as a
/// mismatch, unreadable names or a stack that does not unwind.
enum GDBCheck {
    static let script = "Tools/gdb/skiff.py"

    struct ThreadRow {
        var slot: Int
        var tid: Int
        var pid: Int
        var name: String
        /// The CPU it runs on; nil when switched out.
        var cpu: Int?
    }

    /// Attaches (again, up to three times, while the application is still on a CPU rather
    /// than asleep in accept) and checks; the problems found.
    static func run(port: Int, kernel: String, cpus: Int, application: String) -> [String] {
        guard FileManager.default.fileExists(atPath: script) else { return ["gdb: \(script) not found (run from the repository)"] }
        guard let gdb = Subprocess.find("gdb") else { return ["gdb: not installed"] }
        var problems: [String] = []
        for attempt in 1...3 {
            var process = Subprocess(
                gdb,
                [
                    "-batch", "-nx", "-q", kernel, "-ex", "set pagination off", "-ex", "set width 0", "-ex", "set confirm off", "-ex", "set remotetimeout 30",
                    "-ex", "target remote 127.0.0.1:\(port)", "-ex", "source \(script)",
                    "-ex", "echo ==== layout\\n", "-ex", "skiff layout", "-ex", "echo ==== threads\\n", "-ex", "skiff threads",
                    "-ex", "echo ==== cpus\\n", "-ex", "skiff cpus", "-ex", "echo ==== bt\\n", "-ex", "skiff bt all",
                    "-ex", "echo ==== end\\n", "-ex", "detach",
                ])
            process.timeout = 120
            let result: Subprocess.Result
            do { result = try process.run() } catch { return ["gdb: cannot run \(gdb): \(error)"] }
            if result.timedOut { return ["gdb: no answer within 120 s"] }
            let sections = Self.sections(result.outputText)
            let rows = Self.threadRows(sections["threads"] ?? [])
            if attempt < 3, rows.contains(where: { $0.name == application && $0.cpu != nil }) {
                usleep(500_000)
                continue
            }
            problems = Self.problems(sections, rows: rows, cpus: cpus, application: application)
            if !problems.isEmpty {
                let errors = result.errorText.split(separator: "\n").filter { !$0.contains("warning") && !$0.hasPrefix("During symbol") }
                problems.append("gdb output:\n" + result.outputText + (errors.isEmpty ? "" : "gdb errors:\n" + errors.suffix(10).joined(separator: "\n")))
            }
            break
        }
        return problems.map { "gdb: " + $0 }
    }

    /// The output between `==== NAME` markers, by name.
    static func sections(_ output: String) -> [String: [String]] {
        var result: [String: [String]] = [:]
        var current: String? = nil
        for line in output.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("==== ") {
                current = String(line.dropFirst(5))
                result[current!] = []
            } else if let current {
                result[current, default: []].append(String(line))
            }
        }
        return result
    }

    /// `skiff threads` rows: `slot tid pid name running on cpuN|switched out, rsp 0x…`.
    static func threadRows(_ lines: [String]) -> [ThreadRow] {
        lines.dropFirst().compactMap { line in
            let f = line.split(separator: " ")
            guard f.count >= 6, let slot = Int(f[0]), let tid = Int(f[1]), let pid = Int(f[2]) else { return nil }
            let state = f[4...].joined(separator: " ")
            if state.hasPrefix("running on cpu"), let cpu = Int(state.dropFirst("running on cpu".count)) {
                return ThreadRow(slot: slot, tid: tid, pid: pid, name: String(f[3]), cpu: cpu)
            }
            guard state.hasPrefix("switched out, rsp 0x") else { return nil }
            return ThreadRow(slot: slot, tid: tid, pid: pid, name: String(f[3]), cpu: nil)
        }
    }

    static func problems(_ sections: [String: [String]], rows: [ThreadRow], cpus: Int, application: String) -> [String] {
        var problems: [String] = []
        func expect(_ ok: Bool, _ what: String) { if !ok { problems.append(what) } }
        guard sections["end"] != nil else { return ["the commands did not all run"] }

        let layout = sections["layout"] ?? []
        for name in ["skiff_debug_thread", "skiff_percpu"] {
            expect(layout.contains("\(name): matches"), "skiff layout: \(layout.first { $0.hasPrefix(name) } ?? "\(name) not reported")")
        }

        let threadLines = (sections["threads"] ?? []).filter { !$0.isEmpty }
        expect(threadLines.first?.split(separator: " ") == ["slot", "tid", "pid", "name", "state"], "skiff threads: no header")
        expect(threadLines.count - 1 == rows.count, "skiff threads: \(threadLines.count - 1 - rows.count) rows unreadable")
        let idle = rows.filter { $0.name == "idle" }
        expect(idle.count == cpus, "skiff threads: \(idle.count) idle threads for \(cpus) CPUs")
        expect(rows.contains { $0.name == "net" }, "skiff threads: no net thread")
        for row in rows where row.name == "idle" || row.name == "net" {
            expect(row.tid == 0 && row.pid == 0, "skiff threads: kernel thread \(row.name) has TID \(row.tid), PID \(row.pid)")
        }
        let app = rows.first { $0.name == application }
        expect(app.map { $0.tid == 1 && $0.pid == 1 } == true, "skiff threads: no \(application) with TID 1 and PID 1")
        expect(Set(rows.compactMap(\.cpu)) == Set(0..<cpus), "skiff threads: running on CPUs \(rows.compactMap(\.cpu).sorted())")

        // cpuN: percpu 0x…, running slot S (NAME), K system calls
        var syscalls = 0
        var cpuIndices: [Int] = []
        for line in sections["cpus"] ?? [] where line.hasPrefix("cpu") {
            let f = line.split(separator: " ")
            guard f.count == 10, let index = Int(f[0].dropFirst(3).dropLast()), let slot = Int(f[5]), let count = Int(f[7]) else {
                problems.append("skiff cpus: unreadable line \"\(line)\"")
                continue
            }
            cpuIndices.append(index)
            syscalls += count
            let name = f[6].dropFirst().dropLast(2)
            expect(rows.contains { $0.slot == slot && $0.name == name && $0.cpu == index }, "skiff cpus: \(line) disagrees with skiff threads")
        }
        expect(cpuIndices.sorted() == Array(0..<cpus), "skiff cpus: CPUs \(cpuIndices)")
        expect(syscalls > 0, "skiff cpus: no system calls counted")

        // The application sleeps in accept(2): its stack goes back through the system call.
        let bt = sections["bt"] ?? []
        if let app, let start = bt.firstIndex(of: "slot \(app.slot) (\(application)):") {
            let frames = bt[(start + 1)...].prefix { $0.hasPrefix("#") }
            expect(frames.count >= 3, "skiff bt: \(frames.count) frames for \(application)")
            expect(frames.contains { $0.contains("skiff_syscall") }, "skiff bt: \(application)'s stack does not pass through skiff_syscall")
        } else {
            problems.append("skiff bt all: no backtrace of \(application)")
        }
        return problems
    }
}
