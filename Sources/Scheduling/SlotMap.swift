/// A map from small non-negative integers to values, stored in an array.
///
/// The kernel's scheduler and timer structures key by thread-table slot. `Dictionary` would do,
/// but its growth policy computes capacities in floating point, and kernel code must not touch
/// the FPU (it holds the interrupted application's registers).
public struct SlotMap<Value> {
    private var values: [Value?] = []
    public private(set) var count = 0

    public init() {}

    public subscript(_ key: Int) -> Value? {
        get { key >= 0 && key < values.count ? values[key] : nil }
        set {
            precondition(key >= 0, "negative slot")
            if key >= values.count {
                guard newValue != nil else { return }
                values.append(contentsOf: [Value?](repeating: nil, count: key - values.count + 1))
            }
            let had = values[key] != nil
            values[key] = newValue
            count += (newValue != nil ? 1 : 0) - (had ? 1 : 0)
        }
    }

    @discardableResult
    public mutating func removeValue(forKey key: Int) -> Value? {
        let old = self[key]
        self[key] = nil
        return old
    }

    /// Visits the entries in key order.
    public func forEach(_ body: (Int, Value) -> Void) {
        for (k, v) in values.enumerated() {
            if let v { body(k, v) }
        }
    }
}

extension SlotMap: Sendable where Value: Sendable {}
