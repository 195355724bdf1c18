package io.roomcast.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MessageIdTest {

  @Test
  @DisplayName("ids increase even when the clock stands still or goes back")
  void nextIsStrictlyIncreasing() {
    MessageId a = MessageId.next(null, 100);
    MessageId b = MessageId.next(a, 100);
    MessageId c = MessageId.next(b, 99);
    MessageId d = MessageId.next(c, 101);
    assertThat(a).isLessThan(b);
    assertThat(b).isLessThan(c);
    assertThat(c).isLessThan(d);
    assertThat(d.toString()).isEqualTo("101-0");
  }

  @Test
  @DisplayName("ids compare numerically, not as text")
  void numericOrder() {
    assertThat(MessageId.parse("9-0")).isLessThan(MessageId.parse("10-0"));
    assertThat(MessageId.parse("10-2")).isLessThan(MessageId.parse("10-10"));
    assertThat(MessageId.parse("1732740000000-7").toString()).isEqualTo("1732740000000-7");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "-", "5", "5-", "-5", "a-1", "1-b", "1--1", "1-2-3", "99999999999999999999-0"})
  @DisplayName("malformed ids parse to null")
  void malformed(String text) {
    assertThat(MessageId.parse(text)).isNull();
  }
}
