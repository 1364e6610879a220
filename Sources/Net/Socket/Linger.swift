/// `SO_LINGER`.
public struct Linger: Equatable, Sendable {
    public var enabled: Bool
    public var seconds: Int
    public init(enabled: Bool, seconds: Int) {
        self.enabled = enabled
        self.seconds = seconds
    }
}
