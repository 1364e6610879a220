/// 9P2000.L message type bytes (Linux's `include/net/9p/9p.h`). Each request's reply is the
/// next number; any request may be answered by Rlerror instead.
public enum NinePMessageType {
    public static let error: UInt8 = 7
    public static let statistics: UInt8 = 8
    public static let open: UInt8 = 12
    public static let create: UInt8 = 14
    public static let symlink: UInt8 = 16
    public static let makeNode: UInt8 = 18
    public static let readLink: UInt8 = 22
    public static let getAttributes: UInt8 = 24
    public static let setAttributes: UInt8 = 26
    public static let readDirectory: UInt8 = 40
    public static let sync: UInt8 = 50
    public static let link: UInt8 = 70
    public static let makeDirectory: UInt8 = 72
    public static let rename: UInt8 = 74
    public static let unlink: UInt8 = 76
    public static let version: UInt8 = 100
    public static let attach: UInt8 = 104
    public static let flush: UInt8 = 108
    public static let walk: UInt8 = 110
    public static let read: UInt8 = 116
    public static let write: UInt8 = 118
    public static let clunk: UInt8 = 120

    /// The tag of Tversion, which comes before any other.
    public static let noTag: UInt16 = 0xFFFF
    /// No fid (Tattach's `afid` without authentication).
    public static let noFid: UInt32 = 0xFFFF_FFFF
}
