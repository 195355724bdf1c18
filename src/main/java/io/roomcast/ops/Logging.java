package io.roomcast.ops;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.EncoderBase;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.slf4j.LoggerFactory;

/** Log format (text or one JSON object per line), the node id on every line, and the root level at run time. */
public final class Logging {
  private Logging() {}

  /** Applies the node id, the format ({@code text} or {@code json}) and the level. */
  public static void configure(String nodeId, String format, String level) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
      return;
    }
    ctx.putProperty("node", nodeId);
    setLevel(level);
    Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    if (!(root.getAppender("STDERR") instanceof ConsoleAppender<ILoggingEvent> appender)) {
      return;
    }
    if ("json".equals(format)) {
      JsonEncoder encoder = new JsonEncoder(nodeId);
      encoder.setContext(ctx);
      encoder.start();
      appender.stop();
      appender.setEncoder(encoder);
      appender.start();
    } else if (!(appender.getEncoder() instanceof PatternLayoutEncoder)) {
      throw new IllegalStateException("unexpected log encoder");
    }
  }

  /** Sets the root level (TRACE, DEBUG, INFO, WARN, ERROR). */
  public static void setLevel(String level) {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx) {
      ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.toLevel(level, Level.INFO));
    }
  }

  /** One JSON object per line: ts, level, node, logger, msg, and error when there is one. */
  static final class JsonEncoder extends EncoderBase<ILoggingEvent> {
    private final String node;

    JsonEncoder(String node) {
      this.node = node;
    }

    @Override
    public byte[] headerBytes() {
      return null;
    }

    @Override
    public byte[] encode(ILoggingEvent e) {
      JsonObject line = new JsonObject()
          .put("ts", Instant.ofEpochMilli(e.getTimeStamp()).toString())
          .put("level", e.getLevel().toString())
          .put("node", node)
          .put("logger", e.getLoggerName())
          .put("msg", e.getFormattedMessage());
      if (e.getThrowableProxy() != null) {
        line.put("error", ThrowableProxyUtil.asString(e.getThrowableProxy()));
      }
      return (line.encode() + "\n").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] footerBytes() {
      return null;
    }
  }
}
