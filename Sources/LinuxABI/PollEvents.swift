/// `poll`/`epoll` event bits (asm-generic/poll.h, eventpoll.h): what an object is ready for.
public struct PollEvents: OptionSet, Equatable, Sendable {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let input = PollEvents(rawValue: 0x001)  // POLLIN
    public static let priority = PollEvents(rawValue: 0x002)  // POLLPRI
    public static let output = PollEvents(rawValue: 0x004)  // POLLOUT
    public static let error = PollEvents(rawValue: 0x008)  // POLLERR
    public static let hangUp = PollEvents(rawValue: 0x010)  // POLLHUP
    public static let invalid = PollEvents(rawValue: 0x020)  // POLLNVAL
    public static let readNormal = PollEvents(rawValue: 0x040)  // POLLRDNORM
    public static let readBand = PollEvents(rawValue: 0x080)  // POLLRDBAND
    public static let writeNormal = PollEvents(rawValue: 0x100)  // POLLWRNORM
    public static let writeBand = PollEvents(rawValue: 0x200)  // POLLWRBAND
    public static let message = PollEvents(rawValue: 0x400)  // POLLMSG
    public static let readHangUp = PollEvents(rawValue: 0x2000)  // POLLRDHUP

    /// Readable and writable, as a regular file always is.
    public static let alwaysReady: PollEvents = [.input, .readNormal, .output, .writeNormal]
    /// Reported whether asked for or not.
    public static let unmaskable: PollEvents = [.error, .hangUp, .invalid]

    // epoll_ctl flags in the same word.
    public static let EPOLLEXCLUSIVE: UInt32 = 1 << 28
    public static let EPOLLWAKEUP: UInt32 = 1 << 29
    public static let EPOLLONESHOT: UInt32 = 1 << 30
    public static let EPOLLET: UInt32 = 1 << 31
}

/// `select`'s three sets in terms of poll bits (Linux's POLLIN_SET, POLLOUT_SET, POLLEX_SET).
public enum SelectSets {
    public static let read: PollEvents = [.readNormal, .readBand, .input, .hangUp, .error]
    public static let write: PollEvents = [.writeBand, .writeNormal, .output, .error]
    public static let except: PollEvents = [.priority]
}

/// epoll_ctl operations.
public enum EpollOperation {
    public static let add = 1
    public static let delete = 2
    public static let modify = 3
}
