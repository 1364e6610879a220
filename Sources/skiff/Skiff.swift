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
        subcommands: [Run.self, Build.self, Images.self, Convert.self, TraceCommand.self, Dev.self]
    )

    static func main() {
        // `--gdb` takes an optional port, which ArgumentParser cannot express.
        let gdb = OptionalValues.Rule(
            subcommand: "run", option: "--gdb", defaultValue: "1234", accepts: { Int($0) != nil },
            valued: Run.valuedOptions)
        let arguments = OptionalValues.rewrite(Array(CommandLine.arguments.dropFirst()), rules: [gdb])
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch {
            let code = exitCode(for: error)
            // Help, --version and statuses chosen by the commands go out as ArgumentParser has them.
            if error is CleanExit || error is ExitCode || code == .success { exit(withError: error) }
            // A usage error is one line too, pointing at the help of the command it concerns.
            var message = message(for: error).replacingOccurrences(of: "\n", with: " ")
            while message.hasSuffix(".") || message.hasSuffix(" ") { message.removeLast() }
            // The (sub)command the error concerns: `skiff images inspect`, say.
            var help = ["skiff"]
            var level: [ParsableCommand.Type] = configuration.subcommands
            for word in arguments {
                guard let sub = level.first(where: { $0._commandName == word }) else { break }
                help.append(word)
                level = sub.configuration.subcommands
            }
            FileHandle.standardError.write(
                Data("skiff: \(lowercasedFirst(message)): see \((help + ["--help"]).joined(separator: " "))\n".utf8))
            Foundation.exit(code.rawValue)
        }
    }
}

func lowercasedFirst(_ s: String) -> String {
    guard let first = s.first, s.dropFirst().first?.isLowercase ?? true else { return s }
    return first.lowercased() + s.dropFirst()
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
    guard
        let data = try? JSONSerialization.data(
            withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
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
