/// The system description tables, found from the RSDP.
///
/// Every table's checksum is verified before it is used: a VMM that hands over a corrupt table
/// gets a clear error, not a kernel that follows garbage pointers.
public struct ACPITables {
    /// A table's location and header fields.
    public struct Entry {
        public var signature: [UInt8]
        public var address: UInt64
        public var length: Int
        public var revision: UInt8
    }

    public private(set) var revision: UInt8
    public private(set) var entries: [Entry] = []

    public init(rsdpAddress: UInt64, read: PhysicalReader) throws(ACPIError) {
        guard let rsdp = read(rsdpAddress, 20) else { throw ACPIError("RSDP at \(rsdpAddress) is unreadable") }
        guard Array(rsdp[0..<8]) == Array("RSD PTR ".utf8) else { throw ACPIError("no RSDP signature at \(rsdpAddress)") }
        guard Self.checksum(rsdp) == 0 else { throw ACPIError("RSDP checksum is wrong") }
        revision = rsdp[15]
        var rootAddress = UInt64(rsdp.loadUnaligned(fromByteOffset: 16, as: UInt32.self))
        var entrySize = 4
        if revision >= 2, let extended = read(rsdpAddress, 36) {
            guard Self.checksum(extended) == 0 else { throw ACPIError("extended RSDP checksum is wrong") }
            let xsdt = extended.loadUnaligned(fromByteOffset: 24, as: UInt64.self)
            if xsdt != 0 {
                rootAddress = xsdt
                entrySize = 8
            }
        }
        let root = try Self.table(at: rootAddress, read: read)
        let expected = entrySize == 8 ? "XSDT" : "RSDT"
        guard root.signature == Array(expected.utf8) else { throw ACPIError("root table is not an \(expected)") }
        guard let body = read(rootAddress, root.length) else { throw ACPIError("\(expected) is unreadable") }
        var offset = 36
        while offset + entrySize <= root.length {
            let address =
                entrySize == 8
                ? body.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                : UInt64(body.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
            offset += entrySize
            if address == 0 { continue }
            // A broken entry is skipped rather than fatal: the rest of the system may still boot.
            if let entry = try? Self.table(at: address, read: read) {
                entries.append(entry)
            }
        }
        // The DSDT is reached through the FADT, not the root table.
        if let fadt = entries.first(where: { $0.signature == Array("FACP".utf8) }),
            let parsed = try? FADT(entry: fadt, read: read), parsed.dsdtAddress != 0,
            let dsdt = try? Self.table(at: parsed.dsdtAddress, read: read)
        {
            entries.append(dsdt)
        }
    }

    /// The first table with `signature` (such as "APIC" for the MADT).
    public func entry(_ signature: String) -> Entry? {
        let wanted = Array(signature.utf8)
        return entries.first { $0.signature == wanted }
    }

    /// Reads and validates the header and checksum of the table at `address`.
    public static func table(at address: UInt64, read: PhysicalReader) throws(ACPIError) -> Entry {
        guard let header = read(address, 36) else { throw ACPIError("table at \(address) is unreadable") }
        let length = Int(header.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
        let signature = Array(header[0..<4])
        let name = String(decoding: signature, as: UTF8.self)
        guard length >= 36, length <= 16 << 20 else { throw ACPIError("\(name) has an impossible length \(length)") }
        guard let whole = read(address, length) else { throw ACPIError("\(name) is unreadable") }
        guard checksum(whole) == 0 else { throw ACPIError("\(name) checksum is wrong") }
        return Entry(signature: signature, address: address, length: length, revision: header[8])
    }

    static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt8 {
        var sum: UInt8 = 0
        for byte in bytes { sum &+= byte }
        return sum
    }
}
