import Foundation
import Testing

import ImageFS
import Net

@testable import Fuzzing

/// Every harness replays its seed corpus (`Fuzz/corpus/NAME`, which also keeps the inputs of
/// crashes found and fixed, named `regression-*`) without trapping, so `swift test` guards
/// the parsers against every input fuzzing ever found, without libFuzzer.
@Suite struct CorpusReplayTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz/corpus")

    static func inputs(_ name: String) throws -> [URL] {
        let directory = corpus.appendingPathComponent(name)
        return try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    @Test(arguments: FuzzHarness.all.map(\.name))
    func corpusReplays(_ name: String) throws {
        let harness = try #require(FuzzHarness.named(name))
        let files = try Self.inputs(name)
        #expect(files.count >= 3, "Fuzz/corpus/\(name) has \(files.count) seeds")
        for file in files {
            let bytes = [UInt8](try Data(contentsOf: file))
            #expect(bytes.count <= harness.maxLength, "\(file.lastPathComponent) is longer than -max_len")
            bytes.withUnsafeBytes { harness.run($0) }
        }
    }

    /// The generated seeds in the repository are what the generators make today.
    @Test(arguments: FuzzHarness.all.filter { !$0.seeds().isEmpty }.map(\.name))
    func generatedSeedsAreCurrent(_ name: String) throws {
        let harness = try #require(FuzzHarness.named(name))
        for seed in harness.seeds() {
            let file = Self.corpus.appendingPathComponent(name).appendingPathComponent(seed.name)
            let stored = try? Data(contentsOf: file)
            #expect(stored.map { [UInt8]($0) } == seed.bytes, "\(name)/\(seed.name) is stale: run Fuzz/make-corpus.sh")
        }
    }

    /// The network seeds reach deep: the recorded TCP conversation is accepted and echoed.
    @Test func networkSeedsReachTheApplication() throws {
        let seed = try #require(NetworkFuzzing.seeds().first { $0.name == "tcp-v4" })
        #expect(seed.bytes.count > 3000)
        let victim = NetworkFuzzing.Victim(dhcp: false)
        var offset = 1
        var echoed = 0
        while offset + 2 <= seed.bytes.count {
            let length = Int(seed.bytes[offset]) << 8 | Int(seed.bytes[offset + 1])
            let frame = Array(seed.bytes[(offset + 2)..<(offset + 2 + length)])
            offset += 2 + length
            if frame.isEmpty { victim.pass(NetworkFuzzing.pause) } else { victim.receive(frame) }
        }
        for frame in victim.sent where frame.count > 1000 { echoed += 1 }
        #expect(victim.stack.tcpStatistics.passiveOpens >= 1)
        #expect(echoed > 0, "the victim echoed the request's data")
    }

    /// The DHCP seed gets the victim a lease.
    @Test func dhcpSeedLeasesAnAddress() throws {
        let seed = try #require(NetworkFuzzing.seeds().first { $0.name == "dhcp" })
        let victim = NetworkFuzzing.Victim(dhcp: true)
        var offset = 1
        while offset + 2 <= seed.bytes.count {
            let length = Int(seed.bytes[offset]) << 8 | Int(seed.bytes[offset + 1])
            var frame = Array(seed.bytes[(offset + 2)..<(offset + 2 + length)])
            offset += 2 + length
            if frame.isEmpty {
                victim.pass(NetworkFuzzing.pause)
            } else {
                repairChecksums(&frame)
                victim.receive(frame)
            }
        }
        #expect(victim.stack.dhcpLease(of: victim.interface) != nil)
        #expect(victim.stack.ipv4Addresses(of: victim.interface).count == 1)
    }
}

/// The ext4 and ELF seeds are what their parsers accept, so mutations start from valid input.
@Suite struct SeedValidityTests {
    @Test func ext4SeedsMount() throws {
        for file in try CorpusReplayTests.inputs("ext4") where !file.lastPathComponent.hasPrefix("regression") {
            let bytes = [UInt8](try Data(contentsOf: file))
            let fs = bytes.withUnsafeBytes { Ext4Fuzzing.mount($0, readOnly: true) }
            #expect(fs != nil, "\(file.lastPathComponent) mounts")
            if let fs {
                #expect((try? fs.lookup(Array("hello.txt".utf8), in: 2)) != nil, "\(file.lastPathComponent) has hello.txt")
            }
        }
    }

    /// The journal seed is a crash after three commits: its home blocks lack what the log holds,
    /// and mounting replays all three (a revoke among them).
    @Test func ext4JournalSeedReachesReplay() throws {
        let seed = Ext4JournalSeed.make()
        let superblock = 1024
        #expect(seed[superblock + 0x60] & 0x4 != 0, "needs_recovery")
        let blockSize = Ext4JournalSeed.blockSize
        let log = (Ext4JournalSeed.journalStart * blockSize)..<(Ext4JournalSeed.usedBlocks + 1) * blockSize
        let name = Ext4JournalSeed.journaledName
        let places = (0...(seed.count - name.count)).filter { seed[$0..<($0 + name.count)].elementsEqual(name) }
        #expect(!places.isEmpty && places.allSatisfy { log.contains($0) }, "journaled.txt is named only in the log: \(places)")

        let fs = try #require(seed.withUnsafeBytes { Ext4Fuzzing.mount($0, readOnly: true) })
        #expect(fs.recoveredTransactions == 3)
        let file = try fs.lookup(name, in: 2)
        var buffer = [UInt8](repeating: 0, count: 200)
        let count = try buffer.withUnsafeMutableBytes { try fs.read(file, at: 0, into: $0) }
        #expect(Array(buffer[..<count]) == Ext4JournalSeed.journaledText)
        #expect((try? fs.lookup(Array("gone".utf8), in: 2)) == nil, "the directory transaction 3 removed stays removed")
        #expect((try? fs.lookup(Array("hello.txt".utf8), in: 2)) != nil)
    }

    @Test func imageSeedsOpen() throws {
        for seed in ImageFuzzing.harness.seeds() {
            let opened = seed.bytes.withUnsafeBytes { (try? ImageReader(storage: MemoryImageStorage($0))) != nil }
            #expect(opened, "\(seed.name) opens")
        }
    }
}
