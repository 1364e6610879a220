import ELF
import Foundation

/// Post-link steps on the kernel ELF.
public enum KernelImage {
    /// Appends `table` to the kernel file and points the empty `ksyms` PT_LOAD (the one at
    /// `__ksyms_start`, after .bss) at it, so the VMM loads the table with the kernel.
    public static func embedSymbols(kernelPath: String, outputPath: String, demangler: String?) throws {
        guard let contents = FileManager.default.contents(atPath: kernelPath) else {
            throw SkiffError("cannot read \(kernelPath)")
        }
        var data = [UInt8](contents)
        let (phdrOffset, phdr, table) = try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) throws -> (Int, ProgramHeader, [UInt8]) in
            let elf: ELFFile
            do throws(ELFError) { elf = try ELFFile(raw) } catch { throw SkiffError("\(kernelPath): \(error.message)") }
            let symbols: [Symbol]
            do throws(ELFError) { symbols = try elf.symbols() } catch { throw SkiffError("\(kernelPath): \(error.message)") }
            guard let anchor = symbols.first(where: { $0.name == Array("__ksyms_start".utf8) }) else {
                throw SkiffError("\(kernelPath) has no __ksyms_start symbol (was it linked with Toolchain/kernel.ld?)")
            }
            guard let index = elf.programHeaders.firstIndex(where: { $0.type == .load && $0.virtualAddress == anchor.value })
            else { throw SkiffError("\(kernelPath) has no PT_LOAD at __ksyms_start") }
            let table: KernelSymbolTable
            do throws(ELFError) {
                table = try KernelSymbolTable(kernel: elf) { names in Demangler.demangle(names, tool: demangler) }
            } catch { throw SkiffError("\(kernelPath): \(error.message)") }
            let phoff = Int(raw.loadUnaligned(fromByteOffset: 32, as: UInt64.self))
            return (phoff + index * 56, elf.programHeaders[index], table.encoded())
        }
        while data.count % 4096 != 0 { data.append(0) }
        var patched = phdr
        patched.offset = UInt64(data.count)
        patched.fileSize = UInt64(table.count)
        patched.memorySize = UInt64(table.count)
        data.append(contentsOf: table)
        data.withUnsafeMutableBytes { patched.store(into: $0, at: phdrOffset) }
        let tmp = outputPath + ".tmp"
        guard FileManager.default.createFile(atPath: tmp, contents: Data(data), attributes: [.posixPermissions: 0o755]) else {
            throw SkiffError("cannot write \(outputPath)")
        }
        _ = try? FileManager.default.removeItem(atPath: outputPath)
        try FileManager.default.moveItem(atPath: tmp, toPath: outputPath)
    }
}

/// Demangles Swift symbol names with the toolchain's `swift-demangle --simplified`.
public enum Demangler {
    public static func demangle(_ names: [String], tool: String?) -> [String] {
        guard let path = tool ?? Subprocess.find("swift-demangle") else { return names }
        let input = names.joined(separator: "\n") + "\n"
        let inputFile = NSTemporaryDirectory() + "skiff-demangle-\(getpid()).txt"
        guard FileManager.default.createFile(atPath: inputFile, contents: Data(input.utf8)) else { return names }
        defer { try? FileManager.default.removeItem(atPath: inputFile) }
        var p = Subprocess(path, ["--simplified"])
        p.input = FileHandle(forReadingAtPath: inputFile)
        guard let result = try? p.run(), result.status == 0 else { return names }
        let lines = result.outputText.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.count >= names.count else { return names }
        return Array(lines[..<names.count])
    }
}
