import Foundation
import SkiffHost

/// Boots Skiff in QEMU for every guest test, checks console output and exit status, and prints
/// `N passed, M failed`. Exits non-zero when any test failed.
@main
struct GuestTestRunner {
    static func main() {
        var kernel: String? = nil
        var jobs = 2
        var filters: [String] = []
        var accel = Accelerator.auto
        var list = false
        var buildDirectory = "build"
        var args = CommandLine.arguments.dropFirst()
        while let arg = args.popFirst() {
            switch arg {
            case "--kernel": kernel = args.popFirst()
            case "--jobs": jobs = args.popFirst().flatMap(Int.init) ?? jobs
            case "--filter": filters += args.popFirst().map { [$0] } ?? []
            case "--accel": accel = args.popFirst().flatMap(Accelerator.init(rawValue:)) ?? accel
            case "--build": buildDirectory = args.popFirst() ?? buildDirectory
            case "--list": list = true
            default:
                FileHandle.standardError.write(Data("usage: skiff-guest-tests [--kernel PATH] [--jobs N] [--filter TEXT]... [--accel auto|kvm|tcg] [--build DIR] [--list]\n".utf8))
                exit(64)
            }
        }
        // Repeated filters select the tests whose names contain any of them.
        let tests = allGuestTests.filter { test in filters.isEmpty || filters.contains { test.name.contains($0) } }
        if list {
            for t in tests { print(t.name) }
            return
        }
        let kernelPath: String
        do { kernelPath = try Paths.kernel(explicit: kernel) } catch {
            print("error: \(error)")
            exit(1)
        }
        let decision = AcceleratorProbe.resolve(accel, kernel: kernelPath, qemu: "qemu-system-x86_64")
        print("guest tests: \(tests.count) tests, kernel \(kernelPath), accelerator \(decision.accelerator.rawValue) (\(decision.reason))")

        // Build each distinct program set's image once.
        var images: [String: String] = [:]
        for t in tests where t.needsImage {
            let key = t.imageKey
            if images[key] != nil { continue }
            do {
                if let missing = t.recipe?.requiredHostFiles.first(where: { !FileManager.default.fileExists(atPath: $0) }) {
                    print("error: \(t.name) needs \(missing) on the host (run 'make deps')")
                    exit(1)
                }
                let spec = try ImageRecipe.spec(
                    testPrograms: t.programs.map { (host: "\(buildDirectory)/guest/\($0)", guest: "/bin/\($0)") },
                    recipe: t.recipe, builtDirectory: "\(buildDirectory)/guest")
                images[key] = try ImageCache(directory: buildDirectory + "/guest-images")
                    .image(for: spec, name: nil, source: t.name).path
            } catch {
                print("error: cannot build the image for \(t.name): \(error)")
                exit(1)
            }
        }
        let imagePaths = images

        var runs: [(GuestTest, VirtualMachine.Machine)] = []
        for t in tests { for m in t.machines { runs.append((t, m)) } }
        let results = Results()
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = max(1, jobs)
        let accelerator = decision.accelerator
        let build = buildDirectory
        for (test, machine) in runs {
            queue.addOperation {
                let image = test.needsImage ? imagePaths[test.imageKey] : nil
                let failure = run(
                    test, machine: machine, kernel: kernelPath, accelerator: accelerator, image: image, build: build)
                results.record(test: test, machine: machine, failure: failure)
            }
        }
        queue.waitUntilAllOperationsAreFinished()
        print("\(results.passed) passed, \(results.failed.count) failed")
        for f in results.failed { print("  FAILED \(f)") }
        exit(results.failed.isEmpty ? 0 : 1)
    }

    /// Runs one test on one machine; nil when it passed, otherwise why it failed.
    static func run(
        _ test: GuestTest, machine: VirtualMachine.Machine, kernel: String, accelerator: Accelerator, image: String?,
        build: String
    ) -> (String, Double)? {
        var vm = VirtualMachine(kernel: kernel)
        vm.machine = machine
        vm.commandLine = test.commandLine
        vm.memoryMiB = test.memoryMiB
        vm.cpus = test.cpus
        vm.timeout = test.powerCut.map { Double.random(in: $0) } ?? test.timeout
        vm.initrd = image
        vm.randomNumberGenerator = test.randomNumberGenerator
        vm.network = test.network ? .user : .none
        var link: NetworkNamespace? = nil
        defer { link?.delete() }
        if test.tap {
            do {
                link = try NetworkNamespace.create(
                    prefix: "skiff-test-", device: GuestTest.tapDevice, hostAddress: GuestTest.tapHostAddress + "/24",
                    multiQueue: test.cpus > 1)
            } catch {
                return ("cannot set up the tap link: \(error)", 0)
            }
            vm.network = .tap(GuestTest.tapDevice)
            vm.networkQueues = test.cpus
            vm.launcher = link!.execPrefix
        }
        vm.legacyVirtioMMIO = test.legacyVirtioMMIO
        vm.extraArguments = test.qemuArguments
        var diskPaths: [String] = []
        var sharePaths: [String] = []
        defer {
            for path in diskPaths {
                try? FileManager.default.removeItem(atPath: path)
                try? FileManager.default.removeItem(atPath: path + ".blkdebug")
            }
            for path in sharePaths { try? FileManager.default.removeItem(atPath: path) }
        }
        do {
            for disk in test.disks {
                let path = try disk.create(label: test.name, build: build)
                diskPaths.append(path)
                vm.disks.append(VirtualMachine.Disk(path: try disk.attachment(path: path)))
            }
            for (index, share) in test.shares.enumerated() {
                let path = try share.create(label: test.name, build: build)
                sharePaths.append(path)
                vm.shares.append((path, "share\(index)"))
            }
        } catch {
            return ("cannot create a disk image or shared folder: \(error)", 0)
        }
        let session = test.hostPeer.map { HostPeerSession($0, kernel: kernel) }
        session?.link = link
        let console = ConsoleWatch()
        if let session {
            let port = session.start()
            vm.commandLine = vm.commandLine.replacingOccurrences(of: "{port}", with: String(port))
            vm.forwards = session.forwards
            switch session.peer {
            case .client, .storm, .stream, .udpClient, .linkClient:
                vm.echo = console.sink
                session.consoleReady = { console.contains("listening") }
            case .monitor(_, let appPort, _):
                vm.echo = console.sink
                session.consoleReady = { console.contains("listening on port \(appPort)") }
            case .service(let check):
                vm.echo = console.sink
                session.consoleReady = { console.contains(check.ready) }
            case .debugger(let appPort, _, _):
                vm.echo = console.sink
                session.consoleReady = { console.contains("listening on port \(appPort)") }
                // On loopback only: `skiff run --gdb` listens on every interface.
                vm.extraArguments += ["-gdb", "tcp:127.0.0.1:\(session.apiHostPort)"]
            case .echoServer, .udpEchoServer:
                break
            }
        }
        let outcome: VirtualMachine.Outcome
        do { outcome = try vm.run(accelerator: accelerator) } catch {
            _ = session?.finish()
            return ("cannot run QEMU: \(error)", 0)
        }
        var problems: [String] = session?.finish() ?? []
        for (disk, path) in zip(test.disks, diskPaths) {
            problems += disk.problems(path: path, console: outcome.console)
        }
        for (share, path) in zip(test.shares, sharePaths) {
            problems += share.inspect(path, outcome.console)
        }
        if test.powerCut != nil {
            if !outcome.timedOut { problems.append("the program ended before the power cut") }
        } else if outcome.timedOut {
            problems.append("timed out after \(Int(test.timeout)) s")
        } else if outcome.exitStatus != test.status {
            let got = outcome.exitStatus.map(String.init) ?? "QEMU failure (\(outcome.qemuStatus))"
            problems.append("exit status \(got), expected \(test.status)")
        } else if test.status == 0 && outcome.qemuStatus != 0 && !test.qemuArguments.contains("acpi=off") {
            // Status 0 leaves by ACPI S5, which QEMU answers with its own status 0; isa-debug-exit
            // would say 0 too (as 1), so only QEMU's status shows the power-off really worked.
            problems.append("QEMU exited \(outcome.qemuStatus): ACPI power-off failed and isa-debug-exit stood in")
        }
        if let check = test.consoleCheck { problems += check(outcome.console) }
        let lines = outcome.console.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for e in test.expect {
            switch e {
            case .contains(let text) where !outcome.console.contains(text):
                problems.append("console lacks \"\(text)\"")
            case .lacks(let text) where outcome.console.contains(text):
                problems.append("console contains \"\(text)\"")
            case .matches(let pattern), .firstLineMatches(let pattern):
                guard let regex = try? Regex(pattern) else {
                    problems.append("bad pattern \(pattern)")
                    continue
                }
                if case .firstLineMatches = e {
                    if lines.first?.contains(regex) != true { problems.append("the first line does not match /\(pattern)/") }
                } else if !lines.contains(where: { $0.contains(regex) }) {
                    problems.append("no line matches /\(pattern)/")
                }
            default:
                break
            }
        }
        if problems.isEmpty { return nil }
        var report = problems.joined(separator: "; ")
        let tail = lines.suffix(25).joined(separator: "\n    | ")
        report += "\n    | " + tail
        if !outcome.qemuErrors.isEmpty { report += "\n    qemu: " + outcome.qemuErrors.trimmingCharacters(in: .whitespacesAndNewlines) }
        return (report, outcome.elapsed)
    }

    final class Results: @unchecked Sendable {
        private let lock = NSLock()
        var passed = 0
        var failed: [String] = []

        func record(test: GuestTest, machine: VirtualMachine.Machine, failure: (String, Double)?) {
            lock.lock()
            defer { lock.unlock() }
            let label = "\(test.name) [\(machine.rawValue)]"
            if let (why, _) = failure {
                failed.append("\(label): \(why)")
                print("FAIL \(label): \(why)")
            } else {
                passed += 1
                print("ok   \(label)")
            }
        }
    }
}
