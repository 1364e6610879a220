/// One 4 KiB page of a RAM file's data.
final class DataPage {
    static let size = 4096
    static let shift = 12

    var bytes: [UInt8]

    init() {
        bytes = [UInt8](repeating: 0, count: Self.size)
    }
}
