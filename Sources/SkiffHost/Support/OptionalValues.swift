/// Options whose value may be left out, such as `--gdb [PORT]`, which the argument parser
/// cannot express: before parsing, a bare `--gdb` becomes `--gdb=1234`.
public enum OptionalValues {
    public struct Rule {
        public var subcommand: String
        public var option: String
        public var defaultValue: String
        /// Whether a following token is this option's value.
        public var accepts: (String) -> Bool
        /// Options of the subcommand that take a value (their value is skipped while scanning).
        public var valued: Set<String>

        public init(
            subcommand: String, option: String, defaultValue: String, accepts: @escaping (String) -> Bool, valued: Set<String>
        ) {
            self.subcommand = subcommand
            self.option = option
            self.defaultValue = defaultValue
            self.accepts = accepts
            self.valued = valued
        }
    }

    /// Rewrites `arguments` (without the program name). Only tokens between the subcommand and
    /// its first positional argument (or `--`) are looked at, so the guest program's own
    /// arguments are never touched.
    public static func rewrite(_ arguments: [String], rules: [Rule]) -> [String] {
        guard let first = arguments.first else { return arguments }
        let applicable = rules.filter { $0.subcommand == first }
        guard !applicable.isEmpty else { return arguments }
        let valued = applicable.reduce(into: Set<String>()) { $0.formUnion($1.valued) }
        var out = [first]
        var i = 1
        while i < arguments.count {
            let token = arguments[i]
            if token == "--" || !token.hasPrefix("-") || token == "-" {
                out += arguments[i...]
                return out
            }
            if let rule = applicable.first(where: { $0.option == token }) {
                if i + 1 < arguments.count, rule.accepts(arguments[i + 1]) {
                    out += [token, arguments[i + 1]]
                    i += 2
                } else {
                    out.append(token + "=" + rule.defaultValue)
                    i += 1
                }
                continue
            }
            out.append(token)
            if valued.contains(token), i + 1 < arguments.count {
                out.append(arguments[i + 1])
                i += 1
            }
            i += 1
        }
        return out
    }
}
