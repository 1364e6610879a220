/// The size of the pages and frames this module manages.
///
/// Everything here works in 4 KiB units because that is the smallest page x86-64 maps; larger
/// pages (2 MiB, 1 GiB) are naturally aligned runs of 4 KiB frames, which is why the buddy
/// allocator keeps its blocks aligned to their size.
public enum Page {
    /// 4096: the bytes in one page or frame.
    public static let size = 4096
    /// log2(`size`): the shift between an address and its page or frame number.
    public static let shift = 12
}
