import Testing

@testable import SkiffHost

@Suite struct TOMLTests {
    @Test func scalarsAndComments() throws {
        let t = try TOMLParser.parse(
            """
            # comment
            name = "app"   # trailing comment
            literal = 'C:\\no\\escapes'
            count = 1_000
            negative = -17
            hex = 0xff
            ratio = 0.5
            yes = true
            no = false
            "quoted key" = 1
            """)
        #expect(t["name"] == .string("app"))
        #expect(t["literal"] == .string("C:\\no\\escapes"))
        #expect(t["count"] == .integer(1000))
        #expect(t["negative"] == .integer(-17))
        #expect(t["hex"] == .integer(255))
        #expect(t["ratio"] == .float(0.5))
        #expect(t["yes"] == .boolean(true))
        #expect(t["no"] == .boolean(false))
        #expect(t["quoted key"] == .integer(1))
        #expect(t.keys == ["name", "literal", "count", "negative", "hex", "ratio", "yes", "no", "quoted key"])
        #expect(t.line(of: "count") == 4)
    }

    @Test func escapes() throws {
        let t = try TOMLParser.parse(#"s = "a\tb\n\"q\" \\ \u00e9 \U0001F600""#)
        #expect(t["s"] == .string("a\tb\n\"q\" \\ é 😀"))
    }

    @Test func multilineStrings() throws {
        let t = try TOMLParser.parse(
            "basic = \"\"\"\nline one\nline \\\n    two\"\"\"\nliteral = '''\nraw \\n ''quoted'' '''\nafter = 1\n")
        #expect(t["basic"] == .string("line one\nline two"))
        #expect(t["literal"] == .string("raw \\n ''quoted'' "))
        #expect(t["after"] == .integer(1))
        #expect(t.line(of: "after") == 7)
    }

    @Test func arraysSpanLinesWithCommentsAndTrailingCommas() throws {
        let t = try TOMLParser.parse(
            """
            command = [
              "/usr/bin/python3",  # the interpreter
              "-c",
              'print(42)',
            ]
            nested = [[1, 2], ["a"]]
            empty = []
            """)
        #expect(t["command"] == .array([.string("/usr/bin/python3"), .string("-c"), .string("print(42)")]))
        #expect(t["nested"] == .array([.array([.integer(1), .integer(2)]), .array([.string("a")])]))
        #expect(t["empty"] == .array([]))
    }

    @Test func tablesDottedKeysAndInlineTables() throws {
        let t = try TOMLParser.parse(
            """
            top = 1
            [env]
            PATH = "/bin"
            [files]
            "/app/main.py" = "main.py"
            [a.b]
            c.d = 2
            [point]
            xy = { x = 1, y = "two" }
            """)
        guard case .table(let env)? = t["env"], case .table(let files)? = t["files"], case .table(let a)? = t["a"],
            case .table(let b)? = a["b"], case .table(let c)? = b["c"], case .table(let point)? = t["point"],
            case .table(let xy)? = point["xy"]
        else {
            Issue.record("tables missing: \(t)")
            return
        }
        #expect(env["PATH"] == .string("/bin"))
        #expect(env.line(of: "PATH") == 3)
        #expect(files["/app/main.py"] == .string("main.py"))
        #expect(files.line(of: "/app/main.py") == 5)
        #expect(c["d"] == .integer(2))
        #expect(xy["x"] == .integer(1) && xy["y"] == .string("two"))
    }

    @Test func arraysOfTables() throws {
        let t = try TOMLParser.parse(
            """
            [[disk]]
            file = "a.img"
            [[disk]]
            file = "b.img"
            size = 2
            """)
        guard case .array(let disks)? = t["disk"], disks.count == 2, case .table(let second) = disks[1] else {
            Issue.record("array of tables missing: \(t)")
            return
        }
        #expect(second["file"] == .string("b.img"))
        #expect(second["size"] == .integer(2))
    }

    @Test(arguments: [
        ("a = 1\na = 2", 2, "defined twice"),
        ("[t]\nx = 1\n[t]", 3, "defined twice"),
        ("a = \"open", 1, "not closed"),
        ("a = [1, 2\nb = 3", 2, "expected ','"),
        ("a = 1 b = 2", 1, "unexpected 'b'"),
        ("a = bare", 1, "strings must be quoted"),
        ("a = 1979-05-27", 1, "dates and times are not supported"),
        ("= 1", 1, "expected a key"),
        ("a = \"\\q\"", 1, "invalid escape"),
        ("a = 012", 1, "leading zeros"),
        ("\n\nx = \"\"\"\nnever closed", 3, "not closed"),
        ("a = 1\n[a]", 2, "not a table"),
        ("p = { x = 1,\n y = 2 }", 1, "inline tables must fit on one line"),
    ])
    func errorsCarryLineNumbers(text: String, line: Int, fragment: String) {
        do {
            _ = try TOMLParser.parse(text)
            Issue.record("no error for \(text)")
        } catch {
            #expect(error.line == line, "\(error)")
            #expect(error.message.contains(fragment), "\(error)")
        }
    }
}
