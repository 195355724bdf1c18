import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * The floor under any server that sends one TCP segment per delivery: a program that does nothing but write a
 * 150-byte frame to 50 sockets at a time (one "room"), at a fixed rate, with plain blocking-free java.nio, and a
 * reader that only reads. No WebSocket, no framework, no parsing. It prints its own CPU time (user and kernel
 * together) per write (see bench/floor.sh, docs/performance.md).
 *
 *   java bench/floor/WriteFloor.java server PORT CONNS WRITES_PER_SECOND SECONDS
 *   java bench/floor/WriteFloor.java client PORT CONNS
 */
public class WriteFloor {
  public static void main(String[] a) throws Exception {
    int port = Integer.parseInt(a[1]);
    int conns = Integer.parseInt(a[2]);
    if (a[0].equals("client")) {
      Selector selector = Selector.open();
      for (int i = 0; i < conns; i++) {
        SocketChannel c = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
        c.configureBlocking(false);
        c.register(selector, SelectionKey.OP_READ);
      }
      ByteBuffer buf = ByteBuffer.allocateDirect(65536);
      while (true) {
        selector.select();
        for (SelectionKey k : selector.selectedKeys()) {
          buf.clear();
          if (((SocketChannel) k.channel()).read(buf) < 0) {
            return;
          }
        }
        selector.selectedKeys().clear();
      }
    }
    int rate = Integer.parseInt(a[3]);
    int seconds = Integer.parseInt(a[4]);
    int fan = 50;
    ServerSocketChannel server = ServerSocketChannel.open();
    server.bind(new InetSocketAddress("127.0.0.1", port));
    System.out.println("listening");
    List<SocketChannel> sockets = new ArrayList<>();
    for (int i = 0; i < conns; i++) {
      SocketChannel c = server.accept();
      c.setOption(StandardSocketOptions.TCP_NODELAY, true);
      c.configureBlocking(false);
      sockets.add(c);
    }
    ByteBuffer frame = ByteBuffer.allocateDirect(150);
    while (frame.hasRemaining()) {
      frame.put((byte) 'x');
    }
    // a warm-up third, then the measured rest
    long total = (long) rate * seconds;
    long warm = total / 3;
    long start = System.nanoTime();
    long writes = 0;
    long rounds = 0;
    long atStart = -1;
    while (writes < total) {
      if (atStart < 0 && writes >= warm) {
        atStart = cpu();
      }
      long due = start + rounds * fan * 1_000_000_000L / rate;
      long now = System.nanoTime();
      if (now < due) {
        LockSupport.parkNanos(due - now);
        continue;
      }
      int room = (int) (rounds % (conns / fan));
      for (int i = 0; i < fan; i++) {
        frame.rewind();
        sockets.get(room * fan + i).write(frame);
        writes++;
      }
      rounds++;
    }
    // user and kernel time together: their split over a window is not reliable (the kernel scales both to the
    // precise runtime and never lets either go back), their sum is
    double cpu = (cpu() - atStart) / 100.0;
    long measured = total - warm;
    System.out.printf("writes=%d cpu=%.2fs -> %.2f µs per write, %.0f writes per CPU-second%n", measured, cpu,
        cpu * 1e6 / measured, measured / cpu);
    System.exit(0);
  }

  /** This process's CPU time (user + kernel), in clock ticks (1/100 s). */
  static long cpu() throws Exception {
    String s = Files.readString(Path.of("/proc/self/stat"));
    String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }
}
