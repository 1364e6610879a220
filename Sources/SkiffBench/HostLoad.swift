import Foundation

/// Load the host puts on a server the guest program runs, over the run's network
/// (`BenchNetwork`). It measures on the host's clock, the same for both systems, and gives the
/// workload's metrics that the guest program does not print.
protocol HostLoad: Sendable {
    /// The port the guest's server listens on.
    var guestPort: Int { get }

    /// Waits for the server (until `deadline`, or until the guest has ended), loads it, then
    /// tells it to end; the measured values by metric name.
    func run(_ endpoint: GuestEndpoint, deadline: Date, guestEnded: Flag) -> Result<[String: Double], SkiffBenchError>
}
