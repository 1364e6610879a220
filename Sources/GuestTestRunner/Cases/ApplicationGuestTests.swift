import Foundation
import SkiffHost

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

/// A Python script over the standard library an application leans on: json, sqlite3 (a C
/// extension and libsqlite3), threading, sockets (a socketpair and TCP over loopback), hashlib.
let pythonScript = """
    import json, sqlite3, threading, socket, hashlib
    db = sqlite3.connect(":memory:")
    db.execute("create table t(k text, v integer)")
    db.executemany("insert into t values(?, ?)", [("a", 1), ("b", 2), ("c", 39)])
    total = db.execute("select sum(v) from t").fetchone()[0]
    results = []
    lock = threading.Lock()
    def work(n):
        value = sum(i * i for i in range(n))
        with lock:
            results.append(value)
    threads = [threading.Thread(target=work, args=(n,)) for n in (10, 100, 1000)]
    for t in threads: t.start()
    for t in threads: t.join()
    a, b = socket.socketpair()
    a.sendall(b"ping over a socketpair")
    echo = b.recv(100).decode()
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    client = socket.create_connection(server.getsockname())
    peer, _ = server.accept()
    client.sendall(b"over loopback TCP")
    received = peer.recv(100).decode()
    doc = json.dumps({"total": total, "squares": sorted(results), "echo": echo, "tcp": received,
                      "sha": hashlib.sha256(b"skiff").hexdigest()[:12]}, sort_keys=True)
    assert json.loads(doc)["total"] == 42
    print(doc)

    """

let pythonScriptImage = ImageRecipe(
    name: "python3-script", hostPrograms: [("/usr/bin/python3", "/usr/bin/python3")], files: [("/app/script.py", pythonScript)])

/// Debian's lua5.4 with a script over strings, tables, closures, coroutines, math and files.
let luaScript = """
    local squares = {}
    for i = 1, 10 do squares[#squares + 1] = i * i end
    print("squares " .. table.concat(squares, ","))
    local words = {}
    for w in string.gmatch("the quick brown fox", "%a+") do words[#words + 1] = w:upper() end
    table.sort(words)
    print("sorted " .. table.concat(words, " "))
    local co = coroutine.wrap(function() for i = 1, 3 do coroutine.yield(i * 10) end end)
    print("coroutine " .. co() .. " " .. co() .. " " .. co())
    local f = assert(io.open("/tmp/lua.txt", "w"))
    f:write(string.format("pi %.4f", math.pi))
    f:close()
    print("file " .. assert(io.open("/tmp/lua.txt")):read("a"))
    print("clock " .. tostring(os.time() > 1700000000 and os.clock() >= 0))
    os.exit(7)

    """

let luaImage = ImageRecipe(
    name: "lua", hostPrograms: [("/usr/bin/lua5.4", "/usr/bin/lua5.4")], files: [("/app/script.lua", luaScript)])

/// A single-file Java program (compiled by the JVM at launch: `java Hello.java`) with a thread
/// pool, collections and an exit status.
let javaSource = """
    import java.util.*;
    import java.util.concurrent.*;
    public class Hello {
        public static void main(String[] args) throws Exception {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<Long>> parts = new ArrayList<>();
            for (int p = 0; p < 4; p++) {
                final int base = p;
                parts.add(pool.submit(() -> { long s = 0; for (long i = base; i < 1000000; i += 4) s += i; return s; }));
            }
            long total = 0;
            for (Future<Long> f : parts) total += f.get();
            pool.shutdown();
            Map<String, Integer> counts = new TreeMap<>();
            for (String w : "the quick brown fox jumps over the lazy dog the end".split(" ")) counts.merge(w, 1, Integer::sum);
            System.out.println("sum " + total + " words " + counts + " java " + System.getProperty("java.specification.version"));
            System.exit(3);
        }
    }

    """

/// Debian's OpenJDK: /usr/bin/java stays a link into the JDK's home, which comes whole (skiff's
/// interpreter-data table), so the launcher finds libjvm.so and the class library.
let javaImage = ImageRecipe(
    name: "java", hostPrograms: [("/usr/bin/java", "/usr/bin/java")], files: [("/app/Hello.java", javaSource)],
    builtFiles: [("hello.jar", "/app/hello.jar")])

/// Debian's sqlite3 CLI, with /data to mount a volume on.
let sqliteImage = ImageRecipe(
    name: "sqlite3", hostPrograms: [("/usr/bin/sqlite3", "/usr/bin/sqlite3")], directories: ["/data"])

/// Debian's perl with the modules its script uses (skiff's interpreter-data table).
let perlImage = ImageRecipe(name: "perl", hostPrograms: [("/usr/bin/perl", "/usr/bin/perl")])

/// An ext4 volume for sqlite3; afterwards the host's own sqlite3 must read the database.
let sqliteDisk = GuestDisk(
    make: { path, _ in try E2fsprogs.makeVolume(path, megabytes: 32) { _ in } },
    inspect: { path, _ in
        var problems = E2fsprogs.check(path)
        if !problems.isEmpty { return problems }
        let copy = NSTemporaryDirectory() + "skiff-sqlite-\(UUID().uuidString).db"
        defer { try? FileManager.default.removeItem(atPath: copy) }
        _ = E2fsprogs.run("debugfs", ["-R", "dump /app.db \(copy)", path])
        let read = (try? Subprocess("/usr/bin/sqlite3", [copy, "select k, v from kv order by k; pragma integrity_check;"]).run())
        let text = read.map { $0.outputText } ?? ""
        if text != "a|1\nb|41\nok\n" { problems.append("the host's sqlite3 read \(text.debugDescription) from the database") }
        return problems
    })

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
    GuestTest(
        "sqlite3 CLI writes a database on ext4; the host's sqlite3 reads it back",
        "--mount-fs=ext4,/dev/vda,/data /usr/bin/sqlite3 /data/app.db 'create table kv(k text primary key, v integer); insert into kv values(\"a\", 1), (\"b\", 41); select sum(v) from kv;'",
        status: 0, expect: [.matches("^42$")], timeout: 120, recipe: sqliteImage, disks: [sqliteDisk]),
    GuestTest(
        "python3 script: json, sqlite3, threading, sockets, hashlib", "--quiet /usr/bin/python3 /app/script.py",
        status: 0,
        expect: [
            .contains(
                #"{"echo": "ping over a socketpair", "sha": "7985a8b8e188", "squares": [285, 328350, 332833500], "tcp": "over loopback TCP", "total": 42}"#
            )
        ], memoryMiB: 256, timeout: 180, recipe: pythonScriptImage),
    GuestTest(
        "lua5.4: strings, tables, coroutines, files, exit status", "--quiet /usr/bin/lua5.4 /app/script.lua", status: 7,
        expect: [
            .contains("squares 1,4,9,16,25,36,49,64,81,100\nsorted BROWN FOX QUICK THE\ncoroutine 10 20 30\nfile pi 3.1416\nclock true\n")
        ], recipe: luaImage),
    GuestTest(
        "the JVM: java -version", "--quiet /usr/bin/java -version", status: 0,
        expect: [.matches(#"^openjdk version "[0-9.]+""#), .contains("64-Bit Server VM"), .lacks("flock() failed")],
        memoryMiB: 768,
        timeout: 240, recipe: javaImage),
    GuestTest(
        "the JVM: java -jar (manifest main class, a second class, a resource, arguments, exit status)",
        "--quiet /usr/bin/java -XX:ErrorFile=/dev/stderr -jar /app/hello.jar one two", status: 5,
        expect: [
            .contains("hello from a jar (skiff.Greeter)"), .contains("resource: packed by make, read by the JVM on Skiff"),
            .contains("arguments: one two"),
        ], memoryMiB: 512, timeout: 240, recipe: javaImage),
    GuestTest(
        "the JVM: java Hello.java (compiled at launch, a thread pool on 2 CPUs, exit status)",
        // A JVM crash report goes to the console (the guest's /tmp is gone with the VM).
        "--quiet /usr/bin/java -XX:ErrorFile=/dev/stderr /app/Hello.java", status: 3,
        expect: [
            .matches(
                #"^sum 499999500000 words \{brown=1, dog=1, end=1, fox=1, jumps=1, lazy=1, over=1, quick=1, the=3\} java [0-9]+$"#)
        ], memoryMiB: 768, cpus: 2, timeout: 300, recipe: javaImage),
    GuestTest(
        "perl with List::Util and POSIX", "--quiet /usr/bin/perl -e 'use strict; use List::Util qw(sum max); use POSIX qw(floor); my @n = map { $_ * $_ } 1..10; printf(\"sum %d max %d floor %d\\n\", sum(@n), max(@n), floor(7/2));'",
        status: 0, expect: [.contains("sum 385 max 100 floor 3")], timeout: 120, recipe: perlImage),
]
