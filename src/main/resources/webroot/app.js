// The web chat, built on the client library. Text is always inserted with textContent, never as HTML.
import { RoomcastClient, compareIds } from './roomcast.js';

const $ = (id) => document.getElementById(id);
let chat = null;
let current = null;
const messages = new Map(); // room -> Map(id -> message)
const members = new Map(); // room -> Set(user)
const typingTimers = new Map(); // user -> timer
let lastTyping = 0;

function showError(text) { $('error').textContent = text || ''; }

function setStatus(state) {
  $('status').textContent = state;
  $('status').className = 'status ' + state;
  $('message-input').disabled = state !== 'connected' || !current;
  $('send').disabled = $('message-input').disabled;
}

function addRoom(room) {
  if ([...$('rooms').children].some((li) => li.dataset.room === room)) return;
  const li = document.createElement('li');
  li.dataset.room = room;
  li.textContent = '# ' + room;
  li.onclick = () => join(room).catch((e) => showError(e.message));
  $('rooms').appendChild(li);
}

function removeRoom(room) {
  [...$('rooms').children].find((li) => li.dataset.room === room)?.remove();
  messages.delete(room);
}

function store(m) {
  if (!messages.has(m.room)) messages.set(m.room, new Map());
  messages.get(m.room).set(m.id, m);
}

async function join(room) {
  const joined = await chat.join(room);
  addRoom(room);
  members.set(room, new Set(joined.members));
  if (!messages.has(room)) {
    messages.set(room, new Map());
    (await chat.history(room, { limit: 50 })).forEach((m) => store({ ...m, room }));
  }
  select(room);
}

function select(room) {
  current = room;
  $('room-title').textContent = '# ' + room;
  for (const li of $('rooms').children) li.classList.toggle('current', li.dataset.room === room);
  $('leave').disabled = false;
  $('older').disabled = false;
  setStatus(chat.state);
  renderMessages();
  renderMembers();
}

function renderMessages() {
  const box = $('messages');
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
  const sorted = [...(messages.get(current) || new Map()).values()].sort((a, b) => compareIds(a.id, b.id));
  box.replaceChildren(...sorted.map((m) => {
    const div = document.createElement('div');
    div.className = 'msg';
    div.dataset.id = m.id;
    const time = document.createElement('time');
    time.textContent = new Date(m.ts).toLocaleTimeString();
    const who = document.createElement('span');
    who.className = 'who';
    who.textContent = m.user;
    const text = document.createElement('span');
    text.className = 'text';
    text.textContent = m.text;
    div.append(time, who, text);
    return div;
  }));
  if (atBottom) box.scrollTop = box.scrollHeight;
}

function renderMembers() {
  $('members').replaceChildren(...[...(members.get(current) || [])].sort().map((u) => {
    const li = document.createElement('li');
    li.textContent = u;
    return li;
  }));
}

function renderTyping() {
  const users = [...typingTimers.keys()];
  $('typing').textContent = users.length ? users.join(', ') + (users.length > 1 ? ' are' : ' is') + ' typing…' : '';
}

function start(nameOrToken) {
  const url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws';
  const isToken = nameOrToken.split('.').length === 3;
  chat = new RoomcastClient(isToken ? { url, token: nameOrToken } : { url, user: nameOrToken || undefined });
  chat.on('state', setStatus);
  chat.on('welcome', async (w) => {
    $('me').textContent = 'as ' + w.user;
    $('login').hidden = true;
    $('chat').hidden = false;
    showError('');
    (await chat.listRooms()).forEach(addRoom);
  });
  chat.on('room', (r) => (r.event === 'deleted' ? removeRoom(r.room) : addRoom(r.room)));
  chat.on('message', (m) => {
    store(m);
    if (m.room !== current) return;
    renderMessages();
    // the message a typist was writing has arrived: they are no longer typing
    if (typingTimers.has(m.user)) { clearTimeout(typingTimers.get(m.user)); typingTimers.delete(m.user); renderTyping(); }
  });
  chat.on('presence', (p) => {
    const set = members.get(p.room) || new Set();
    if (p.event === 'join') set.add(p.user); else set.delete(p.user);
    members.set(p.room, set);
    if (p.room === current) renderMembers();
  });
  chat.on('resumed', async (r) => {
    members.set(r.room, new Set(r.members));
    if (!r.recovered) (await chat.history(r.room, { limit: 50 })).forEach((m) => store({ ...m, room: r.room }));
    if (r.room === current) { renderMembers(); renderMessages(); }
  });
  chat.on('typing', (t) => {
    if (t.room !== current) return;
    clearTimeout(typingTimers.get(t.user));
    typingTimers.set(t.user, setTimeout(() => { typingTimers.delete(t.user); renderTyping(); }, 3000));
    renderTyping();
  });
  chat.on('error', (e) => showError(e.message));
  chat.connect().catch((e) => showError(e.message));
}

$('login').onsubmit = (e) => { e.preventDefault(); start($('name').value.trim()); };

$('join-form').onsubmit = (e) => {
  e.preventDefault();
  const room = $('room-input').value.trim();
  if (room) join(room).then(() => { $('room-input').value = ''; }).catch((err) => showError(err.message));
};

$('leave').onclick = () => {
  const room = current;
  chat.leave(room).then(() => {
    [...$('rooms').children].find((li) => li.dataset.room === room)?.classList.remove('current');
    current = null;
    $('room-title').textContent = '';
    $('messages').replaceChildren();
    $('members').replaceChildren();
    $('leave').disabled = true;
    $('older').disabled = true;
    setStatus(chat.state);
  }).catch((err) => showError(err.message));
};

$('older').onclick = async () => {
  const known = [...(messages.get(current) || new Map()).keys()].sort(compareIds);
  const older = await chat.history(current, known.length ? { before: known[0], limit: 50 } : { limit: 50 });
  older.forEach((m) => store({ ...m, room: current }));
  renderMessages();
};

$('send-form').onsubmit = (e) => {
  e.preventDefault();
  const text = $('message-input').value;
  if (!text || !current) return;
  $('message-input').value = '';
  chat.send(current, text).then(() => showError(''), (err) => showError(err.message));
};

$('message-input').oninput = () => {
  const now = Date.now();
  if (current && now - lastTyping > 2000) {
    lastTyping = now;
    chat.typing(current);
  }
};
