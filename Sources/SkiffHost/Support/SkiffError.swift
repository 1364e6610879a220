/// A failure the CLI reports as one line that says what went wrong and what to do.
public struct SkiffError: Error, CustomStringConvertible {
    public var message: String
    /// Exit status of the `skiff` process for this failure (see `ExitStatus`).
    public var exitStatus: Int32

    public init(_ message: String, exitStatus: Int32 = ExitStatus.failure) {
        self.message = message
        self.exitStatus = exitStatus
    }

    public var description: String { message }
}

/// The exit statuses of `skiff` itself, documented in docs/cli.md.
///
/// `skiff run` exits with the guest program's status, so its own failures use the values a shell
/// or `docker run` would (124–127), which programs rarely return; the other commands use the BSD
/// `sysexits.h` values, which say which kind of thing to fix.
public enum ExitStatus {
    /// Anything not covered below.
    public static let failure: Int32 = 1
    /// A bad option or argument (EX_USAGE).
    public static let usage: Int32 = 64
    /// A manifest, project file or image that is malformed or corrupt (EX_DATAERR).
    public static let badInput: Int32 = 65
    /// A file named on the command line or in a manifest does not exist (EX_NOINPUT).
    public static let missingInput: Int32 = 66
    /// A tool Skiff needs (QEMU, qemu-img) or the kernel is missing (EX_UNAVAILABLE).
    public static let unavailable: Int32 = 69
    /// An output file or the cache cannot be written (EX_CANTCREAT).
    public static let cannotWrite: Int32 = 73
    /// The VM did not finish within `--timeout` (as timeout(1)).
    public static let timedOut: Int32 = 124
    /// QEMU failed or the kernel panicked (as `docker run`'s own failures).
    public static let vmFailed: Int32 = 125
    /// The program exists but cannot run on Skiff: not an x86_64 ELF, a library or its loader is missing.
    public static let cannotExecute: Int32 = 126
    /// The program does not exist on the host.
    public static let notFound: Int32 = 127
}
