package skiff;

/** A second class in the jar, loaded through the jar's class path. */
public class Greeter {
    private final String from;

    public Greeter(String from) { this.from = from; }

    public String greet() { return "hello from " + from + " (" + getClass().getName() + ")"; }
}
