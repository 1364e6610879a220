import Foundation
import Trace

/// Sampler events as folded stacks (`root;caller;callee count`), the input of Brendan Gregg's
/// flamegraph.pl, speedscope and inferno. The root of each stack is the thread's name; kernel
/// frames are symbolized from the dump; user-mode samples end in `[user]`.
public enum FoldedStacks {
    public static func fold(_ dump: TraceDump) -> String {
        var counts: [String: Int] = [:]
        let sampler = Tracepoint.samplerTick.id
        for r in dump.records where r.tracepoint == sampler {
            var frames: [String] = []
            if r.arguments[1] != 0 {
                frames.append("[user]")
            } else {
                frames.append(dump.symbol(for: r.arguments[0]) ?? TraceFormatter.hex(r.arguments[0]))
                for a in r.backtrace { frames.append(dump.symbol(for: a) ?? TraceFormatter.hex(a)) }
            }
            let root = dump.threadName(r.thread) ?? TraceFormatter.thread(r.thread)
            let stack = ([root] + frames.reversed()).map { $0.replacingOccurrences(of: ";", with: ",").replacingOccurrences(of: " ", with: "_") }
            counts[stack.joined(separator: ";"), default: 0] += 1
        }
        return counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)\n" }.joined()
    }
}
