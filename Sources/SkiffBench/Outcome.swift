/// The result a background thread leaves for the thread that waits for it.
final class Outcome<Value>: @unchecked Sendable {
    var value: Value? = nil
}
