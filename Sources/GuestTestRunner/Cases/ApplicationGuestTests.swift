/// Unmodified programs from Debian packages.

let words = "pear\napple\nfig\nbanana\ncherry\n"

/// busybox-static with its applets linked in /bin, as `busybox --install` would.
let busyboxImage = ImageRecipe(
    name: "busybox",
    hostPrograms: [("/bin/busybox", "/bin/busybox")],
    symlinks: [
        "sh", "echo", "ls", "cat", "sort", "sha256sum", "gzip", "gunzip", "wc", "cmp", "rm", "mkdir", "cp", "head", "tr",
        "ps", "free", "df", "uptime", "top", "mount",
    ]
        .map { ("/bin/" + $0, "busybox") },
    files: [("/data/words.txt", words)])

/// Debian's python3; its standard library comes with it (skiff's interpreter-data table).
let pythonImage = ImageRecipe(name: "python3", hostPrograms: [("/usr/bin/python3", "/usr/bin/python3")])

let applicationGuestTests: [GuestTest] = [
    GuestTest(
        "busybox echo and ls", "--quiet /bin/busybox sh -c 'echo hello from busybox; ls /data'", status: 0,
        expect: [.contains("hello from busybox\nwords.txt\n")], recipe: busyboxImage),
    GuestTest(
        "busybox cat, sort, wc", "--quiet /bin/sh -c 'cat /data/words.txt | sort; wc /data/words.txt'", status: 0,
        expect: [.contains("apple\nbanana\ncherry\nfig\npear\n"), .matches(#"^\s*5\s+5\s+29 /data/words.txt$"#)],
        recipe: busyboxImage),
    GuestTest(
        "busybox sha256sum matches the host's", "--quiet /bin/sha256sum /data/words.txt", status: 0,
        expect: [.contains("f0626f01acd9520f268534c43d43ae89e7dfb076c6c9288af99127d74a5b3594  /data/words.txt")],
        recipe: busyboxImage),
    GuestTest(
        "busybox gzip/gunzip round trip",
        "--quiet /bin/sh -c 'cp /data/words.txt /tmp/w && gzip /tmp/w && ls /tmp && gunzip /tmp/w.gz && cmp /tmp/w /data/words.txt && echo round trip ok'",
        status: 0, expect: [.contains("w.gz\n"), .contains("round trip ok")], recipe: busyboxImage),
    GuestTest(
        "a shell script of builtins only",
        "--quiet /bin/sh -c 'total=0; for n in 1 2 3 4 5; do total=$((total + n)); done; [ $total -eq 15 ] && echo sum is $total; case hello in h*) echo matched;; esac; exit 3'",
        status: 3, expect: [.contains("sum is 15\nmatched\n")], recipe: busyboxImage),
    GuestTest(
        "python3 -c 'print(sum(range(10)))' (glibc, dynamic)", "--quiet /usr/bin/python3 -c print(sum(range(10)))",
        status: 0, expect: [.matches("^45$")], memoryMiB: 256, timeout: 180, recipe: pythonImage),
]
