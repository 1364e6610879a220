/// An OSv-style `usr.manifest`: which host files go where in the image.
///
/// The syntax is OSv's, so manifests written for OSv's `scripts/build` work unchanged:
///
///     [manifest]                                  # optional section header
///     # a comment
///     /usr/bin/app: build/app                     # a file (or an empty directory when the host path is one)
///     /usr/share/app/**: assets/**                # a whole tree, recursively
///     /&/etc/hosts: static/&                      # & stands for the guest path after /&/ → static/etc/hosts
///     /etc/mnttab: ->/proc/mounts                 # a symlink in the image
///     /lib/libfoo.so: !lib/libfoo.so              # keep a host symlink a symlink instead of copying its target
///     /usr/lib/libgcc_s.so.1: %(libgcc_s_dir)s/libgcc_s.so.1   # a variable, set with -D libgcc_s_dir=…
///
/// Parsing is pure (no file system access), so every syntax error is found with its line
/// number before anything is read; `ManifestExpander` then turns the entries into an `ImageSpec`.
public struct Manifest: Equatable {
    public enum Source: Equatable {
        /// A host file or directory; `resolveSymlinks` is false for `!path`.
        case host(String, resolveSymlinks: Bool)
        /// Everything below a host directory (`/guest/**: host/**`).
        case tree(String, resolveSymlinks: Bool)
        /// A symlink in the image (`->target`).
        case symlink(target: String)
    }

    public struct Entry: Equatable {
        public var guestPath: String
        public var source: Source
        public var line: Int
    }

    public var entries: [Entry] = []
    /// The file the manifest came from, for error messages.
    public var fileName: String

    public init(fileName: String = "usr.manifest", entries: [Entry] = []) {
        self.fileName = fileName
        self.entries = entries
    }

    /// Parses a manifest. `variables` fill in `%(name)s`; an unknown name is an error.
    public static func parse(_ text: String, variables: [String: String] = [:], fileName: String = "usr.manifest") throws
        -> Manifest
    {
        var manifest = Manifest(fileName: fileName)
        var sawContent = false
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            func fail(_ message: String) -> SkiffError {
                SkiffError("\(fileName):\(number): \(message)", exitStatus: ExitStatus.badInput)
            }
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") {
                guard line == "[manifest]" else {
                    throw fail("unknown section \(line): a manifest has only [manifest]")
                }
                guard !sawContent else { throw fail("[manifest] must come before the first entry") }
                continue
            }
            sawContent = true
            guard let separator = separatorRange(in: line) else {
                throw fail("expected '/guest/path: host/path', found '\(line)'")
            }
            let guest = String(line[..<separator.lowerBound]).trimmingCharacters(in: .whitespaces)
            let host = String(line[separator.upperBound...]).trimmingCharacters(in: .whitespaces)
            manifest.entries.append(try entry(guest: guest, host: host, line: number, variables: variables, fileName: fileName))
        }
        return manifest
    }

    /// One `guest: host` pair (from a manifest line or a project file's `[files]` table), with
    /// variables substituted and the `->`, `!`, `/**` and `&` forms decoded.
    public static func entry(
        guest rawGuest: String, host rawHost: String, line number: Int, variables: [String: String], fileName: String
    ) throws -> Entry {
        func fail(_ message: String) -> SkiffError {
            SkiffError("\(fileName):\(number): \(message)", exitStatus: ExitStatus.badInput)
        }
        var guest: String
        var host: String
        do {
            guest = try substitute(rawGuest, variables)
            host = try substitute(rawHost, variables)
        } catch let message as SubstitutionFailure {
            throw fail(message.text)
        }
        guard guest.hasPrefix("/") else { throw fail("guest path '\(guest)' must be absolute (start with /)") }
        guard !host.isEmpty else { throw fail("\(guest) has no host path") }

        if host.hasPrefix("->") {
            let target = String(host.dropFirst(2)).trimmingCharacters(in: .whitespaces)
            guard !target.isEmpty else { throw fail("symlink \(guest) has no target after '->'") }
            guard !guest.hasSuffix("/**") else { throw fail("a symlink cannot be a tree (\(guest))") }
            return Entry(guestPath: guest, source: .symlink(target: target), line: number)
        }
        var resolve = true
        if host.hasPrefix("!") {
            resolve = false
            host = String(host.dropFirst())
            guard !host.isEmpty else { throw fail("\(guest) has no host path after '!'") }
        }
        let guestTree = guest.hasSuffix("/**")
        let hostTree = host.hasSuffix("/**")
        if guestTree || hostTree {
            guard guestTree && hostTree else {
                throw fail("both sides of a tree entry must end in /** (\(guest): \(host))")
            }
            guard !guest.contains("/&/") else { throw fail("& cannot be combined with /** in \(guest)") }
            return Entry(
                guestPath: String(guest.dropLast(3)), source: .tree(String(host.dropLast(3)), resolveSymlinks: resolve),
                line: number)
        }
        if let amp = guest.range(of: "/&/") {
            guard host.hasSuffix("&"), host.filter({ $0 == "&" }).count == 1 else {
                throw fail("with /&/ in the guest path the host path must end in & (\(guest): \(host))")
            }
            let suffix = String(guest[amp.upperBound...])
            guard !suffix.isEmpty else { throw fail("nothing follows /&/ in \(guest)") }
            guest = String(guest[..<amp.lowerBound]) + "/" + suffix
            host = String(host.dropLast()) + suffix
        } else if host.hasSuffix("&") {
            throw fail("& at the end of the host path needs /&/ in the guest path (\(guest): \(host))")
        }
        return Entry(guestPath: guest, source: .host(host, resolveSymlinks: resolve), line: number)
    }

    /// The `:` between guest and host: the first one followed by whitespace, or one that ends the
    /// line (OSv splits on ": "; guest paths may contain a colon that is not followed by a space).
    static func separatorRange(in line: String) -> Range<String.Index>? {
        var index = line.startIndex
        while let colon = line[index...].firstIndex(of: ":") {
            let next = line.index(after: colon)
            if next == line.endIndex || line[next] == " " || line[next] == "\t" { return colon..<next }
            index = next
        }
        return nil
    }

    struct SubstitutionFailure: Error { var text: String }

    /// Replaces `%(name)s` with its value and `%%` with `%`, as Python's ConfigParser does for OSv.
    static func substitute(_ s: String, _ variables: [String: String]) throws -> String {
        guard s.contains("%") else { return s }
        var out = ""
        var rest = Substring(s)
        while let percent = rest.firstIndex(of: "%") {
            out += rest[..<percent]
            let after = rest[rest.index(after: percent)...]
            if after.hasPrefix("%") {
                out += "%"
                rest = after.dropFirst()
            } else if after.hasPrefix("("), let close = after.firstIndex(of: ")"),
                after[after.index(after: close)...].hasPrefix("s")
            {
                let name = String(after[after.index(after: after.startIndex)..<close])
                guard let value = variables[name] else {
                    throw SubstitutionFailure(text: "unknown variable %(\(name))s: define it with -D \(name)=VALUE")
                }
                out += value
                rest = after[after.index(close, offsetBy: 2)...]
            } else {
                throw SubstitutionFailure(text: "a lone % must be written %% (variables are %(name)s)")
            }
        }
        return out + rest
    }
}
