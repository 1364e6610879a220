/// The paths the monitoring server answers, after OSv's `httpserver-monitoring-api` (its
/// read-only subset) plus Skiff's `/metrics` and OSv's `/trace/*` reads. A trailing slash is
/// optional everywhere (`/env/` and `/env` are the same).
public enum MonitorRoute: Equatable, Sendable {
    case index
    case osName, osVersion, osVendor, osUptime, osDate, osHostname, osCmdline, osDmesg, osThreads
    case osMemoryTotal, osMemoryFree, osMemoryBalloon
    case processorCount, processorFlags, firmwareVendor, hypervisor
    case interfaces, interface([UInt8]), routes
    case environment, environmentVariable([UInt8])
    case traceStatus, traceEvent([UInt8]), traceCount, traceBuffers
    case metrics

    private static let fixed: [(path: StaticString, route: MonitorRoute)] = [
        ("/", .index),
        ("/os/name", .osName), ("/os/version", .osVersion), ("/os/vendor", .osVendor), ("/os/uptime", .osUptime),
        ("/os/date", .osDate), ("/os/hostname", .osHostname), ("/os/cmdline", .osCmdline), ("/os/dmesg", .osDmesg),
        ("/os/threads", .osThreads), ("/os/memory/total", .osMemoryTotal), ("/os/memory/free", .osMemoryFree),
        ("/os/memory/balloon", .osMemoryBalloon),
        ("/hardware/processor/count", .processorCount), ("/hardware/processor/flags", .processorFlags),
        ("/hardware/firmware/vendor", .firmwareVendor), ("/hardware/hypervisor", .hypervisor),
        ("/network/ifconfig", .interfaces), ("/network/route", .routes),
        ("/env", .environment),
        ("/trace/status", .traceStatus), ("/trace/count", .traceCount), ("/trace/buffers", .traceBuffers),
        ("/metrics", .metrics),
    ]

    /// Parameterized paths: the prefix and how to build the route from the rest.
    private static let prefixed: [(prefix: StaticString, make: @Sendable ([UInt8]) -> MonitorRoute)] = [
        ("/network/ifconfig/", { .interface($0) }),
        ("/env/", { .environmentVariable($0) }),
        ("/trace/event/", { .traceEvent($0) }),
    ]

    /// The route for a decoded request path, or nil (404).
    public static func match(_ path: [UInt8]) -> MonitorRoute? {
        var p = path
        while p.count > 1 && p.last == UInt8(ascii: "/") { p.removeLast() }
        for f in fixed where p.elementsEqual(bytes(f.path)) { return f.route }
        for f in prefixed {
            let prefix = bytes(f.prefix)
            guard p.count > prefix.count, p.starts(with: prefix) else { continue }
            let rest = Array(p[prefix.count...])
            if rest.contains(UInt8(ascii: "/")) { return nil }
            return f.make(rest)
        }
        return nil
    }

    /// Every fixed path (for the index page and the tests).
    public static var paths: [String] {
        fixed.map { String(decoding: bytes($0.path), as: UTF8.self) }
    }

    /// Whether the answer is JSON (everything but `/metrics` and `/trace/buffers`).
    public var isJSON: Bool { self != .metrics && self != .traceBuffers }

    private static func bytes(_ s: StaticString) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount)
    }
}

extension MonitorRoute {
    /// Answers a parsed request: the route, or the error response for it.
    public static func resolve(_ request: HTTPRequest) -> Result<MonitorRoute, MonitorRouteError> {
        guard request.isGet || request.isHead else {
            return .failure(MonitorRouteError(status: .methodNotAllowed, message: "the monitoring API is read-only (GET and HEAD)"))
        }
        guard let route = match(request.path) else {
            return .failure(MonitorRouteError(status: .notFound, message: "no such path; GET / lists them"))
        }
        return .success(route)
    }
}

/// A request that has no route.
public struct MonitorRouteError: Error, Sendable {
    public var status: HTTPStatus
    public var message: String
}
