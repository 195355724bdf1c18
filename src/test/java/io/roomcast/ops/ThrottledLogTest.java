package io.roomcast.ops;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ThrottledLogTest {
  @Test
  @DisplayName("one line per interval; the lines not written are counted on the next line written")
  void throttles() {
    Logger logger = (Logger) LoggerFactory.getLogger("throttled-log-test");
    logger.setLevel(Level.INFO);
    logger.setAdditive(false);
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    logger.addAppender(lines);
    ThrottledLog log = new ThrottledLog(logger, 50);
    for (int i = 0; i < 100; i++) {
      log.info("refused {}", i);
    }
    assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly("refused 0");
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (lines.list.size() < 2 && System.nanoTime() < deadline) {
      log.info("refused {}", "later");
      LockSupport.parkNanos(5_000_000);
    }
    assertThat(lines.list.get(1).getFormattedMessage()).startsWith("refused later (").endsWith("more like it not logged)");
  }

  @Test
  @DisplayName("client-chosen values are clipped to printable ASCII with their length noted")
  void clips() {
    assertThat(ThrottledLog.clip("https://ok.example")).isEqualTo("https://ok.example");
    assertThat(ThrottledLog.clip("a\nb\u00e9")).isEqualTo("a?b?");
    assertThat(ThrottledLog.clip("x".repeat(7000))).hasSizeLessThan(120).endsWith("...(7000 chars)");
    assertThat(ThrottledLog.clip(null)).isEqualTo("(none)");
  }
}
