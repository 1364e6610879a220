import LinuxABI
import Synchronization

/// The mounts of one tree. Path resolution asks it only at nodes whose `mountedCount` says
/// something is mounted there, so ordinary lookups never touch its lock.
final class MountTable {
    let lock: any VFSLock
    private(set) var mounts: [Mount] = []
    private var nextID: UInt64 = 1

    init(lock: any VFSLock) {
        self.lock = lock
    }

    /// The topmost mount on `node` as reached through `parent`, if any.
    func mounted(on node: VNode, in parent: Mount) -> Mount? {
        shared(lock) {
            var index = mounts.count
            while index > 0 {
                index -= 1
                let candidate = mounts[index]
                if candidate.parent === parent && candidate.mountpoint === node { return candidate }
            }
            return nil
        }
    }

    /// Adds a mount of `fileSystem`; the root mount when `at` is nil.
    func add(
        _ fileSystem: any FileSystem, flags: MountFlags, at location: Location?, source: [UInt8], typeName: [UInt8]
    ) -> Mount {
        exclusively(lock) {
            let mount = Mount(
                id: nextID, fileSystem: fileSystem, flags: flags, parent: location?.mount,
                mountpoint: location?.node, source: source, typeName: typeName)
            nextID &+= 1
            mounts.append(mount)
            location?.node.mountedCount.wrappingAdd(1, ordering: .releasing)
            return mount
        }
    }

    /// Removes `mount`, and with `recursive` every mount below it. Returns the file systems
    /// that no longer have any mount, so the caller can tell them outside the lock. EBUSY
    /// when not recursive and something is mounted below.
    func remove(_ mount: Mount, recursive: Bool, busy: (Mount) -> Bool) throws(Errno) -> [any FileSystem] {
        try exclusively(lock) { () throws(Errno) -> [any FileSystem] in
            var doomed: [Mount] = [mount]
            var index = 0
            while index < doomed.count {
                let current = doomed[index]
                for candidate in mounts where candidate.parent === current {
                    guard recursive else { throw .EBUSY }
                    doomed.append(candidate)
                }
                index += 1
            }
            if !recursive && busy(mount) { throw .EBUSY }
            var orphaned: [any FileSystem] = []
            for victim in doomed {
                mounts.removeAll { $0 === victim }
                victim.attached.store(false, ordering: .releasing)
                victim.mountpoint?.mountedCount.wrappingSubtract(1, ordering: .releasing)
                if !mounts.contains(where: { $0.fileSystem === victim.fileSystem }) {
                    orphaned.append(victim.fileSystem)
                }
            }
            return orphaned
        }
    }

    /// A snapshot of the attached mounts, in mount order (for /proc/mounts).
    func snapshot() -> [Mount] {
        shared(lock) { mounts }
    }
}
