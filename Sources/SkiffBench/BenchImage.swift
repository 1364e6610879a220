/// The two images each system boots, with the same programs on both systems.
enum BenchImage: String, CaseIterable {
    /// Only the hello program: boot time, memory floor and image size.
    case hello
    /// Every benchmark program and the data file the read benchmark reads.
    case suite

    /// Programs built from GuestTests/bench, placed at /bin/NAME.
    var programs: [String] {
        switch self {
        case .hello: ["hello"]
        case .suite: ["hello", "syscalls", "threads", "fileread", "blockread", "fsbench", "tcploop", "httpd", "tcpstream"]
        }
    }

    /// The file the read benchmark reads, in the suite image.
    static let dataPath = "/data/file"
}
