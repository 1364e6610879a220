/// A libFuzzer harness: one parser that reads data from outside the kernel, fed arbitrary
/// bytes. A harness must never trap: every bad input has to end as a typed error (in the
/// kernel a trap is a panic). `skiff-fuzz NAME` runs one under libFuzzer (`make fuzz`);
/// `swift test` replays each harness's seed corpus in `Fuzz/corpus/NAME`.
public struct FuzzHarness: Sendable {
    /// The harness's name: the `skiff-fuzz` argument and the corpus directory.
    public var name: String
    /// What the harness feeds and to which parser.
    public var summary: String
    /// The largest input worth trying (libFuzzer's `-max_len`).
    public var maxLength: Int
    /// Runs one input.
    public var run: @Sendable (UnsafeRawBufferPointer) -> Void
    /// Seed inputs generated in Swift (`skiff-fuzz seeds DIR` writes them); harnesses whose
    /// seeds need outside tools (a C compiler, mke2fs) get them from `Fuzz/make-corpus.sh`.
    public var seeds: @Sendable () -> [(name: String, bytes: [UInt8])]

    public init(
        name: String, summary: String, maxLength: Int, run: @escaping @Sendable (UnsafeRawBufferPointer) -> Void,
        seeds: @escaping @Sendable () -> [(name: String, bytes: [UInt8])] = { [] }
    ) {
        self.name = name
        self.summary = summary
        self.maxLength = maxLength
        self.run = run
        self.seeds = seeds
    }

    /// Every harness, in the order `make fuzz` runs them.
    public static let all: [FuzzHarness] = [
        CommandLineFuzzing.harness, ELFFuzzing.harness, ImageFuzzing.harness, Ext4Fuzzing.harness,
        NinePFuzzing.harness, NetworkFuzzing.harness, HTTPFuzzing.harness,
    ]

    /// The harness called `name`.
    public static func named(_ name: String) -> FuzzHarness? { all.first { $0.name == name } }
}
