import Foundation
import Testing
@testable import Monitoring

struct WriterTests {
    @Test func jsonParsesBackWithFoundation() throws {
        var w = JSONWriter()
        w.beginObject()
        w.field("name", "Sk\"iff\\\n\t\u{01}é")
        w.field("count", -3)
        w.field("big", UInt64.max)
        w.field("ok", true)
        w.key("list")
        w.beginArray()
        w.int(1)
        w.beginObject()
        w.endObject()
        w.null()
        w.string(bytes: [0x66, 0xFF, 0xC3])  // invalid UTF-8
        w.beginArray()
        w.endArray()
        w.endArray()
        w.endObject()
        let object = try JSONSerialization.jsonObject(with: Data(w.bytes)) as! [String: Any]
        #expect(object["name"] as? String == "Sk\"iff\\\n\t\u{01}é")
        #expect(object["count"] as? Int == -3)
        #expect(object["ok"] as? Bool == true)
        let list = object["list"] as! [Any]
        #expect(list.count == 5)
        #expect(list[3] as? String == "f\u{FFFD}\u{FFFD}")
    }

    @Test func topLevelScalars() throws {
        var w = JSONWriter()
        w.string("0.1.0")
        #expect(String(decoding: w.bytes, as: UTF8.self) == "\"0.1.0\"")
        var n = JSONWriter()
        n.uint(42)
        #expect(try JSONSerialization.jsonObject(with: Data(n.bytes), options: .fragmentsAllowed) as? Int == 42)
    }

    @Test func prometheusText() {
        var p = PrometheusWriter()
        p.family("skiff_memory_free_bytes", .gauge, help: "Free memory.\nBytes \\ all")
        p.sample("skiff_memory_free_bytes", [], 1024 as UInt64)
        p.family("skiff_cpu_seconds_total", .counter, help: "CPU time.")
        p.sample("skiff_cpu_seconds_total", [("cpu", "0"), ("mode", "id\"le\\")], milli: 12_005)
        let text = String(decoding: p.bytes, as: UTF8.self)
        #expect(text == """
            # HELP skiff_memory_free_bytes Free memory.\\nBytes \\\\ all
            # TYPE skiff_memory_free_bytes gauge
            skiff_memory_free_bytes 1024
            # HELP skiff_cpu_seconds_total CPU time.
            # TYPE skiff_cpu_seconds_total counter
            skiff_cpu_seconds_total{cpu="0",mode="id\\"le\\\\"} 12.005

            """)
    }
}

struct CivilTimeTests {
    @Test func dates() {
        #expect(CivilTime.iso8601(epochSeconds: 0) == "1970-01-01T00:00:00Z")
        #expect(CivilTime.iso8601(epochSeconds: 951_782_400) == "2000-02-29T00:00:00Z")
        #expect(CivilTime.iso8601(epochSeconds: 1_714_566_896) == "2024-05-01T12:34:56Z")
    }
}
