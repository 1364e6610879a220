#if SKIFF_KERNEL
import LinuxABI
import VFS

/// A node whose readiness changes over time — pipes, sockets, eventfd, timerfd, signalfd,
/// epoll, the console — and which `poll`, `select` and `epoll` can wait on. Any other node
/// (files, directories, /dev/null) is always ready, and epoll refuses it with EPERM as Linux
/// does.
class PollableNode: VNode {
    /// Where pollers of this node wait; shared by nodes that are views of one object (a
    /// pipe's two ends).
    var pollHead: PollHead { ownHead }
    private let ownHead = PollHead()

    /// What would not block now.
    func readiness() -> PollEvents { .alwaysReady }

    /// True when readiness can change without a `notify` (a device polled by the CPU, like the
    /// serial console): waiters then look again every few milliseconds.
    var readinessIsPolled: Bool { false }
}
#endif
