/// Decides which CPU should give a thread to which, from the CPUs' loads.
///
/// Load is the number of runnable fair threads (plus the running one). A move happens only
/// when it makes the imbalance strictly smaller — from the busiest to the idlest CPU when they
/// differ by at least two — so threads do not bounce between CPUs with equal work.
public enum LoadBalancer {
    public struct Move: Equatable, Sendable {
        public var from: Int
        public var to: Int
    }

    /// `loads[i]` is CPU i's load; CPUs with `allowed[i] == false` (offline) are ignored.
    public static func plan(loads: [Int], allowed: [Bool]? = nil) -> Move? {
        var busiest: Int? = nil
        var idlest: Int? = nil
        for (cpu, load) in loads.enumerated() where allowed?[cpu] ?? true {
            if busiest == nil || load > loads[busiest!] { busiest = cpu }
            if idlest == nil || load < loads[idlest!] { idlest = cpu }
        }
        guard let from = busiest, let to = idlest, loads[from] - loads[to] >= 2 else { return nil }
        return Move(from: from, to: to)
    }

    /// The CPU a newly runnable thread should go to: its previous CPU unless another allowed
    /// CPU is idle (load 0) while the previous one is busy.
    public static func placement(previous: Int, loads: [Int], affinity: (Int) -> Bool) -> Int {
        if previous < loads.count && affinity(previous) && loads[previous] == 0 { return previous }
        var best: Int? = nil
        for (cpu, load) in loads.enumerated() where affinity(cpu) {
            if best == nil || load < loads[best!] { best = cpu }
        }
        guard let b = best else { return previous }
        if previous < loads.count && affinity(previous) && loads[previous] <= loads[b] { return previous }
        return b
    }
}
