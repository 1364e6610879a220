import ArgumentParser
import Foundation
import SkiffHost

struct Images: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List, inspect and remove cached images.",
        subcommands: [List.self, Inspect.self, Remove.self, Prune.self],
        defaultSubcommand: List.self)

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "ls", abstract: "List cached images (the default).")
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            try failing(json: json) {
                let cache = ImageCache()
                let entries = cache.list()
                if json {
                    printJSON(entries.map { entryJSON($0, cache: cache) })
                    return
                }
                if entries.isEmpty {
                    print("no images in \(cache.directory)")
                    return
                }
                var rows = [["NAME", "KEY", "SIZE", "FILES", "CREATED", "COMMAND"]]
                for e in entries {
                    rows.append([
                        e.names.isEmpty ? "<none>" : e.names.joined(separator: ","), e.shortKey, MemorySize.human(bytes: e.size),
                        "\(e.files)", age(e.created), e.command.joined(separator: " "),
                    ])
                }
                printTable(rows)
            }
        }
    }

    struct Inspect: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print an image's stored configuration and its file tree with sizes.")
        @Argument(help: "An image name, key (prefix) or file.") var image: String
        @Flag(help: "Print JSON.") var json = false
        @Flag(help: "Also check every file's data against the image checksum.") var verify = false

        func run() throws {
            try failing(json: json) {
                let cache = ImageCache()
                let found = try RunTarget.image(image, cache: cache)
                let inspector = try ImageInspector(path: found.path)
                if verify { try inspector.verify() }
                let config = try inspector.config()
                let tree = try inspector.tree()
                let totalBytes = tree.filter { $0.type == .regular }.reduce(0) { $0 + Int($1.size) }
                if json {
                    var object: [String: Any] = [
                        "image": found.path,
                        "config": configJSON(config),
                        "files": tree.map { node -> [String: Any] in
                            var n: [String: Any] = [
                                "path": node.path, "type": "\(node.type)", "mode": String(node.permissions, radix: 8),
                                "size": Int(node.size),
                            ]
                            n["target"] = node.target
                            return n
                        },
                    ]
                    if let entry = found.entry { object["cache"] = entryJSON(entry, cache: cache) }
                    printJSON(object)
                    return
                }
                print("image:   \(found.path)")
                if let entry = found.entry {
                    print("names:   \(entry.names.isEmpty ? "<none>" : entry.names.joined(separator: ", "))")
                    print("key:     \(entry.key)")
                    print("source:  \(entry.source)")
                }
                let size = FileInfo(found.path).map { Int($0.size) } ?? 0
                print(
                    "size:    \(MemorySize.human(bytes: size)) (\(tree.filter { $0.type == .regular }.count) files, \(MemorySize.human(bytes: totalBytes)) of data)"
                )
                if verify { print("verify:  data checksum ok") }
                print("config:  \(ImageConfig.path)")
                print(
                    "  command:     \(config.command.isEmpty ? "(none)" : config.command.map(BootCommandLine.quote).joined(separator: " "))"
                )
                for e in config.environment { print("  env:         \(e)") }
                if let cwd = config.workingDirectory { print("  cwd:         \(cwd)") }
                print("  memory:      \(config.memoryMiB.map { MemorySize.format(mib: $0) } ?? "(default)")")
                print("  cpus:        \(config.cpus.map(String.init) ?? "(default)")")
                for o in config.bootOptions { print("  boot option: \(o)") }
                print("files:")
                print(ImageInspector.format(tree))
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "rm", abstract: "Remove cached images.")
        @Argument(help: "Image names or keys.") var images: [String]

        func run() throws {
            try failing {
                let cache = ImageCache()
                for reference in images {
                    guard let entry = try cache.find(reference) else {
                        throw SkiffError(
                            "no cached image \(reference): skiff images lists them", exitStatus: ExitStatus.missingInput)
                    }
                    try cache.remove(entry)
                    print("removed \(entry.names.first ?? entry.shortKey) (\(entry.shortKey))")
                }
            }
        }
    }

    struct Prune: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove images without a name: older builds of a name and images made by skiff run PROGRAM.")
        @Flag(help: "Remove every cached image.") var all = false
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            try failing(json: json) {
                let cache = ImageCache()
                let removed = try cache.prune(all: all)
                let bytes = removed.reduce(0) { $0 + $1.size }
                if json {
                    printJSON(["removed": removed.map(\.key), "bytes": bytes])
                } else {
                    print("removed \(removed.count) image\(removed.count == 1 ? "" : "s"), \(MemorySize.human(bytes: bytes))")
                }
            }
        }
    }
}

func entryJSON(_ e: ImageCache.Entry, cache: ImageCache) -> [String: Any] {
    var object: [String: Any] = [
        "key": e.key, "names": e.names, "source": e.source, "size": e.size, "files": e.files,
        "created": ImageCache.dateFormatter.string(from: e.created),
        "lastUsed": ImageCache.dateFormatter.string(from: e.lastUsed),
        "path": cache.imagePath(key: e.key), "command": e.command, "environment": e.environment,
    ]
    object["memoryMiB"] = e.memoryMiB
    object["cpus"] = e.cpus
    return object
}

func configJSON(_ c: ImageConfig) -> [String: Any] {
    var object: [String: Any] = ["command": c.command, "environment": c.environment, "bootOptions": c.bootOptions]
    object["cwd"] = c.workingDirectory
    object["memoryMiB"] = c.memoryMiB
    object["cpus"] = c.cpus
    return object
}

func age(_ date: Date) -> String {
    let seconds = Int(Date().timeIntervalSince(date))
    if seconds < 60 { return "\(seconds)s ago" }
    if seconds < 3600 { return "\(seconds / 60)m ago" }
    if seconds < 86400 { return "\(seconds / 3600)h ago" }
    return "\(seconds / 86400)d ago"
}

func printTable(_ rows: [[String]]) {
    guard let columns = rows.first?.count else { return }
    var widths = [Int](repeating: 0, count: columns)
    for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
    for row in rows {
        var line = ""
        for (i, cell) in row.enumerated() {
            line += i == columns - 1 ? cell : cell.padding(toLength: widths[i] + 2, withPad: " ", startingAt: 0)
        }
        print(line)
    }
}
