import Testing

@testable import SkiffHost

/// `skiff run` gives images it builds for a program the mount points `--mount-fs` asks for.
@Suite struct MountPointTests {
    @Test func mountFSOptionsNameTheirDirectories() {
        let options = ["--bootchart", "--mount-fs=ext4,/dev/vda,/data", "--mount-fs=tmpfs,none,/scratch/x", "--mount-fs=bad", "--mount-fs=ext4,/dev/vdb,relative"]
        #expect(PreparedRun.mountPoints(in: options) == ["/data", "/scratch/x"])
    }
}
