import ELF
import Foundation

/// Finds everything a host program needs at run time — its dynamic loader and every shared
/// library it links, transitively — as OSv's manifest_from_host.sh and Nanos's ops do.
///
/// The image carries the host's loader and `ld.so.cache`, so the guest's loader must find each
/// library where the resolver put it: the resolver searches in glibc's order (`_dl_map_object`
/// in elf/dl-load.c), for a library needed by object O:
///
/// 1. DT_RPATH of O, then of the object that loaded O, and so on up to the program — only
///    when O has no DT_RUNPATH; an object with DT_RUNPATH has no DT_RPATH for the chain either,
///    but the objects above it still count;
/// 2. LD_LIBRARY_PATH (the image's, `libraryPath`);
/// 3. DT_RUNPATH of O alone;
/// 4. the ld.so.conf folders, in ld.so.cache order (`LdSoConf`);
/// 5. the system folders (`systemDirectories`).
///
/// `$ORIGIN` is the folder of the object whose path list names it. Each file goes into the image
/// at the path the guest's loader will look for it: the loader at its PT_INTERP path, libraries
/// in the folder they were found in. (glibc-hwcaps subfolders are not searched.)
public struct LibraryResolver {
    /// Step 4: the folders of /etc/ld.so.conf and its includes.
    public var cacheDirectories: [String]
    /// Step 5: the loader's built-in folders.
    public var systemDirectories: [String]
    /// Step 2: LD_LIBRARY_PATH as the program will see it in the guest.
    public var libraryPath: [String]

    /// The system search path of Debian's and Ubuntu's glibc (`ld.so --help`), then `/lib64`
    /// and `/usr/lib64`, Fedora's: a 64-bit library lives in one set or the other, and the
    /// other set's 32-bit libraries are skipped.
    public static let glibcSystemDirectories = [
        "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib", "/usr/lib", "/lib64", "/usr/lib64",
    ]

    public init(
        ldSoConf: String = "/etc/ld.so.conf", systemDirectories: [String] = Self.glibcSystemDirectories,
        libraryPath: [String] = []
    ) {
        cacheDirectories = LdSoConf.directories(ldSoConf)
        self.systemDirectories = systemDirectories
        self.libraryPath = libraryPath
    }

    /// The folders of the last `LD_LIBRARY_PATH=` in `environment` (NAME=VALUE entries), split
    /// at `:` and `;` as ld.so splits it. Empty entries (the current folder) are left out.
    public static func libraryPath(environment: [String]) -> [String] {
        guard let value = environment.last(where: { $0.hasPrefix("LD_LIBRARY_PATH=") })?.dropFirst(16) else { return [] }
        return value.split(whereSeparator: { $0 == ":" || $0 == ";" }).map(String.init)
    }

    /// The program (at `guestPath`, default its own path), its interpreter and its libraries.
    /// `provided` names libraries that are loaded before `program` is (the JVM's libjvm.so,
    /// which the launcher opens from lib/server before the class library's modules need it):
    /// they count as found without a search. `loadedBy` is the program that opens `program` with
    /// dlopen (a Python extension module's interpreter): its DT_RPATH is searched too, as ld.so
    /// searches the main program's.
    public func closure(
        of program: String, guestPath: String? = nil, loadedBy loader: String? = nil, provided: Set<String> = []
    ) throws -> [ImageSpec.File] {
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
        // Each name with the chain of objects that loaded its requester: the requester first, the
        // program last. Breadth first, as ld.so loads DT_NEEDED entries, so a library is loaded
        // by (and searched for with the paths of) the first object that needs it.
        let root = try [program] + (loader.map { [try Self.describe(realPath($0))] } ?? [])
        var queue: [(name: String, chain: [ObjectInfo])] = program.needed.map { ($0, root) }
        var found = Set<String>()
        while !queue.isEmpty {
            let (name, chain) = queue.removeFirst()
            if found.contains(name) { continue }
            guard let path = locate(name, for: chain) else {
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
            for n in library.needed where !found.contains(n) { queue.append((n, [library] + chain)) }
        }
        return files
    }

    struct ObjectInfo {
        var path: String
        var interpreter: String?
        var needed: [String]
        var rpath: [String]
        /// Nil without DT_RUNPATH; an empty DT_RUNPATH still turns DT_RPATH off.
        var runpath: [String]?
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
                rpath: list(dynamic?.rpath), runpath: dynamic?.runpath.map { list($0) })
        }
    }

    /// Where the loader would find `name` for `chain[0]`, loaded by `chain[1]`, … (the program
    /// last). Like ld.so, a file that is not an x86_64 ELF (a 32-bit library in a shared
    /// folder) is skipped.
    func locate(_ name: String, for chain: [ObjectInfo]) -> String? {
        if name.contains("/") { return FileManager.default.fileExists(atPath: name) ? name : nil }
        for dir in searchDirectories(for: chain) {
            let candidate = HostPath.absolute(dir + "/" + name)  // $ORIGIN/../lib → a clean path
            if FileManager.default.fileExists(atPath: candidate), Self.isX86_64ELF(candidate) { return candidate }
        }
        return nil
    }

    /// The folders searched, in order, for a library `chain[0]` needs (the type's comment).
    func searchDirectories(for chain: [ObjectInfo]) -> [String] {
        guard let requester = chain.first else { return libraryPath + cacheDirectories + systemDirectories }
        let rpaths = requester.runpath == nil ? chain.flatMap { $0.runpath == nil ? $0.rpath : [] } : []
        return rpaths + libraryPath + (requester.runpath ?? []) + cacheDirectories + systemDirectories
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
}
