package io.roomcast.tools;

import io.roomcast.bench.LoadGenerator;
import java.util.Arrays;

/**
 * The tools jar's entry point ({@code tools/target/roomcast-tools.jar}), kept out of the server jar:
 * {@code bench ...} runs the load generator ({@link LoadGenerator}), {@code token ...} mints a token for JWT mode
 * ({@link TokenTool}). {@code io.roomcast.bench.BenchReport} and {@code HeapReport} run with {@code -cp}.
 */
public final class Tools {
  private Tools() {}

  public static void main(String[] args) {
    String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
    if (args.length > 0 && args[0].equals("bench")) {
      LoadGenerator.main(rest);
    } else if (args.length > 0 && args[0].equals("token")) {
      TokenTool.main(rest);
    } else {
      System.err.println("usage: java -jar roomcast-tools.jar bench --url ws://host:port/ws [options]"
          + "\n       java -jar roomcast-tools.jar token SECRET USER [SECONDS] [ROOM-PATTERN...]");
      System.exit(2);
    }
  }
}
