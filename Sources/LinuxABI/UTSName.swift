/// `struct utsname`: six 65-byte fields.
public struct UTSName {
    public var sysname: [UInt8]
    public var nodename: [UInt8]
    public var release: [UInt8]
    public var version: [UInt8]
    public var machine: [UInt8]
    public var domainname: [UInt8]

    public init(sysname: [UInt8], nodename: [UInt8], release: [UInt8], version: [UInt8], machine: [UInt8], domainname: [UInt8]) {
        self.sysname = sysname
        self.nodename = nodename
        self.release = release
        self.version = version
        self.machine = machine
        self.domainname = domainname
    }

    public static let fieldLength = 65

    public var encoded: [UInt8] {
        var w = StructWriter(size: Self.fieldLength * 6)
        for (i, field) in [sysname, nodename, release, version, machine, domainname].enumerated() {
            w.setString(field, at: i * Self.fieldLength, capacity: Self.fieldLength)
        }
        return w.bytes
    }
}
