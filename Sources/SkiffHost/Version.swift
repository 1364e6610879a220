public enum SkiffHostVersion { public static let string = "0.1.0" }
