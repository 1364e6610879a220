import Foundation
import Glibc

/// The library folders `/etc/ld.so.conf` lists, in the order `ldconfig` enters them into
/// `ld.so.cache`.
///
/// glibc's loader does not read ld.so.conf; it looks names up in the cache ldconfig built from it,
/// whose entries for one name are kept in the order ldconfig scanned their folders — the lines of
/// the file, each `include` expanded where it stands (its glob's matches in sorted order), the
/// first mention of a folder counting. So a library in `/usr/local/lib` (Debian's libc.conf)
/// wins over one of the same name in `/usr/lib/x86_64-linux-gnu`, and both win over the system
/// folders, which ldconfig scans last and the loader searches after the cache.
public enum LdSoConf {
    /// The folders of the file at `path` and the files it includes, without repeats.
    public static func directories(_ path: String) -> [String] {
        var seen = Set<String>()
        return lines(path, depth: 0).filter { seen.insert($0).inserted }
    }

    /// As ldconfig's `parse_conf`: `#` starts a comment; `include PATTERN…` reads every file
    /// matching each pattern (relative to the including file's folder); `hwcap` lines are
    /// obsolete and skipped; any other line is a folder, without trailing slashes.
    private static func lines(_ path: String, depth: Int) -> [String] {
        // ldconfig has no limit, but a file including itself would loop.
        guard depth < 8, let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        var dirs: [String] = []
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let line = (rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
                .trimmingCharacters(in: .whitespaces)
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard let first = words.first else { continue }
            if first == "include" {
                for pattern in words.dropFirst() {
                    let absolute =
                        pattern.hasPrefix("/")
                        ? pattern : URL(fileURLWithPath: path).deletingLastPathComponent().path + "/" + pattern
                    for file in glob(absolute) { dirs += lines(file, depth: depth + 1) }
                }
            } else if first == "hwcap" {
                continue
            } else {
                var dir = line
                while dir.count > 1 && dir.hasSuffix("/") { dir.removeLast() }
                dirs.append(dir)
            }
        }
        return dirs
    }

    /// The paths matching `pattern`, sorted (glob(3)'s order, which ldconfig uses).
    static func glob(_ pattern: String) -> [String] {
        var matches = glob_t()
        defer { globfree(&matches) }
        guard Glibc.glob(pattern, 0, nil, &matches) == 0 else { return [] }
        return (0..<Int(matches.gl_pathc)).compactMap { matches.gl_pathv[$0].map { String(cString: $0) } }
    }
}
