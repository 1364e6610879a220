// Routes that exercise what a small Swift service does: plain text, a path parameter, a JSON body
// decoded and a JSON reply encoded, a request counter shared across connections (an actor), and a
// route that stops the server so the VM's exit status is the test's.

import Hummingbird

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

struct Sum: ResponseCodable {
    var numbers: [Int]
    var total: Int
}

struct SumRequest: Decodable {
    var numbers: [Int]
}

actor Counter {
    private var value = 0
    func next() -> Int {
        value += 1
        return value
    }
}

/// The console is not a terminal, so stdout is block-buffered: flush each line.
func say(_ line: String) {
    print(line)
    fflush(nil)
}

let port = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 8080
let counter = Counter()
let router = Router()
router.get("/") { _, _ in
    "hello from hummingbird\n"
}
router.get("/greet/:name") { _, context in
    let name = context.parameters.get("name") ?? "nobody"
    return "hello, \(name)\n"
}
router.post("/sum") { request, context -> Sum in
    let body = try await request.decode(as: SumRequest.self, context: context)
    return Sum(numbers: body.numbers, total: body.numbers.reduce(0, +))
}
router.get("/count") { _, _ in
    "requests \(await counter.next())\n"
}
router.get("/quit") { _, _ -> String in
    // Answer first, then leave: the status the VM reports is this one.
    Task {
        try await Task.sleep(for: .milliseconds(100))
        say("hummingbird: quit requested")
        exit(0)
    }
    return "bye\n"
}

let app = Application(
    router: router,
    configuration: .init(address: .hostname("0.0.0.0", port: port))
)
say("hummingbird: listening on port \(port)")
try await app.runService()
