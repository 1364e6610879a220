"""GDB commands for Skiff kernels (docs/observability.md).

    skiff run --gdb --gdb-wait ./program          # QEMU's stub on :1234
    gdb build/skiff-kernel.elf -ex 'target remote :1234' -x Tools/gdb/skiff.py

Commands:
    skiff threads      every thread: slot, TID, PID, name, and the CPU it runs on
    skiff cpus         each CPU's per-CPU block and current thread
    skiff bt SLOT      the kernel backtrace of a switched-out thread (by slot)
    skiff bt all       the backtraces of every switched-out thread
    skiff layout       compare the C layouts this script assumes with the kernel's DWARF

The script reads the C registry `skiff_debug_threads` (Sources/CKernel/include/debug_threads.h:
a heap array of `skiff_debug_thread_capacity` entries)
and the per-CPU blocks (`skiff_debug_percpu`, Sources/CKernel/include/percpu.h) from raw memory,
so it needs only the ELF symbol table, not Swift debug information. The offsets it reads at are
written out below; when the ELF carries DWARF for the C structs, loading the script warns if
they no longer match (the guest test "gdb: Tools/gdb/skiff.py" runs `skiff layout`).
"""

import struct

import gdb

CPU_LIMIT = 64
ENTRY_FORMAT = "<QQii24s"  # skiff_debug_thread: object, context_slot, tid, pid, name
ENTRY_SIZE = struct.calcsize(ENTRY_FORMAT)
PERCPU_CURRENT = 24      # skiff_percpu.current_thread
PERCPU_INDEX = 32        # skiff_percpu.cpu_index
PERCPU_SYSCALLS = 40     # skiff_percpu.syscalls
# What the constants above assume: struct -> (size or None, {field: (offset, size)}).
LAYOUTS = {
    "skiff_debug_thread": (ENTRY_SIZE, {
        "object": (0, 8), "context_slot": (8, 8), "tid": (16, 4), "pid": (20, 4), "name": (24, 24)}),
    "skiff_percpu": (None, {
        "current_thread": (PERCPU_CURRENT, 8), "cpu_index": (PERCPU_INDEX, 4), "syscalls": (PERCPU_SYSCALLS, 8)}),
}
SWITCH_RBP = 40          # skiff_switch_context pushes rbp, rbx, r12-r15: rbp is 5 words up
SWITCH_RIP = 48          # then the return address


def address_of(symbol):
    return int(gdb.parse_and_eval("(unsigned long)&%s" % symbol))


def read(address, size):
    return bytes(gdb.selected_inferior().read_memory(address, size))


def u64(address):
    return struct.unpack("<Q", read(address, 8))[0]


def symbolize(pc):
    text = gdb.execute("info symbol 0x%x" % pc, to_string=True).strip()
    return "?" if text.startswith("No symbol") else text


def threads():
    """(slot, object, context_slot, tid, pid, name) of every registered thread."""
    base = u64(address_of("skiff_debug_threads"))
    capacity = struct.unpack("<I", read(address_of("skiff_debug_thread_capacity"), 4))[0]
    if not base:
        return []
    raw = read(base, capacity * ENTRY_SIZE)
    result = []
    for slot in range(capacity):
        obj, context, tid, pid, name = struct.unpack_from(ENTRY_FORMAT, raw, slot * ENTRY_SIZE)
        if obj:
            result.append((slot, obj, context, tid, pid, name.split(b"\0")[0].decode("utf-8", "replace")))
    return result


def cpus():
    """(index, percpu block, current thread object, syscalls) of every CPU."""
    base = address_of("skiff_debug_percpu")
    result = []
    for i in range(CPU_LIMIT):
        block = u64(base + 8 * i)
        if block:
            result.append((i, block, u64(block + PERCPU_CURRENT), u64(block + PERCPU_SYSCALLS)))
    return result


def layout_report():
    """(struct, problems) per struct in LAYOUTS; problems is None without DWARF for it."""
    report = []
    for name, (size, fields) in sorted(LAYOUTS.items()):
        try:
            actual = gdb.lookup_type("struct " + name)
        except gdb.error:
            report.append((name, None))
            continue
        problems = []
        if size is not None and actual.sizeof != size:
            problems.append("%d bytes, the script reads %d" % (actual.sizeof, size))
        found = {f.name: (f.bitpos // 8, f.type.sizeof) for f in actual.fields()}
        for field, expected in sorted(fields.items()):
            if found.get(field) != expected:
                problems.append("%s at %s, the script reads (offset, size) %s" % (field, found.get(field), expected))
        report.append((name, problems))
    return report


class SkiffCommand(gdb.Command):
    """Skiff kernel inspection: skiff threads | skiff cpus | skiff bt SLOT."""

    def __init__(self):
        super().__init__("skiff", gdb.COMMAND_USER, prefix=True)


class ThreadsCommand(gdb.Command):
    """List Skiff's threads: slot, TID (0 for kernel threads), PID, name, where it is."""

    def __init__(self):
        super().__init__("skiff threads", gdb.COMMAND_USER)

    def invoke(self, argument, from_tty):
        running = {current: index for index, _, current, _ in cpus()}
        print("%5s %6s %6s  %-24s %s" % ("slot", "tid", "pid", "name", "state"))
        for slot, obj, context, tid, pid, name in threads():
            if obj in running:
                where = "running on cpu%d" % running[obj]
            else:
                where = "switched out, rsp 0x%x" % u64(context)
            print("%5d %6d %6d  %-24s %s" % (slot, tid, pid, name, where))


class CPUsCommand(gdb.Command):
    """List the CPUs: per-CPU block, the thread each runs, system calls entered."""

    def __init__(self):
        super().__init__("skiff cpus", gdb.COMMAND_USER)

    def invoke(self, argument, from_tty):
        names = {obj: (slot, name) for slot, obj, _, _, _, name in threads()}
        for index, block, current, syscalls in cpus():
            slot, name = names.get(current, (-1, "?"))
            print("cpu%d: percpu 0x%x, running slot %d (%s), %d system calls" % (index, block, slot, name, syscalls))


class BacktraceCommand(gdb.Command):
    """skiff bt SLOT|all: the kernel stack of a switched-out thread (or of each), from its saved context."""

    def __init__(self):
        super().__init__("skiff bt", gdb.COMMAND_USER)

    def invoke(self, argument, from_tty):
        running = {current for _, _, current, _ in cpus()}
        if argument.strip() == "all":
            for slot, obj, context, _, _, name in threads():
                if obj not in running:
                    print("slot %d (%s):" % (slot, name))
                    self.backtrace(context)
            return
        try:
            wanted = int(argument, 0)
        except ValueError:
            raise gdb.GdbError("usage: skiff bt SLOT|all (see skiff threads)")
        entry = [t for t in threads() if t[0] == wanted]
        if not entry:
            raise gdb.GdbError("no thread in slot %d" % wanted)
        _, obj, context, _, _, name = entry[0]
        if obj in running:
            raise gdb.GdbError("%s is running: use gdb's own bt on its CPU (info threads, thread N)" % name)
        self.backtrace(context)

    @staticmethod
    def backtrace(context):
        rsp = u64(context)
        rbp, rip = u64(rsp + SWITCH_RBP), u64(rsp + SWITCH_RIP)
        print("#0  0x%x %s" % (rip, symbolize(rip)))
        frame = 1
        while rbp and frame < 64:
            try:
                next_rbp, ret = u64(rbp), u64(rbp + 8)
            except gdb.MemoryError:
                break
            if not ret:
                break
            print("#%-2d 0x%x %s" % (frame, ret, symbolize(ret - 1)))
            if next_rbp <= rbp:
                break
            rbp, frame = next_rbp, frame + 1


class LayoutCommand(gdb.Command):
    """Compare the struct layouts this script reads with the kernel's DWARF."""

    def __init__(self):
        super().__init__("skiff layout", gdb.COMMAND_USER)

    def invoke(self, argument, from_tty):
        bad = False
        for name, problems in layout_report():
            if problems is None:
                print("%s: no debug information, not checked" % name)
            elif problems:
                bad = True
                print("%s: differs: %s" % (name, "; ".join(problems)))
            else:
                print("%s: matches" % name)
        if bad:
            raise gdb.GdbError("update the offsets in skiff.py to the kernel's headers")


SkiffCommand()
ThreadsCommand()
CPUsCommand()
BacktraceCommand()
LayoutCommand()
for _name, _problems in layout_report():
    if _problems:
        print("skiff.py: warning: struct %s differs from what this script reads: %s" % (_name, "; ".join(_problems)))
