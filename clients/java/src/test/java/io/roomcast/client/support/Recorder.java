package io.roomcast.client.support;

import io.roomcast.client.ConnectionState;
import io.roomcast.client.Message;
import io.roomcast.client.Presence;
import io.roomcast.client.RoomcastException;
import io.roomcast.client.RoomcastListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/** Records everything a client's listener hears, and the threads it heard it on. */
public final class Recorder implements RoomcastListener {
  public final List<Message> messages = new CopyOnWriteArrayList<>();
  public final List<Presence> presence = new CopyOnWriteArrayList<>();
  public final List<String> typing = new CopyOnWriteArrayList<>();
  public final List<String> rooms = new CopyOnWriteArrayList<>();
  public final List<ConnectionState> states = new CopyOnWriteArrayList<>();
  public final List<RoomcastException> errors = new CopyOnWriteArrayList<>();
  public final List<String> resumed = new CopyOnWriteArrayList<>();
  public final List<int[]> reconnects = new CopyOnWriteArrayList<>();
  public final List<Long> reconnectDelays = new CopyOnWriteArrayList<>();
  public final Set<String> threads = ConcurrentHashMap.newKeySet();

  private void seen() {
    threads.add(Thread.currentThread().getName());
  }

  @Override
  public void onMessage(Message m) {
    seen();
    messages.add(m);
  }

  @Override
  public void onPresence(Presence p) {
    seen();
    presence.add(p);
  }

  @Override
  public void onTyping(String room, String user) {
    seen();
    typing.add(room + " " + user);
  }

  @Override
  public void onRoom(String room, boolean deleted) {
    seen();
    rooms.add(room + (deleted ? " deleted" : " created"));
  }

  @Override
  public void onStateChange(ConnectionState state) {
    seen();
    states.add(state);
  }

  @Override
  public void onError(RoomcastException error) {
    seen();
    errors.add(error);
  }

  @Override
  public void onResumed(String room, boolean recovered, List<String> members) {
    seen();
    resumed.add(room + (recovered ? " recovered" : " not recovered"));
  }

  @Override
  public void onReconnect(int code, long delayMillis) {
    seen();
    reconnects.add(new int[] {code});
    reconnectDelays.add(delayMillis);
  }

  /** The texts of the messages heard in {@code room}, in order. */
  public List<String> texts(String room) {
    return messages.stream().filter(m -> m.room().equals(room)).map(Message::text).collect(Collectors.toList());
  }

  public List<String> ids(String room) {
    return messages.stream().filter(m -> m.room().equals(room)).map(Message::id).collect(Collectors.toList());
  }

  public List<Integer> reconnectCodes() {
    List<Integer> codes = new ArrayList<>();
    reconnects.forEach(r -> codes.add(r[0]));
    return codes;
  }
}
