/// The client states of RFC 2131 §4.4 (INIT is `selecting` with no DISCOVER answered yet).
public enum DHCPState: Equatable, Sendable {
    case selecting
    case requesting
    case bound
    case renewing
    case rebinding
}
