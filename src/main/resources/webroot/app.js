// A small client for protocol v1: name, rooms, join, send, messages, members, typing.
// Text is always inserted with textContent, never as HTML.
const $ = (id) => document.getElementById(id);
const state = { ws: null, user: null, room: null, joined: new Set(), messages: new Map(), members: new Map(),
  pending: new Map(), nextRef: 1, typingTimers: new Map(), lastTyping: 0 };

function setStatus(s) {
  $('status').textContent = s;
  $('status').className = 'status ' + s;
}

function showError(text) {
  $('error').textContent = text || '';
}

function request(frame) {
  const ref = String(state.nextRef++);
  return new Promise((resolve, reject) => {
    state.pending.set(ref, { resolve, reject });
    state.ws.send(JSON.stringify({ ...frame, ref }));
  });
}

function connect(name) {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const query = name ? '?user=' + encodeURIComponent(name) : '';
  const ws = new WebSocket(proto + '//' + location.host + '/ws' + query);
  state.ws = ws;
  setStatus('reconnecting');
  ws.onmessage = (e) => onFrame(JSON.parse(e.data));
  ws.onclose = (e) => {
    setStatus('offline');
    showError(e.code === 1000 ? '' : 'connection closed (' + e.code + (e.reason ? ': ' + e.reason : '') + ')');
    for (const p of state.pending.values()) p.reject(new Error('connection closed'));
    state.pending.clear();
  };
}

async function onWelcome(frame) {
  state.user = frame.user;
  setStatus('connected');
  showError('');
  $('login').hidden = true;
  $('chat').hidden = false;
  const reply = await request({ type: 'rooms' });
  reply.rooms.forEach(addRoom);
  for (const room of state.joined) await join(room);
}

function onFrame(frame) {
  if (frame.ref && state.pending.has(frame.ref)) {
    const p = state.pending.get(frame.ref);
    state.pending.delete(frame.ref);
    if (frame.type === 'error') p.reject(new Error(frame.message)); else p.resolve(frame);
    return;
  }
  switch (frame.type) {
    case 'welcome': onWelcome(frame); break;
    case 'room': addRoom(frame.room); break;
    case 'message': addMessage(frame); break;
    case 'presence': onPresence(frame); break;
    case 'typing': onTyping(frame); break;
    case 'error': showError(frame.message); break;
  }
}

function addRoom(room) {
  if ([...$('rooms').children].some((li) => li.dataset.room === room)) return;
  const li = document.createElement('li');
  li.dataset.room = room;
  li.textContent = '# ' + room;
  li.onclick = () => join(room).catch((e) => showError(e.message));
  $('rooms').appendChild(li);
}

async function join(room) {
  const reply = await request({ type: 'join', room });
  addRoom(room);
  state.joined.add(room);
  state.members.set(room, new Set(reply.members));
  if (!state.messages.has(room)) {
    state.messages.set(room, new Map());
    const history = await request({ type: 'history', room, limit: 50 });
    history.messages.forEach((m) => state.messages.get(room).set(m.id, { ...m, room }));
  }
  select(room);
}

function select(room) {
  state.room = room;
  $('room-title').textContent = '# ' + room;
  for (const li of $('rooms').children) li.classList.toggle('current', li.dataset.room === room);
  $('message-input').disabled = false;
  $('send').disabled = false;
  renderMessages();
  renderMembers();
}

function addMessage(m) {
  if (!state.messages.has(m.room)) state.messages.set(m.room, new Map());
  state.messages.get(m.room).set(m.id, m);
  if (m.room === state.room) renderMessages();
}

function renderMessages() {
  const box = $('messages');
  box.replaceChildren();
  for (const m of (state.messages.get(state.room) || new Map()).values()) {
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
    box.appendChild(div);
  }
  box.scrollTop = box.scrollHeight;
}

function onPresence(p) {
  const members = state.members.get(p.room) || new Set();
  if (p.event === 'join') members.add(p.user); else members.delete(p.user);
  state.members.set(p.room, members);
  if (p.room === state.room) renderMembers();
}

function renderMembers() {
  $('members').replaceChildren(...[...(state.members.get(state.room) || [])].map((u) => {
    const li = document.createElement('li');
    li.textContent = u;
    return li;
  }));
}

function onTyping(t) {
  if (t.room !== state.room) return;
  clearTimeout(state.typingTimers.get(t.user));
  state.typingTimers.set(t.user, setTimeout(() => { state.typingTimers.delete(t.user); renderTyping(); }, 3000));
  renderTyping();
}

function renderTyping() {
  const users = [...state.typingTimers.keys()];
  $('typing').textContent = users.length ? users.join(', ') + (users.length > 1 ? ' are' : ' is') + ' typing…' : '';
}

$('login').onsubmit = (e) => {
  e.preventDefault();
  connect($('name').value.trim());
};

$('join-form').onsubmit = (e) => {
  e.preventDefault();
  const room = $('room-input').value.trim();
  if (room) join(room).then(() => { $('room-input').value = ''; }).catch((err) => showError(err.message));
};

$('send-form').onsubmit = (e) => {
  e.preventDefault();
  const text = $('message-input').value;
  if (!text || !state.room) return;
  const key = crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random();
  request({ type: 'send', room: state.room, text, key })
    .then(() => { $('message-input').value = ''; showError(''); })
    .catch((err) => showError(err.message));
};

$('message-input').oninput = () => {
  const now = Date.now();
  if (state.room && state.ws && now - state.lastTyping > 2000) {
    state.lastTyping = now;
    state.ws.send(JSON.stringify({ type: 'typing', room: state.room }));
  }
};
