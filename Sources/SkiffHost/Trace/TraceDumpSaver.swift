import Foundation
import Trace

/// After a traced run: the framed dump moves from the console text to a file.
public enum TraceDumpSaver {
    /// When `console` holds a framed dump, writes it to `path`, takes the frame out of
    /// `console`, and returns the dump's size. A damaged dump (a VM stopped half-way through
    /// writing it) is reported on standard error and not saved.
    public static func save(console: inout String, to path: String) throws -> Int? {
        guard console.contains("skiff-trace-begin 1") else { return nil }
        let bytes = Array(console.utf8)
        console = String(decoding: TraceConsoleExtractor.strip(bytes), as: UTF8.self)
        let dump: [UInt8]
        do throws(TraceDumpError) {
            dump = try TraceConsoleExtractor.extract(from: bytes)
        } catch {
            FileHandle.standardError.write(Data("skiff: the trace dump is damaged, not saved: \(error.message)\n".utf8))
            return nil
        }
        do { try Data(dump).write(to: URL(fileURLWithPath: path)) } catch {
            throw SkiffError("cannot write the trace dump to \(path): \(error.localizedDescription)", exitStatus: ExitStatus.cannotWrite)
        }
        return dump.count
    }
}
