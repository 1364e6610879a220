/// Runs a typed-throwing body over an array's bytes.
///
/// `Array.withUnsafeBytes` is `rethrows`, which would turn `throws(ImageError)` into an untyped
/// throw that Embedded Swift rejects; the error is carried out as a value and rethrown typed.
func withBytes<R>(
    of array: [UInt8], _ body: (UnsafeRawBufferPointer) throws(ImageError) -> R
) throws(ImageError) -> R {
    let result: Result<R, ImageError> = array.withUnsafeBytes { buffer in
        do throws(ImageError) {
            return .success(try body(buffer))
        } catch {
            return .failure(error)
        }
    }
    return try result.get()
}
