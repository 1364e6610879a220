import Foundation

/// Progress of long steps on standard error: a redrawn bar on a terminal, a plain line per step
/// otherwise (so logs stay readable), nothing when quiet.
public final class ProgressReporter: @unchecked Sendable {
    public enum Style { case bar, lines, silent }

    public let style: Style
    private let output: FileHandle
    private var label = ""
    private var lastDrawn = Date.distantPast
    private var barShown = false
    private let lock = NSLock()

    public init(style: Style, output: FileHandle = .standardError) {
        self.style = style
        self.output = output
    }

    /// A bar when standard error is a terminal, lines otherwise; silent when `quiet`.
    public static func automatic(quiet: Bool) -> ProgressReporter {
        ProgressReporter(style: quiet ? .silent : (isatty(STDERR_FILENO) == 1 ? .bar : .lines))
    }

    /// Starts a step, such as "building image".
    public func begin(_ text: String) {
        lock.lock()
        defer { lock.unlock() }
        label = text
        switch style {
        case .bar:
            draw(done: 0, total: 0)
        case .lines:
            write("skiff: \(text)\n")
        case .silent:
            break
        }
    }

    /// Reports `done` of `total` for the current step (redrawn at most 20 times a second).
    public func update(_ done: Int, of total: Int) {
        guard style == .bar else { return }
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        guard done == total || now.timeIntervalSince(lastDrawn) > 0.05 else { return }
        lastDrawn = now
        draw(done: done, total: total)
    }

    /// Ends the step with a summary line (or clears the bar when `text` is nil).
    public func end(_ text: String? = nil) {
        lock.lock()
        defer { lock.unlock() }
        switch style {
        case .bar:
            if barShown { write("\r\u{1B}[K") }
            barShown = false
            if let text { write("skiff: \(text)\n") }
        case .lines:
            if let text { write("skiff: \(text)\n") }
        case .silent:
            break
        }
    }

    /// A line that is not part of a step (a note or a warning).
    public func note(_ text: String) {
        guard style != .silent else { return }
        lock.lock()
        defer { lock.unlock() }
        if barShown { write("\r\u{1B}[K") }
        write("skiff: \(text)\n")
        if barShown { barShown = false }
    }

    private func draw(done: Int, total: Int) {
        let width = 30
        var line = "\r\u{1B}[Kskiff: \(label) "
        if total > 0 {
            let filled = min(width, done * width / total)
            line += "[" + String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled) + "]"
            line += " \(done)/\(total)"
        } else {
            line += "…"
        }
        write(line)
        barShown = true
    }

    private func write(_ text: String) {
        output.writeAll(Data(text.utf8))
    }

    /// Whether a bar is being drawn (for callers that must not interleave output).
    public var isTerminal: Bool { style == .bar }
}
