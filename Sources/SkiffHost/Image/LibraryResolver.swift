import ELF
import Foundation

/// Finds everything a host program needs at run time — its dynamic loader and every shared
/// library it links, transitively — the way the loader itself searches (DT_RPATH, DT_RUNPATH
/// with `$ORIGIN`, /etc/ld.so.conf directories, the multiarch defaults), as OSv's
/// manifest_from_host.sh and Nanos's ops do.
///
/// Each file goes into the image at the path the guest's loader will look for it: the loader
/// at its PT_INTERP path, libraries in the directory they were found in.
public struct LibraryResolver {
    public var defaultDirectories: [String]

    public init(root: String = "") {
        var dirs = ["/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64", "/lib", "/usr/lib"]
        dirs += Self.ldSoConfDirectories(root + "/etc/ld.so.conf")
        var seen = Set<String>()
        defaultDirectories = dirs.filter { seen.insert($0).inserted }
    }

    /// The program (at `guestPath`, default its own path), its interpreter and its libraries.
    /// `provided` names libraries that are loaded before `program` is (the JVM's libjvm.so,
    /// which the launcher opens from lib/server before the class library's modules need it):
    /// they count as found without a search.
    public func closure(of program: String, guestPath: String? = nil, provided: Set<String> = []) throws -> [ImageSpec.File] {
        let programPath = URL(fileURLWithPath: program).standardizedFileURL.path
        var files: [ImageSpec.File] = [ImageSpec.File(guestPath: guestPath ?? programPath, hostPath: realPath(programPath))]
        // ld.so takes a program's $ORIGIN from /proc/self/exe, the resolved path.
        let program = try Self.describe(realPath(programPath))
        if let interpreter = program.interpreter {
            guard FileManager.default.fileExists(atPath: interpreter) else {
                throw SkiffError(
                    "\(programPath) needs the dynamic loader \(interpreter), which is not on this machine: install the C library it was built for",
                    exitStatus: ExitStatus.cannotExecute)
            }
            files.append(ImageSpec.File(guestPath: interpreter, hostPath: realPath(interpreter)))
        }
        var queue: [(name: String, requester: ObjectInfo)] = program.needed.map { ($0, program) }
        var found = Set<String>()
        while !queue.isEmpty {
            let (name, requester) = queue.removeFirst()
            if found.contains(name) { continue }
            guard let path = locate(name, for: requester) else {
                if provided.contains(name) {
                    found.insert(name)
                    continue
                }
                throw SkiffError(
                    "\(programPath) needs the library \(name), which is not on this machine: install the package that has it (apt-file search \(name))",
                    exitStatus: ExitStatus.cannotExecute)
            }
            found.insert(name)
            let guest = name.contains("/") ? path : (URL(fileURLWithPath: path).deletingLastPathComponent().path + "/" + name)
            if !files.contains(where: { $0.guestPath == guest }) {
                files.append(ImageSpec.File(guestPath: guest, hostPath: realPath(path)))
            }
            let library = try Self.describe(path)
            for n in library.needed where !found.contains(n) { queue.append((n, library)) }
        }
        return files
    }

    struct ObjectInfo {
        var path: String
        var interpreter: String?
        var needed: [String]
        var rpath: [String]
        var runpath: [String]
    }

    static func describe(_ path: String) throws -> ObjectInfo {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SkiffError("cannot read \(path): check that it exists and is readable", exitStatus: ExitStatus.missingInput)
        }
        let bytes = [UInt8](data)
        return try bytes.withUnsafeBytes { raw throws -> ObjectInfo in
            let elf: ELFFile
            let dynamic: DynamicSection?
            do throws(ELFError) {
                elf = try ELFFile(raw)
                dynamic = try elf.dynamicSection()
            } catch {
                throw SkiffError(
                    "\(path) is not an x86_64 Linux program Skiff can run: \(error.message)", exitStatus: ExitStatus.cannotExecute
                )
            }
            let origin = URL(fileURLWithPath: path).deletingLastPathComponent().path
            func list(_ bytes: [UInt8]?) -> [String] {
                guard let b = bytes else { return [] }
                return String(decoding: b, as: UTF8.self).split(separator: ":").map {
                    $0.replacingOccurrences(of: "$ORIGIN", with: origin).replacingOccurrences(of: "${ORIGIN}", with: origin)
                }
            }
            return ObjectInfo(
                path: path, interpreter: elf.interpreter.map { String(decoding: $0, as: UTF8.self) },
                needed: dynamic?.needed.map { String(decoding: $0, as: UTF8.self) } ?? [],
                rpath: list(dynamic?.rpath), runpath: list(dynamic?.runpath))
        }
    }

    /// Where the loader would find `name` for `requester`: DT_RPATH (only when there is no
    /// DT_RUNPATH), DT_RUNPATH, then the system directories. Like ld.so, a file that is not an
    /// x86_64 ELF (a 32-bit library in a shared directory) is skipped.
    func locate(_ name: String, for requester: ObjectInfo) -> String? {
        if name.contains("/") { return FileManager.default.fileExists(atPath: name) ? name : nil }
        let search = (requester.runpath.isEmpty ? requester.rpath : []) + requester.runpath + defaultDirectories
        for dir in search {
            let candidate = HostPath.absolute(dir + "/" + name)  // $ORIGIN/../lib → a clean path
            if FileManager.default.fileExists(atPath: candidate), Self.isX86_64ELF(candidate) { return candidate }
        }
        return nil
    }

    /// Whether the file starts with a 64-bit little-endian x86_64 ELF header.
    static func isX86_64ELF(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let header = [UInt8]((try? handle.read(upToCount: 20)) ?? Data())
        return header.count == 20 && header[0..<4] == [0x7F, 0x45, 0x4C, 0x46] && header[4] == 2 && header[5] == 1
            && header[18] == 62 && header[19] == 0
    }

    func realPath(_ path: String) -> String {
        URL(fileURLWithPath: path).resolvingSymlinksInPath().path
    }

    /// Directories listed in ld.so.conf and the files it includes.
    static func ldSoConfDirectories(_ path: String, depth: Int = 0) -> [String] {
        guard depth < 4, let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        var dirs: [String] = []
        for rawLine in text.split(separator: "\n") {
            let line =
                rawLine.split(separator: "#", maxSplits: 1).first.map(String.init)?
                .trimmingCharacters(in: .whitespaces) ?? ""
            if line.isEmpty { continue }
            if line.hasPrefix("include ") {
                let pattern = String(line.dropFirst(8)).trimmingCharacters(in: .whitespaces)
                let dir = URL(fileURLWithPath: pattern).deletingLastPathComponent().path
                let suffix = URL(fileURLWithPath: pattern).lastPathComponent.replacingOccurrences(of: "*", with: "")
                let entries = (try? FileManager.default.contentsOfDirectory(atPath: dir))?.sorted() ?? []
                for e in entries where e.hasSuffix(suffix) {
                    dirs += ldSoConfDirectories(dir + "/" + e, depth: depth + 1)
                }
            } else if line.hasPrefix("/") {
                dirs.append(line)
            }
        }
        return dirs
    }
}
