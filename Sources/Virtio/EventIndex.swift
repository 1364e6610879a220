/// Notification suppression with `VIRTIO_F_EVENT_IDX` (virtio 1.x §2.7.7, §2.7.10).
///
/// Each side publishes the index at which it wants to hear from the other: the driver writes
/// `used_event` (interrupt me once the used index passes it), the device writes `avail_event`
/// (notify me once the available index passes it). After moving its index from `old` to `new`,
/// a side signals the other only if `event` lies in `[old, new)` — counted with 16-bit
/// wrap-around, so the test works across the 65535 → 0 boundary.
public enum EventIndex {
    @inline(__always)
    public static func needsEvent(event: UInt16, new: UInt16, old: UInt16) -> Bool {
        (new &- event &- 1) < (new &- old)
    }
}
