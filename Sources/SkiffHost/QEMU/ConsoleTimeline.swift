/// A VM's serial console as it arrived: the bytes, and when each chunk came, counted from
/// QEMU's start. `make bench` uses it to time a boot to the application's first line.
public struct ConsoleTimeline: Equatable, Sendable {
    public var bytes: [UInt8]
    public var arrivals: [OutputArrival]

    public init(bytes: [UInt8], arrivals: [OutputArrival]) {
        self.bytes = bytes
        self.arrivals = arrivals
    }

    /// Seconds from QEMU's start until the first line containing `text` had arrived whole (up to
    /// its newline, or the end of the output); nil when no line contains it.
    public func elapsed(untilLineContaining text: String) -> Double? {
        let needle = Array(text.utf8)
        guard !needle.isEmpty, needle.count <= bytes.count else { return nil }
        var i = 0
        while i + needle.count <= bytes.count {
            if bytes[i] == needle[0] && bytes[i..<i + needle.count].elementsEqual(needle) {
                var end = i + needle.count
                while end < bytes.count && bytes[end] != UInt8(ascii: "\n") { end += 1 }
                let last = min(end, bytes.count - 1)
                return arrivals.first(where: { $0.end > last })?.elapsed
            }
            i += 1
        }
        return nil
    }
}
