#if SKIFF_KERNEL
import CKernel
import ELF
import LinuxABI
import Memory
import VFS

/// Loads a Linux program into an address space the way `execve` does: the executable's
/// segments, its interpreter (`PT_INTERP`, e.g. `ld-linux-x86-64.so.2`) when it has one, a
/// stack with argv, envp and the auxiliary vector, and the heap start for `brk`.
enum ProgramLoader {
    struct Loaded {
        var entry: UInt64
        var stackPointer: UInt64
        /// The program file (the interpreter of a #! script), for /proc/PID/exe.
        var executable: OpenFile
        /// The auxiliary vector on the new stack, for /proc/PID/auxv.
        var auxiliaryVector: [UInt64]
    }

    enum Failure: Error {
        case notFound([UInt8])
        case notExecutable([UInt8], String)
        case outOfMemory

        var errno: Errno {
            switch self {
            case .notFound: .ENOENT
            case .notExecutable: .ENOEXEC
            case .outOfMemory: .ENOMEM
            }
        }

        var message: String {
            switch self {
            case .notFound(let p): String(decoding: p, as: UTF8.self) + ": no such file in the image"
            case .notExecutable(let p, let why): String(decoding: p, as: UTF8.self) + ": cannot execute: " + why
            case .outOfMemory: "out of memory while loading the program"
            }
        }
    }

    /// A program file's bytes: in place for files of the image (zero copy), or read into a
    /// buffer this object owns; and the file they came from.
    final class ProgramBytes {
        let bytes: UnsafeRawBufferPointer
        let file: OpenFile
        private let owned: UnsafeMutableRawBufferPointer?

        init(mapped: UnsafeRawBufferPointer, file: OpenFile) {
            bytes = mapped
            self.file = file
            owned = nil
        }

        init(owned: UnsafeMutableRawBufferPointer, count: Int, file: OpenFile) {
            self.owned = owned
            self.file = file
            bytes = UnsafeRawBufferPointer(rebasing: owned[0..<count])
        }

        deinit { owned?.deallocate() }
    }

    static func contents(_ path: [UInt8], context: FileContext) throws(Failure) -> ProgramBytes {
        let vfs = FileSystems.vfs!
        let file: OpenFile
        do throws(Errno) { file = try vfs.open(path, in: context, flags: FileConstants.O_RDONLY) } catch {
            if error == .ENOENT || error == .ENOTDIR { throw .notFound(path) }
            throw .notExecutable(path, String(error.name))
        }
        guard file.node.type == .regular else { throw .notExecutable(path, "it is not a regular file") }
        if let mapped = file.node.mappedContents() { return ProgramBytes(mapped: mapped, file: file) }
        let size: Int
        do throws(Errno) { size = Int(try file.attributes().size) } catch { throw .notExecutable(path, String(error.name)) }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(size, 1), alignment: 16)
        var done = 0
        while done < size {
            let n: Int
            do throws(Errno) {
                n = try file.read(at: Int64(done), into: UnsafeMutableRawBufferPointer(rebasing: buffer[done..<size]))
            } catch {
                buffer.deallocate()
                throw .notExecutable(path, String(error.name))
            }
            if n == 0 { break }
            done += n
        }
        return ProgramBytes(owned: buffer, count: done, file: file)
    }

    static func load(
        path: [UInt8], arguments: [[UInt8]], environment: [[UInt8]], into space: AddressSpace,
        context: FileContext, depth: Int = 0
    ) throws(Failure) -> Loaded {
        let program = try contents(path, context: context)
        let b = program.bytes
        if b.count >= 2 && b[0] == UInt8(ascii: "#") && b[1] == UInt8(ascii: "!") {
            // A script: run its interpreter with the script's path (Linux's binfmt_script).
            guard depth < 4 else { throw .notExecutable(path, "too many levels of #! interpreters") }
            var line: [UInt8] = []
            var i = 2
            while i < b.count && i < 256 && b[i] != 0x0A {
                line.append(b[i])
                i += 1
            }
            let words = line.split(whereSeparator: { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D })
            guard let interpreter = words.first else { throw .notExecutable(path, "its #! line names no interpreter") }
            var argv: [[UInt8]] = [Array(interpreter)]
            if words.count > 1 {
                // Everything after the interpreter is one argument, as Linux passes it.
                let rest = line.drop(while: { $0 == 0x20 || $0 == 0x09 }).dropFirst(interpreter.count)
                    .drop(while: { $0 == 0x20 || $0 == 0x09 })
                var trimmed = Array(rest)
                while let last = trimmed.last, last == 0x20 || last == 0x09 || last == 0x0D { trimmed.removeLast() }
                argv.append(trimmed)
            }
            argv.append(path)
            argv += arguments.dropFirst()
            return try load(
                path: Array(interpreter), arguments: argv, environment: environment, into: space, context: context,
                depth: depth + 1)
        }
        return try load(
            path: path, program: program, arguments: arguments, environment: environment, into: space,
            context: context)
    }

    static func load(
        path: [UInt8], program: ProgramBytes, arguments: [[UInt8]], environment: [[UInt8]],
        into space: AddressSpace, context: FileContext
    ) throws(Failure) -> Loaded {
        let elf: ELFFile
        do throws(ELFError) { elf = try ELFFile(program.bytes) } catch {
            throw .notExecutable(path, error.message)
        }
        let plan: LoadPlan
        do throws(ELFError) { plan = try LoadPlan(elf, base: space.layout.executableBase) } catch {
            throw .notExecutable(path, error.message)
        }
        let kernelEnd = UInt64(skiff_ksyms_start()) + UInt64(max(KernelSymbols.byteSize, 16))
        if plan.lowest < kernelEnd || plan.highest > space.layout.mmapTop {
            throw .notExecutable(path, "it is linked at \(hex(plan.lowest)), where Skiff's kernel or stack lives (link at 0x400000 or build a PIE)")
        }
        try mapSegments(plan, from: elf, into: space, path: path)
        space.nameSegments(plan.segments, file: program.file, context: context)
        // The heap starts a random number of pages after the program (none with --no-aslr).
        let heapStart = space.layout.heapGap == 0 ? plan.highest : ((plan.highest + 4095) & ~4095) + space.layout.heapGap
        space.heapStart = heapStart
        space.heapEnd = heapStart

        var entry = plan.entry
        var interpreterBase: UInt64 = 0
        if let interpreterPath = elf.interpreter {
            let interpreterProgram: ProgramBytes
            do throws(Failure) { interpreterProgram = try contents(interpreterPath, context: context) } catch {
                throw .notExecutable(path, "its interpreter " + String(decoding: interpreterPath, as: UTF8.self) + " is not in the image")
            }
            let ibytes = interpreterProgram.bytes
            let interpreter: ELFFile
            let probe: LoadPlan
            do throws(ELFError) {
                interpreter = try ELFFile(ibytes)
                probe = try LoadPlan(interpreter, base: 0)
            } catch {
                throw .notExecutable(interpreterPath, error.message)
            }
            guard let base = space.lock.withLock({ space.map.findFreeRange(size: probe.span, below: space.layout.mmapTop) })
            else { throw .outOfMemory }
            let iplan: LoadPlan
            do throws(ELFError) { iplan = try LoadPlan(interpreter, base: base) } catch {
                throw .notExecutable(interpreterPath, error.message)
            }
            try mapSegments(iplan, from: interpreter, into: space, path: interpreterPath)
            space.nameSegments(iplan.segments, file: interpreterProgram.file, context: context)
            entry = iplan.entry
            interpreterBase = iplan.bias
        }

        // The stack: reserved whole, populated on demand.
        let stackBottom = space.layout.stackTop - AddressSpace.stackSize
        if case .failure = space.mapAnonymous(
            at: stackBottom, size: AddressSpace.stackSize, protection: [.read, .write], kind: .stack, flags: [.growsDown],
            fixed: true)
        {
            throw .outOfMemory
        }
        var random = [UInt8](repeating: 0, count: 16)
        random.withUnsafeMutableBytes { Entropy.fill($0) }
        var auxiliary: [(UInt64, UInt64)] = [
            (AuxiliaryVector.pageSize, 4096),
            (AuxiliaryVector.programHeaderSize, 56),
            (AuxiliaryVector.programHeaderCount, UInt64(plan.programHeaderCount)),
            (AuxiliaryVector.interpreterBase, interpreterBase),
            (AuxiliaryVector.flags, 0),
            (AuxiliaryVector.entry, plan.entry),
            (AuxiliaryVector.uid, 0), (AuxiliaryVector.euid, 0), (AuxiliaryVector.gid, 0), (AuxiliaryVector.egid, 0),
            (AuxiliaryVector.hardwareCapabilities, UInt64(CPUFeatures.leaf1EDX)),
            (AuxiliaryVector.hardwareCapabilities2, 0),
            (AuxiliaryVector.clockTicks, 100),
            (AuxiliaryVector.secure, 0),
            (AuxiliaryVector.minimumSignalStackSize, 2048),
        ]
        if let phdr = plan.programHeaderAddress {
            auxiliary.insert((AuxiliaryVector.programHeaders, phdr), at: 0)
        }
        // The clock page, then the vDSO's ELF image, which libc finds here.
        if let vdso = VDSO.map(into: space) {
            auxiliary.append((AuxiliaryVector.vdso, vdso + 4096))
        }
        let stack = InitialStack(
            top: space.layout.stackTop, arguments: arguments, environment: environment, auxiliary: auxiliary,
            random: random, executableName: path)
        let failed = stack.bytes.withUnsafeBytes { space.populate(at: stack.bottom, bytes: $0) }
        if failed != nil { throw .outOfMemory }
        return Loaded(
            entry: entry, stackPointer: stack.stackPointer, executable: program.file,
            auxiliaryVector: stack.auxiliaryWords)
    }

    /// Maps each PT_LOAD and copies its file bytes in; the rest of each segment (.bss) is zero.
    private static func mapSegments(_ plan: LoadPlan, from elf: ELFFile, into space: AddressSpace, path: [UInt8]) throws(Failure) {
        for segment in plan.segments {
            var protection: MemoryProtection = []
            if segment.flags.contains(.read) { protection.insert(.read) }
            if segment.flags.contains(.write) { protection.insert(.write) }
            if segment.flags.contains(.execute) { protection.insert(.execute) }
            if case .failure(let e) = space.mapAnonymous(
                at: segment.start, size: segment.end - segment.start, protection: protection, fixed: true)
            {
                throw e == .ENOMEM ? .outOfMemory : .notExecutable(path, "its segments cannot be mapped")
            }
            guard segment.fileSize > 0 else { continue }
            guard let data = elf.contents(offset: segment.fileOffset, size: segment.fileSize) else {
                throw .notExecutable(path, "a segment lies outside the file")
            }
            if space.populate(at: segment.dataStart, bytes: data) != nil { throw .outOfMemory }
        }
    }

    static func hex(_ v: UInt64) -> String {
        var digits: [UInt8] = []
        var x = v
        repeat {
            let n = UInt8(x & 0xF)
            digits.append(n < 10 ? n + 48 : n + 87)
            x >>= 4
        } while x != 0
        return "0x" + String(decoding: digits.reversed(), as: UTF8.self)
    }
}
#endif
