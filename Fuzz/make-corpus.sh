#!/bin/sh
# Regenerates the fuzzing seed corpus in Fuzz/corpus/NAME (small files, committed):
#   - the seeds generated in Swift (command lines, HTTP requests, images, network conversations,
#     9p server replies, an ext4 volume whose journal needs replay):
#     skiff-fuzz seeds
#   - tiny ELF programs (static, static-pie, dynamic with an interpreter, a shared object): gcc
#   - small ext4 volumes without metadata checksums (so damage reaches the parsers), cut after
#     their last non-zero block: mke2fs -d
# Run from the repository root after `swift build --product skiff-fuzz`. Inputs found by fuzzing
# that crashed a parser are kept beside the seeds as regression-* and are not touched here.
set -eu
corpus=Fuzz/corpus
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

.build/debug/skiff-fuzz seeds "$corpus"

# ELF: a _start that exits, linked four ways without padding to page boundaries.
mkdir -p "$corpus/elf"
cat > "$work/tiny.c" <<'C'
static const char message[] = "tiny\n";
int counter = 3;
void _start(void) {
    long r;
    __asm__ volatile("syscall" : "=a"(r) : "a"(1), "D"(1), "S"(message), "d"(5) : "rcx", "r11", "memory");
    __asm__ volatile("syscall" : : "a"(60), "D"(counter) : "rcx", "r11", "memory");
    for (;;) {}
}
C
flags="-Os -nostdlib -fno-asynchronous-unwind-tables -Wl,--build-id=none -Wl,-z,norelro -Wl,-z,max-page-size=4096 -Wl,-z,noseparate-code"
gcc $flags -static -fno-pie -no-pie -o "$corpus/elf/static" "$work/tiny.c"
gcc $flags -static-pie -fPIE -o "$corpus/elf/static-pie" "$work/tiny.c"
gcc $flags -fPIE -pie -Wl,--dynamic-linker=/lib/ld-musl-x86_64.so.1 -o "$corpus/elf/dynamic" "$work/tiny.c"
gcc $flags -fPIC -shared -Wl,-soname,libtiny.so.1 -o "$corpus/elf/shared" "$work/tiny.c"
# One with symbols, the others stripped.
for f in static-pie dynamic shared; do strip "$corpus/elf/$f"; done

# ext4: 1 KiB blocks, few inodes, a little of everything the reader parses.
mkdir -p "$corpus/ext4"
src="$work/tree"
mkdir -p "$src/dir/sub"
printf 'hello from ext4\n' > "$src/hello.txt"
head -c 5000 /dev/zero | tr '\0' 'x' > "$src/dir/sub/five-k.bin"
ln -s hello.txt "$src/link"
ln -s "dir/sub/a-target-long-enough-not-to-fit-inline-in-the-inode-itself-0123456789abcdefghijklmnop" "$src/long-link"
for i in 0 1 2 3 4 5 6 7 8 9 10 11; do printf "$i" > "$src/dir/file-with-a-longish-name-$i"; done
make_volume() { # name, mke2fs options...
    name=$1
    shift
    rm -f "$work/vol"
    mke2fs -q -F -t ext4 -b 1024 -N 32 -m 0 -E root_owner=0:0,lazy_itable_init=0,nodiscard \
        -O ^metadata_csum,^resize_inode,^sparse_super,uninit_bg "$@" -d "$src" "$work/vol" 128 >/dev/null
    # Keep up to the last non-zero 1 KiB block; the harness pads with zeros.
    python3 - "$work/vol" "$corpus/ext4/$name" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
end = len(data)
while end > 0 and not any(data[end - 1024:end]):
    end -= 1024
open(sys.argv[2], "wb").write(data[:end])
PY
}
make_volume extents -O ^has_journal
make_volume inline -O ^has_journal,inline_data
make_volume blockmap -O ^has_journal,^64bit,^extent,^flex_bg
ls -l "$corpus"/*
