/// The directory and name a node was reached through: Linux's dentry, reduced to what naming
/// an open file needs. It may go stale after a rename; `pathName(of:)` then reports the name
/// the file was opened under, as OSv does.
public struct NameOrigin {
    public let directory: Location
    public let name: [UInt8]

    public init(directory: Location, name: [UInt8]) {
        self.directory = directory
        self.name = name
    }
}
