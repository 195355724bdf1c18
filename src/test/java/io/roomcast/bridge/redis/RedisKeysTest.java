package io.roomcast.bridge.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RedisKeysTest {
  private final RedisKeys keys = new RedisKeys("chat", "node-1");

  @Test
  @DisplayName("channels and keys follow protocol.md's Redis layout under the prefix")
  void layout() {
    assertThat(keys.roomPattern()).isEqualTo("chat:room:*");
    assertThat(keys.newRoomChannel()).isEqualTo("chat:newroom");
    assertThat(keys.messageChannel("lobby")).isEqualTo("chat:room:lobby:msg");
    assertThat(keys.joinChannel("lobby")).isEqualTo("chat:room:lobby:join");
    assertThat(keys.stream("lobby")).isEqualTo("chat:room:lobby:stream");
    assertThat(keys.nodePresence()).isEqualTo("chat:node:node-1:presence");
    assertThat(new RedisKeys("acme", "n").rooms()).isEqualTo("acme:rooms");
  }

  @Test
  @DisplayName("the room of a channel is read back, and other channels are not mistaken for rooms")
  void roomOf() {
    assertThat(keys.roomOf(keys.messageChannel("a.b-c_d"))).isEqualTo("a.b-c_d");
    assertThat(keys.roomOf(keys.joinChannel("x"))).isEqualTo("x");
    assertThat(keys.roomOf("chat:newroom")).isNull();
    assertThat(keys.roomOf("other:room:x:msg")).isNull();
    assertThat(keys.roomOf("chat:room:")).isNull();
  }

  @Test
  @DisplayName("in cluster mode a room's names share the room's hash tag and the global names the prefix's")
  void clusterTags() {
    RedisKeys tagged = new RedisKeys("chat", "node-1", true);
    assertThat(tagged.stream("lobby")).isEqualTo("chat:room:{lobby}:stream");
    assertThat(tagged.messageChannel("lobby")).isEqualTo("chat:room:{lobby}:msg");
    assertThat(tagged.idempotency("lobby", "ann", "k1")).isEqualTo("chat:room:{lobby}:key:ann k1");
    assertThat(tagged.rooms()).isEqualTo("{chat}:rooms");
    assertThat(tagged.nodePresence()).isEqualTo("{chat}:node:node-1:presence");
    assertThat(tagged.connections()).isEqualTo("{chat}:connections");
    assertThat(tagged.newRoomChannel()).as("a classic channel: every shard hears it").isEqualTo("chat:newroom");
    assertThat(tagged.roomOf(tagged.joinChannel("a.b"))).isEqualTo("a.b");
    assertThat(tagged.roomOf("chat:room:lobby:msg")).as("an untagged channel is not a cluster room's").isNull();
    assertThat(Slot.of(tagged.stream("lobby"))).isEqualTo(Slot.of(tagged.joinChannel("lobby")))
        .isEqualTo(Slot.of(tagged.created("lobby"))).isEqualTo(Slot.of(tagged.idempotency("lobby", "u", "k")));
    assertThat(Slot.of(tagged.rooms())).isEqualTo(Slot.of(tagged.nodeConnections("other")))
        .isEqualTo(Slot.of(tagged.quota("ip:1.2.3.4")));
  }

  @Test
  @DisplayName("hash slots match Redis' own (CLUSTER KEYSLOT): 123456789 is 12739, tags hash alone")
  void slots() {
    assertThat(Slot.of("123456789")).isEqualTo(12739);
    assertThat(Slot.of("foo")).isEqualTo(12182);
    assertThat(Slot.of("{user1000}.following")).isEqualTo(Slot.of("{user1000}.followers")).isEqualTo(Slot.of("user1000"));
    assertThat(Slot.of("foo{}{bar}")).as("an empty tag is no tag").isEqualTo(8363);
  }

  /**
   * Every name {@link RedisKeys} makes, with its parameters as placeholders ({@code {room}}, {@code {user}}, ...): the
   * names of every key and channel the server uses.
   */
  static Set<String> layout(String prefix) throws ReflectiveOperationException {
    RedisKeys keys = new RedisKeys(prefix, "{node}");
    Set<String> names = new TreeSet<>();
    for (Method m : RedisKeys.class.getDeclaredMethods()) {
      if (Modifier.isStatic(m.getModifiers()) || Modifier.isPrivate(m.getModifiers()) || m.getReturnType() != String.class || m.getName().equals("roomOf")
          || m.isSynthetic()) {
        continue;
      }
      Object[] args = new Object[m.getParameterCount()];
      for (int i = 0; i < args.length; i++) {
        assertThat(m.getParameters()[i].isNamePresent()).as("compiled with -parameters").isTrue();
        args[i] = "{" + m.getParameters()[i].getName() + "}";
      }
      m.setAccessible(true);
      names.add((String) m.invoke(keys, args));
    }
    return names;
  }

  @Test
  @DisplayName("docs/redis.md's table lists every key and channel the code uses, and nothing else")
  void readmeListsTheLayout() throws Exception {
    String readme = Files.readString(Path.of("docs/redis.md"));
    Set<String> names = layout("chat");
    for (String name : names) {
      assertThat(readme).as("docs/redis.md names %s", name).contains("| `" + name + "` |");
    }
    Matcher rows = Pattern.compile("(?m)^\\| `(chat:[^`]*)` \\|").matcher(readme);
    Set<String> documented = new TreeSet<>();
    while (rows.find()) {
      documented.add(rows.group(1));
    }
    assertThat(documented).as("every row of docs/redis.md's table is a name the code uses").isEqualTo(names);
  }

  @Test
  @DisplayName("docs/redis.md describes every Lua script, and every script it describes exists")
  void readmeListsTheScripts() throws Exception {
    String readme = Files.readString(Path.of("docs/redis.md"));
    Set<String> scripts = new TreeSet<>();
    try (Stream<Path> files = Files.list(Path.of("src/main/resources/io/roomcast/bridge/redis"))) {
      files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".lua")).forEach(scripts::add);
    }
    assertThat(scripts).isNotEmpty();
    Matcher mentioned = Pattern.compile("`([a-z]+\\.lua)`").matcher(readme);
    Set<String> documented = new TreeSet<>();
    while (mentioned.find()) {
      documented.add(mentioned.group(1));
    }
    assertThat(documented).isEqualTo(scripts);
  }
}
