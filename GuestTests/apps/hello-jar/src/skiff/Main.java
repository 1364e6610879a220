package skiff;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/** The jar's entry point (its manifest's Main-Class): a second class, a resource from the jar,
 *  and an exit status the VM reports. */
public class Main {
    public static void main(String[] args) throws Exception {
        Greeter greeter = new Greeter("a jar");
        System.out.println(greeter.greet());
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(
                Main.class.getResourceAsStream("/skiff/message.txt"), StandardCharsets.UTF_8))) {
            System.out.println("resource: " + reader.readLine());
        }
        System.out.println("arguments: " + String.join(" ", args));
        System.exit(5);
    }
}
