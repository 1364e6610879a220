import LinuxABI
import VFS

/// A symlink whose target a function names when asked; with a jump function, a magic link
/// (procfs `fd/N`, `exe`, `cwd`): following it leads straight to an object.
public final class SyntheticLink: SyntheticNode {
    let target: () throws(Errno) -> [UInt8]
    let jump: (() throws(Errno) -> LinkJump?)?

    public init(
        place: SyntheticPlace, permissions: UInt32, target: @escaping () throws(Errno) -> [UInt8],
        jump: (() throws(Errno) -> LinkJump?)? = nil
    ) {
        self.target = target
        self.jump = jump
        super.init(type: .symlink, place: place, permissions: permissions)
    }

    public override func readLink() throws(Errno) -> [UInt8] { try target() }

    public override func linkJump() throws(Errno) -> LinkJump? { try jump?() }
}
