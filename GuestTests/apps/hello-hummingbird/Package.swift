// swift-tools-version: 6.1
//
// A Hummingbird 2 HTTP server for the guest tests (issue 12): built here with
// `--static-swift-stdlib`, packed into an image by the test runner like any host program,
// and checked from the host with curl.

import PackageDescription

let package = Package(
    name: "HelloHummingbird",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1")
    ],
    targets: [
        .executableTarget(
            name: "HelloHummingbird",
            dependencies: [.product(name: "Hummingbird", package: "hummingbird")]
        )
    ]
)
