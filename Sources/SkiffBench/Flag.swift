import Foundation

/// A flag one thread raises and others poll: that the guest has ended, so a host load still
/// waiting for the guest's server gives up at once rather than at its deadline.
final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var raised = false

    func raise() { lock.withLock { raised = true } }
    var isRaised: Bool { lock.withLock { raised } }
}
