import ELF

/// ELF files: the kernel's program loader reads the application's executable and its
/// interpreter (`ELFFile`, `LoadPlan` at a random base as ASLR places it); the host CLI also
/// reads dynamic sections and symbols to find libraries. The seeds are small programs built by
/// `Fuzz/make-corpus.sh`.
enum ELFFuzzing {
    static let harness = FuzzHarness(
        name: "elf", summary: "ELF loader: ELFFile, LoadPlan, interpreter, dynamic section, symbols", maxLength: 65536,
        run: { data in
            do throws(ELFError) {
                let elf = try ELFFile(data)
                _ = elf.interpreter
                for section in elf.sectionHeaders { _ = elf.name(of: section) }
                _ = try? elf.dynamicSection()
                _ = try? elf.symbols()
                _ = try? elf.symbols(dynamic: true)
                for base: UInt64 in [0, 0x5555_5555_4000, 0x7FFF_F7FF_F000, 0xFFFF_FFFF_FFFF_F000] {
                    let plan = try LoadPlan(elf, base: base)
                    for segment in plan.segments where segment.fileSize > 0 {
                        _ = elf.contents(offset: segment.fileOffset, size: segment.fileSize)
                    }
                    _ = plan.span
                }
            } catch {
                _ = error.message
            }
        })
}
