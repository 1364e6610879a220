/// A task's state as `/proc/PID/stat` (one letter) and `status` ("S (sleeping)") show it.
public enum TaskState: Sendable {
    case running
    case sleeping
    case diskSleep
    case stopped
    case zombie
    case dead
    case idle

    /// The letter in `stat` and `status`.
    public var letter: UInt8 {
        switch self {
        case .running: 0x52  // R
        case .sleeping: 0x53  // S
        case .diskSleep: 0x44  // D
        case .stopped: 0x54  // T
        case .zombie: 0x5A  // Z
        case .dead: 0x58  // X
        case .idle: 0x49  // I
        }
    }

    /// What `status` shows: "R (running)".
    public var description: StaticString {
        switch self {
        case .running: "R (running)"
        case .sleeping: "S (sleeping)"
        case .diskSleep: "D (disk sleep)"
        case .stopped: "T (stopped)"
        case .zombie: "Z (zombie)"
        case .dead: "X (dead)"
        case .idle: "I (idle)"
        }
    }
}
