import Testing

@testable import ImageFS

/// Opens `image` through the in-memory storage without copying it.
private func openError(_ image: UnsafeRawBufferPointer) -> ImageError? {
    do throws(ImageError) {
        _ = try ImageReader(storage: MemoryImageStorage(image))
        return nil
    } catch {
        return error
    }
}

@Test func truncationAtAnyPointIsRejected() throws {
    let image = try SampleTree.make().builder.build()
    let metadataEnd = Layout(image: image).metadataEnd
    var cuts = Array(0...(metadataEnd + 4096))
    cuts += stride(from: metadataEnd + 4096, to: image.count, by: 509)
    cuts += [image.count - 4097, image.count - 4096, image.count - 4095, image.count - 1]
    image.withUnsafeBytes { raw in
        for cut in cuts {
            let error = openError(UnsafeRawBufferPointer(rebasing: raw[0..<cut]))
            #expect(error?.kind == .corrupt, "cut at \(cut)")
        }
        #expect(openError(raw) == nil)
    }
    #expect(openError(Array(image[0..<200]))?.message.contains("truncated") == true)
}

@Test func truncationWithAResizedSuperblockIsRejected() throws {
    // Claiming the shorter size with valid checksums leaves file data outside the image.
    let image = try SampleTree.make().builder.build()
    let dataOffset = Layout(image: image).dataOffset
    for cut in stride(from: dataOffset, to: image.count, by: 4096) {
        var shortened = Array(image[0..<cut])
        shortened.put(UInt64(cut), at: 40)
        resign(&shortened)
        #expect(openError(shortened)?.kind == .corrupt, "cut at \(cut)")
    }
}

@Test func storageLongerThanTheImageIsFine() throws {
    // A disk is rounded up to its sector size; the image says how much of it is image.
    let image = try SampleTree.make().builder.build()
    let reader = try open(image + [UInt8](repeating: 0xAA, count: 5000))
    #expect(try reader.verifyDataChecksum())
}

@Test func singleBitFlipsInMetadataAreRejected() throws {
    var image = try SampleTree.make().builder.build()
    let metadataEnd = Layout(image: image).metadataEnd
    var random = SplitMix64(seed: 0x5EED)
    for _ in 0..<3000 {
        let offset = random.below(metadataEnd)
        let bit = UInt8(1) << UInt8(random.below(8))
        image[offset] ^= bit
        let error = openError(image)
        #expect(error?.kind == .corrupt, "bit \(bit) at \(offset)")
        image[offset] ^= bit
    }
    #expect(openError(image) == nil)
}

@Test func everyBitOfTheSuperblockIsProtected() throws {
    var image = try ImageBuilder().build()
    for offset in 0..<128 {
        for bit in 0..<8 {
            image[offset] ^= UInt8(1) << UInt8(bit)
            #expect(openError(image)?.kind == .corrupt, "bit \(bit) at \(offset)")
            image[offset] ^= UInt8(1) << UInt8(bit)
        }
    }
}

@Test func multipleBitFlipsInMetadataAreRejected() throws {
    let clean = try SampleTree.make().builder.build()
    let metadataEnd = Layout(image: clean).metadataEnd
    var random = SplitMix64(seed: 0xF11B)
    for _ in 0..<1000 {
        var image = clean
        for _ in 0..<(2 + random.below(15)) {
            image[random.below(metadataEnd)] ^= UInt8(1) << UInt8(random.below(8))
        }
        if image == clean { continue }
        #expect(openError(image)?.kind == .corrupt)
    }
}

@Test func checksumErrorsSayWhichChecksum() throws {
    var image = try SampleTree.make().builder.build()
    image[3] ^= 1
    #expect(openError(image)?.message.contains("bad magic") == true)
    image[3] ^= 1
    image[40] ^= 1
    #expect(openError(image)?.message.contains("superblock checksum mismatch") == true)
    image[40] ^= 1
    image[300] ^= 1
    #expect(openError(image)?.message.contains("metadata checksum mismatch") == true)
}

@Test func dataCorruptionIsFoundByTheDataChecksum() throws {
    let clean = try SampleTree.make().builder.build()
    let dataOffset = Layout(image: clean).dataOffset
    var random = SplitMix64(seed: 0xDA7A)
    for _ in 0..<50 {
        var image = clean
        image[dataOffset + random.below(clean.count - dataOffset)] ^= UInt8(1) << UInt8(random.below(8))
        // Opening does not read the data; verification does.
        let reader = try open(image)
        #expect(throws: ImageError.self) { try reader.verifyDataChecksum() }
    }
}

@Test func unsupportedVersionsAndFeatures() throws {
    let clean = try ImageBuilder().build()
    var image = clean
    image.put(UInt16(2), at: 8)
    resign(&image)
    #expect(openError(image)?.kind == .unsupported)

    image = clean
    image.put(UInt16(7), at: 10)  // a newer minor version is still readable
    resign(&image)
    #expect(openError(image) == nil)

    image = clean
    image.put(UInt32(1 << 5), at: 24)  // unknown incompatible feature
    resign(&image)
    #expect(openError(image)?.kind == .unsupported)

    image = clean
    image.put(UInt32(1 << 9), at: 20)  // unknown compatible feature is ignored
    resign(&image)
    #expect(openError(image) == nil)

    for shift in [0, 11, 17, 63, 65535] {
        image = clean
        image.put(UInt16(shift), at: 18)
        resign(&image)
        #expect(openError(image)?.kind == .unsupported, "page shift \(shift)")
    }
}
