import ArgumentParser
import Foundation
import SkiffHost

@main
struct Skiff: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "skiff",
        abstract: "Build and run Linux programs on the Skiff unikernel.",
        discussion: "Commands, file formats and exit statuses are described in docs/cli.md.",
        version: "0.1.0",
        subcommands: [Run.self, Build.self, Images.self, Convert.self, Dev.self]
    )

    static func main() {
        // `--gdb` takes an optional port, which ArgumentParser cannot express.
        let gdb = OptionalValues.Rule(
            subcommand: "run", option: "--gdb", defaultValue: "1234", accepts: { Int($0) != nil },
            valued: Run.valuedOptions)
        main(OptionalValues.rewrite(Array(CommandLine.arguments.dropFirst()), rules: [gdb]))
    }
}

/// Reports a failure as the one line it is and exits with its status; with `json`, the error
/// also goes to standard output as `{"error": …, "exitStatus": …}`.
func failing<T>(json: Bool = false, _ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as SkiffError {
        report(error, json: json)
        throw ExitCode(error.exitStatus)
    } catch let error as ExitCode {
        throw error
    } catch {
        let wrapped = SkiffError("\(error.localizedDescription)")
        report(wrapped, json: json)
        throw ExitCode(wrapped.exitStatus)
    }
}

private func report(_ error: SkiffError, json: Bool) {
    FileHandle.standardError.write(Data("skiff: \(error.message)\n".utf8))
    if json { printJSON(["error": error.message, "exitStatus": Int(error.exitStatus)]) }
}

/// Prints one JSON object on standard output (keys sorted, so output is stable).
func printJSON(_ object: Any) {
    guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    else { return }
    FileHandle.standardOutput.write(data + Data("\n".utf8))
}

/// `NAME=VALUE` list elements, checked.
func environmentPairs(_ values: [String], option: String = "--env") throws -> [String] {
    for v in values where !(v.firstIndex(of: "=").map { $0 > v.startIndex } ?? false) {
        throw SkiffError("invalid \(option) '\(v)': use NAME=VALUE", exitStatus: ExitStatus.usage)
    }
    return values
}

extension VirtualMachine.Machine: ExpressibleByArgument {}
extension Accelerator: ExpressibleByArgument {}
extension ImageConverter.Format: ExpressibleByArgument {}
