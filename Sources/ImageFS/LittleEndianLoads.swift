/// Little-endian field loads at arbitrary offsets.
///
/// `loadUnaligned` because on-disk records carry no alignment promise a reader may rely on before
/// validating them; the byte-order conversion keeps the format readable on big-endian hosts.
/// Callers check bounds first.
extension UnsafeRawBufferPointer {
    func loadLittleEndian<T: FixedWidthInteger>(at offset: Int, as type: T.Type) -> T {
        T(littleEndian: loadUnaligned(fromByteOffset: offset, as: T.self))
    }
}
