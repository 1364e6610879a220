import Foundation
import Trace

/// Reads a trace dump from a file: the binary dump (`skiff run --trace-file`, the monitoring
/// API's `/trace/buffers`) or any console log holding a framed dump.
public enum TraceFile {
    public static func load(_ path: String) throws -> TraceDump {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SkiffError("cannot read \(path)", exitStatus: ExitStatus.missingInput)
        }
        return try parse([UInt8](data), source: path)
    }

    public static func parse(_ bytes: [UInt8], source: String) throws -> TraceDump {
        do throws(TraceDumpError) {
            let dump = bytes.starts(with: Array("SKTR".utf8)) ? bytes : try TraceConsoleExtractor.extract(from: bytes)
            return try TraceDump.parse(dump)
        } catch {
            throw SkiffError("\(source): \(error.message)", exitStatus: ExitStatus.badInput)
        }
    }
}
