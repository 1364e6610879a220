import Foundation

/// A folder's contents as the disk and share tests compare them: relative path -> contents,
/// "->target" for symlinks, nil contents for directories.
enum FolderTree {
    static func read(_ root: String) throws -> [String: [UInt8]?] {
        var result: [String: [UInt8]?] = [:]
        let manager = FileManager.default
        func walk(_ relative: String) throws {
            let full = relative.isEmpty ? root : root + "/" + relative
            for name in try manager.contentsOfDirectory(atPath: full) {
                let entry = relative.isEmpty ? name : relative + "/" + name
                let entryPath = root + "/" + entry
                let attributes = try manager.attributesOfItem(atPath: entryPath)
                switch attributes[.type] as? FileAttributeType {
                case .typeDirectory?:
                    result[entry] = .some([UInt8]?.none)
                    try walk(entry)
                case .typeSymbolicLink?:
                    result[entry] = Array(("->" + (try manager.destinationOfSymbolicLink(atPath: entryPath))).utf8)
                default:
                    result[entry] = [UInt8](try Data(contentsOf: URL(fileURLWithPath: entryPath)))
                }
            }
        }
        try walk("")
        return result
    }

    /// Differences between `expected` and `actual` among paths under `prefixes`.
    static func differences(
        expected: [String: [UInt8]?], actual: [String: [UInt8]?], under prefixes: [String]
    ) -> [String] {
        func inScope(_ path: String) -> Bool { prefixes.contains { path == $0 || path.hasPrefix($0 + "/") } }
        var problems: [String] = []
        for (path, contents) in expected.sorted(by: { $0.key < $1.key }) {
            guard let found = actual[path] else {
                problems.append("\(path) is missing")
                continue
            }
            if found != contents {
                problems.append("\(path) differs: \(found?.count ?? -1) bytes, expected \(contents?.count ?? -1)")
            }
        }
        for path in actual.keys.sorted() where inScope(path) && expected[path] == nil {
            problems.append("\(path) should not exist")
        }
        return Array(problems.prefix(8))
    }
}
