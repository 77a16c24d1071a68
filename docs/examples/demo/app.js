// The Sluice demo page: one WebSocket at a time to the route chosen in #route, a log of what went each way.
// Plain browser JavaScript, no libraries, so the page works offline and reads top to bottom.
'use strict';

(function () {
  const route = document.getElementById('route');
  const connectButton = document.getElementById('connect');
  const status = document.getElementById('status');
  const composer = document.getElementById('composer');
  const message = document.getElementById('message');
  const sendButton = document.getElementById('send');
  const log = document.getElementById('log');
  const clearButton = document.getElementById('clear');

  let socket = null;

  // ws://HOST:PORT/route from the page's own address, so the demo works on any port (wss:// behind TLS).
  function urlFor(path) {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    return scheme + '//' + location.host + path;
  }

  function setStatus(state, text) {
    status.dataset.state = state;
    status.textContent = text;
    const open = state === 'open';
    message.disabled = !open;
    sendButton.disabled = !open;
    if (open) {
      message.focus();
    }
  }

  function addEntry(kind, text) {
    const item = document.createElement('li');
    item.className = kind;
    const mark = document.createElement('span');
    mark.className = 'mark';
    mark.textContent = { sent: 'sent', received: 'received', info: 'info' }[kind];
    const body = document.createElement('span');
    body.className = 'text';
    body.textContent = text;             // textContent, never innerHTML: messages are data, not markup
    item.append(mark, body);
    log.append(item);
    item.scrollIntoView({ block: 'nearest' });
  }

  function connect() {
    disconnect();
    const path = route.value;
    const ws = new WebSocket(urlFor(path));
    socket = ws;
    setStatus('connecting', 'connecting to ' + path + ' …');

    ws.addEventListener('open', function () {
      if (socket === ws) {
        setStatus('open', 'open: ' + path);
        addEntry('info', 'connected to ' + path);
      }
    });
    ws.addEventListener('message', function (event) {
      // The backend's bytes arrive as text frames (frame-type: text). A line service ends its reply with a
      // newline; drop that one so the log shows the line itself.
      const text = typeof event.data === 'string' ? event.data : '[' + event.data.size + ' bytes of binary]';
      addEntry('received', text.replace(/\r?\n$/, ''));
    });
    ws.addEventListener('close', function (event) {
      // 1000: the backend ended the session normally; 1001: Sluice is going away; 1011: the backend failed.
      // 1006 is never sent on the wire: the browser reports it when the connection broke (or the upgrade failed).
      const reason = event.reason ? ', ' + event.reason : '';
      addEntry('info', path + ' closed with code ' + event.code + reason);
      if (socket === ws) {
        socket = null;
        setStatus('closed', 'closed (code ' + event.code + reason + ')');
      }
    });
  }

  function disconnect() {
    if (socket !== null) {
      const old = socket;
      socket = null;                     // its close event no longer changes the status
      old.close(1000, 'switching route');
    }
  }

  function send() {
    const text = message.value;
    if (socket === null || socket.readyState !== WebSocket.OPEN || text === '') {
      return;
    }
    // One line per message: the newline tells a line service (like /upper) that the line is complete.
    socket.send(text + '\n');
    addEntry('sent', text);
    message.value = '';
    message.focus();
  }

  connectButton.addEventListener('click', connect);
  route.addEventListener('change', connect);       // a new route means a new WebSocket
  composer.addEventListener('submit', function (event) {
    event.preventDefault();                        // Enter in the input and the Send button both land here
    send();
  });
  clearButton.addEventListener('click', function () {
    log.replaceChildren();
  });

  connect();
}());
