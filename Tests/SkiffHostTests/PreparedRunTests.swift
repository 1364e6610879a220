import Testing

@testable import SkiffHost

/// `skiff run` gives images it builds for a program the mount points `--mount-fs` asks for.
@Suite struct MountPointTests {
    @Test func mountFSOptionsNameTheirDirectories() {
        let options = ["--bootchart", "--mount-fs=ext4,/dev/vda,/data", "--mount-fs=tmpfs,none,/scratch/x", "--mount-fs=bad", "--mount-fs=ext4,/dev/vdb,relative"]
        #expect(PreparedRun.mountPoints(in: options) == ["/data", "/scratch/x"])
    }
}

/// Files from folders the guest mounts over at boot (/tmp, /dev, /proc, /sys) would be hidden.
@Suite struct HiddenPathTests {
    @Test func pathsUnderMountedFoldersMoveUnderHost() {
        #expect(DefaultGuestPath.visible("/tmp/build/server") == "/host/tmp/build/server")
        #expect(DefaultGuestPath.visible("/proc/x") == "/host/proc/x")
        #expect(DefaultGuestPath.visible("/tmpfiles/x") == "/tmpfiles/x")
        #expect(DefaultGuestPath.visible("/usr/bin/python3") == "/usr/bin/python3")
    }

    @Test func aProgramFromTmpRunsFromHostTmpWithItsLinksAndCommand() throws {
        var spec = ImageSpec()
        spec.set("/tmp/app/bin/server", .file(hostPath: "/tmp/app/bin/server", mode: nil))
        spec.set("/tmp/app/lib/libx.so", .file(hostPath: "/tmp/app/lib/libx.so", mode: nil))
        spec.set("/usr/bin/server", .symlink(target: "/tmp/app/bin/server"))
        spec.set("/etc/motd", .contents(Array("hi\n".utf8), mode: 0o644))
        spec.config.command = ["/tmp/app/bin/server", "--port", "80"]
        var notes: [String] = []
        spec.moveHiddenEntries { notes.append($0) }
        #expect(spec["/tmp/app/bin/server"] == nil)
        #expect(spec["/host/tmp/app/bin/server"] == .file(hostPath: "/tmp/app/bin/server", mode: nil))
        #expect(spec["/host/tmp/app/lib/libx.so"] == .file(hostPath: "/tmp/app/lib/libx.so", mode: nil))
        #expect(spec["/usr/bin/server"] == .symlink(target: "/host/tmp/app/bin/server"))
        #expect(spec["/etc/motd"] == .contents(Array("hi\n".utf8), mode: 0o644))
        #expect(spec.config.command == ["/host/tmp/app/bin/server", "--port", "80"])
        #expect(notes.count == 1 && notes[0].contains("/host/tmp"))
        #expect(HostProgram(hostPath: "/tmp/app/bin/server").commandPrefix == ["/host/tmp/app/bin/server"])
    }

    @Test func pathsOfTheGuestsOwnMountsAreLeftAlone() throws {
        var spec = ImageSpec()
        spec.set("/tmp/app/bin/server", .file(hostPath: "/tmp/app/bin/server", mode: nil))
        spec.set("/tmp/app/lib", .directory)
        spec.set("/etc/mnttab", .symlink(target: "/proc/mounts"))
        spec.set("/var/run", .symlink(target: "/tmp/run"))
        spec.set("/usr/lib/libx.so", .symlink(target: "/tmp/app/lib/libx.so"))
        spec.set("/usr/lib/liby.so", .symlink(target: "/tmp/app/bin/../lib/liby.so"))
        spec.config.command = ["/tmp/app/bin/server", "--log", "/tmp/server.log", "/dev/stdout", "/tmp"]
        spec.moveHiddenEntries { _ in }
        // The kernel's procfs and the guest's tmpfs: nothing of the image lives there.
        #expect(spec["/etc/mnttab"] == .symlink(target: "/proc/mounts"))
        #expect(spec["/var/run"] == .symlink(target: "/tmp/run"))
        #expect(spec.config.command == ["/host/tmp/app/bin/server", "--log", "/tmp/server.log", "/dev/stdout", "/tmp"])
        // Inside a folder of the image that moved.
        #expect(spec["/usr/lib/libx.so"] == .symlink(target: "/host/tmp/app/lib/libx.so"))
        #expect(spec["/usr/lib/liby.so"] == .symlink(target: "/host/tmp/app/bin/../lib/liby.so"))
        #expect(spec["/host/tmp/app/lib"] == .directory)
    }
}
