import ArgumentParser
import Foundation
import SkiffHost

@main
struct Skiff: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "skiff",
        abstract: "Build and run Linux programs on the Skiff unikernel.",
        version: "0.1.0",
        subcommands: [Run.self, Dev.self]
    )
}

/// Reports a `SkiffError` as the one line it is and exits with its status.
func failing<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as SkiffError {
        FileHandle.standardError.write(Data("skiff: \(error.message)\n".utf8))
        throw ExitCode(error.exitStatus)
    }
}
