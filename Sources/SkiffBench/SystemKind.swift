/// The two systems `make bench` compares.
enum SystemKind: String, CaseIterable, Codable {
    case skiff, linux

    var title: String { self == .skiff ? "Skiff" : "Linux" }
}
