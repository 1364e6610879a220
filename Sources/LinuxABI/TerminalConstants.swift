/// Terminal ioctls and the `struct termios` the kernel's TCGETS returns.
public enum TerminalConstants {
    public static let TCGETS = 0x5401
    public static let TCSETS = 0x5402
    public static let TCSETSW = 0x5403
    public static let TCSETSF = 0x5404
    public static let TIOCGPGRP = 0x540F
    public static let TIOCSPGRP = 0x5410
    public static let TIOCGWINSZ = 0x5413
    public static let TIOCSWINSZ = 0x5414
    public static let FIONREAD = 0x541B
    public static let FIONBIO = 0x5421
    public static let FIOCLEX = 0x5451
    public static let FIONCLEX = 0x5450
    public static let TIOCGPTN = 0x8004_5430

    /// `struct termios` as the kernel ABI has it (36 bytes: four flag words, c_line, 19 c_cc).
    public static let termiosSize = 36

    /// A Linux console's defaults: ICRNL|IXON, OPOST|ONLCR, B38400|CS8|CREAD|HUPCL,
    /// ISIG|ICANON|ECHO|ECHOE|ECHOK|ECHOCTL|ECHOKE|IEXTEN, and the usual control characters.
    public static var defaultTermios: [UInt8] {
        var w = StructWriter(size: termiosSize)
        w.set(UInt32(0x500), at: 0)
        w.set(UInt32(0x5), at: 4)
        w.set(UInt32(0xBF), at: 8)
        w.set(UInt32(0x8A3B), at: 12)
        let cc: [UInt8] = [3, 0x1C, 0x7F, 0x15, 4, 0, 1, 0, 0x11, 0x13, 0x1A, 0, 0x12, 0x0F, 0x17, 0x16, 0, 0, 0]
        for (i, c) in cc.enumerated() { w.set(c, at: 17 + i) }
        return w.bytes
    }
}
