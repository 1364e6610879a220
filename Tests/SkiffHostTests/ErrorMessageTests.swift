import Foundation
import Testing

@testable import SkiffHost

/// Every failure the CLI reports is one line that says what to do, with a documented exit status.
@Suite struct ErrorMessageTests {
    @Test func programNotFound() {
        let byPath = skiffError { _ = try HostProgram.locate("/nonexistent/tool") }
        #expect(byPath?.message == "program /nonexistent/tool not found: no such file on this machine")
        #expect(byPath?.exitStatus == ExitStatus.notFound)

        let byName = skiffError { _ = try HostProgram.locate("no-such-tool-here", searchPath: "/nonexistent") }
        #expect(
            byName?.message == "program no-such-tool-here not found in PATH: give its full path, or install it on this machine")
        #expect(byName?.exitStatus == ExitStatus.notFound)
    }

    @Test func runTargetThatIsNeitherImageNorProgram() throws {
        let dir = try TemporaryDirectory()
        let cache = ImageCache(directory: dir.path + "/cache")
        let error = skiffError { _ = try RunTarget.resolve("no-such-tool-or-image", cache: cache) }
        #expect(
            error?.message.hasPrefix("no-such-tool-or-image is neither an image (skiff images lists them) nor a program in PATH")
                == true)
        #expect(error?.exitStatus == ExitStatus.notFound)
        let image = skiffError { _ = try RunTarget.resolve(dir.path + "/gone.img", cache: cache) }
        #expect(image?.message == "image \(dir.path)/gone.img does not exist: build it with skiff build")
    }

    @Test func notAnX86_64ELF() throws {
        let dir = try TemporaryDirectory()
        // An ELF header for aarch64 (e_machine 183).
        var header = [UInt8](repeating: 0, count: 64)
        header[0...3] = [0x7F, 0x45, 0x4C, 0x46]
        header[4] = 2
        header[5] = 1
        header[6] = 1
        header[16] = 2
        header[18] = 183
        let arm = try dir.writeBytes("arm-tool", header, mode: 0o755)
        let error = skiffError { _ = try HostProgram.locate(arm) }
        #expect(error?.message == "\(arm) is not an x86_64 ELF program: built for aarch64; Skiff runs x86_64 programs")
        #expect(error?.exitStatus == ExitStatus.cannotExecute)

        header[4] = 1  // 32-bit
        header[18] = 3
        let i386 = try dir.writeBytes("i386-tool", header, mode: 0o755)
        #expect(skiffError { _ = try HostProgram.locate(i386) }?.message.contains("a 32-bit ELF file") == true)

        let text = try dir.write("notes.txt", "hello", mode: 0o755)
        let notProgram = skiffError { _ = try HostProgram.locate(text) }
        #expect(notProgram?.message == "\(text) is not an x86_64 Linux program (neither an ELF file nor a #! script)")
        #expect(notProgram?.exitStatus == ExitStatus.cannotExecute)

        let plain = try dir.write("plain", "#!/bin/sh\n", mode: 0o644)
        #expect(
            skiffError { _ = try HostProgram.locate(plain) }?.message
                == "\(plain) is not executable: chmod +x it, or run its interpreter with it")
        #expect(skiffError { _ = try HostProgram.locate(dir.path) }?.message == "\(dir.path) is a directory, not a program")
    }

    @Test(.enabled(if: installed("/bin/ls"))) func missingLibrary() throws {
        let dir = try TemporaryDirectory()
        // /bin/ls with one DT_NEEDED name changed to a library no machine has (same length, so
        // the string table stays valid).
        var bytes = [UInt8](FileManager.default.contents(atPath: "/bin/ls")!)
        let needed = try LibraryResolver.describe("/bin/ls").needed.first { $0 != "libc.so.6" } ?? "libc.so.6"
        let replacement = Array(
            ("libnope" + String(repeating: "x", count: max(0, needed.utf8.count - 7))).utf8.prefix(needed.utf8.count))
        let pattern = Array(needed.utf8) + [0]
        var i = 0
        while i + pattern.count <= bytes.count {
            if bytes[i] == pattern[0] && Array(bytes[i..<(i + pattern.count)]) == pattern {
                bytes.replaceSubrange(i..<(i + replacement.count), with: replacement)
            }
            i += 1
        }
        let broken = try dir.writeBytes("ls-broken", bytes, mode: 0o755)
        let missing = String(decoding: replacement, as: UTF8.self)
        let error = skiffError { _ = try LibraryResolver().closure(of: broken) }
        #expect(
            error?.message
                == "\(broken) needs the library \(missing), which is not on this machine: install the package that has it (apt-file search \(missing))"
        )
        #expect(error?.exitStatus == ExitStatus.cannotExecute)
    }

    @Test func scriptsRunThroughTheirInterpreter() throws {
        let dir = try TemporaryDirectory()
        guard installed("/bin/sh") else { return }
        let script = try dir.write("hello.sh", "#!/bin/sh -e\necho hi\n", mode: 0o755)
        let program = try HostProgram.locate(script)
        // The command names the script where the image has it (under /host when it is in /tmp).
        #expect(program.commandPrefix == ["/bin/sh", "-e", DefaultGuestPath.visible(script)])
        #expect(program.allPrograms.map(\.hostPath) == ["/bin/sh", script])
        let viaEnv = try dir.write("env.sh", "#!/usr/bin/env sh\n", mode: 0o755)
        let envProgram = try HostProgram.locate(viaEnv, searchPath: "/usr/bin:/bin")
        #expect(envProgram.commandPrefix.count == 2)
        #expect(envProgram.commandPrefix.first?.hasSuffix("/sh") == true)
        let bad = try dir.write("bad.sh", "#!/nonexistent/interp\n", mode: 0o755)
        #expect(skiffError { _ = try HostProgram.locate(bad) }?.exitStatus == ExitStatus.notFound)
    }

    @Test func qemuMissing() {
        var vm = VirtualMachine(kernel: "/nonexistent/kernel.elf")
        vm.qemu = "qemu-system-nonexistent"
        let error = skiffError { _ = try vm.run(accelerator: .tcg) }
        #expect(
            error?.message
                == "QEMU (qemu-system-nonexistent) is not installed: run 'apt-get install qemu-system-x86' (or 'make deps')")
        #expect(error?.exitStatus == ExitStatus.unavailable)
    }

    @Test func kernelMissing() {
        guard installed("/usr/bin/qemu-system-x86_64") else { return }
        let vm = VirtualMachine(kernel: "/nonexistent/kernel.elf")
        let error = skiffError { _ = try vm.run(accelerator: .tcg) }
        #expect(error?.message == "kernel /nonexistent/kernel.elf does not exist: build it with 'make kernel'")
        #expect(error?.exitStatus == ExitStatus.unavailable)
    }

    @Test func vmTimedOutAndQEMUFailed() throws {
        let timedOut = VirtualMachine.Outcome(
            exitStatus: nil, qemuStatus: 15, console: "", qemuErrors: "", timedOut: true, elapsed: 5, accelerator: .tcg)
        let error = skiffError { _ = try timedOut.programStatus(timeout: 5) }
        #expect(
            error?.message == "the VM did not finish within 5 s and was stopped: raise --timeout, or check that the program ends")
        #expect(error?.exitStatus == ExitStatus.timedOut)

        let failed = VirtualMachine.Outcome(
            exitStatus: nil, qemuStatus: 1, console: "", qemuErrors: "qemu-system-x86_64: -m 0M: bad size\nmore", timedOut: false,
            elapsed: 0, accelerator: .tcg)
        let qemu = skiffError { _ = try failed.programStatus(timeout: nil) }
        #expect(qemu?.message == "QEMU failed: qemu-system-x86_64: -m 0M: bad size")
        #expect(qemu?.exitStatus == ExitStatus.vmFailed)

        let ok = VirtualMachine.Outcome(
            exitStatus: 3, qemuStatus: 7, console: "", qemuErrors: "", timedOut: false, elapsed: 0, accelerator: .tcg)
        #expect(try ok.programStatus(timeout: nil) == 3)
    }

    @Test func usageErrors() throws {
        #expect(
            skiffError { _ = try MemorySize.parse("lots", option: "--memory") }?.message
                == "invalid --memory 'lots': use a size such as 256M or 1G")
        #expect(try VirtualMachine.PortForward.parse("80") == .init(hostPort: 80, guestPort: 80))
        #expect(
            skiffError { _ = try VirtualMachine.PortForward.parse("x:80") }?.message
                == "invalid port forward 'x:80': use HOST:GUEST such as -p 8080:80 (or 5353:53/udp)")
        #expect(
            skiffError { _ = try VirtualMachine.Network.parse("bridge") }?.message
                == "invalid --net 'bridge': use user, tap, tap:IFNAME or none")
        #expect(skiffError { _ = try RunOptions.Share.parse("data") }?.exitStatus == ExitStatus.usage)
        #expect(skiffError { _ = try RunOptions.Share.parse("data:rel") }?.message.contains("must be absolute") == true)
        #expect(skiffError { _ = try ImagePlan.Mapping.parse("", option: "--file") }?.exitStatus == ExitStatus.usage)
    }

    @Test func missingFileAndDirInputs() throws {
        let dir = try TemporaryDirectory()
        var plan = ImagePlan()
        plan.files = [.init(hostPath: dir.path + "/gone", guestPath: "/gone")]
        #expect(skiffError { _ = try plan.makeSpec() }?.message == "--file \(dir.path)/gone: no such file")
        plan.files = [.init(hostPath: dir.path, guestPath: "/d")]
        #expect(
            skiffError { _ = try plan.makeSpec() }?.message
                == "--file \(dir.path) is not a regular file: use --dir for a directory")
        plan.files = []
        plan.directories = [.init(hostPath: dir.path + "/gone", guestPath: "/gone")]
        #expect(skiffError { _ = try plan.makeSpec() }?.exitStatus == ExitStatus.missingInput)
    }

    @Test func conflictingImagePathsAreOneLine() throws {
        var spec = ImageSpec()
        spec.set("/a", .contents([1], mode: 0o644))
        spec.set("/a/b", .contents([2], mode: 0o644))
        let error = skiffError { _ = try ImageComposer.build(spec) }
        #expect(error?.message == "cannot build the image: a parent of /a/b is not a directory")
        #expect(error?.message.contains("\n") == false)
    }
}
