// The live status page: polls /status once a second, renders routes and workers, notes every worker change as an
// event, and charts open sessions and bytes per second over the last minute. No build step, no dependency.
"use strict";

const HISTORY = 60;
const sessionsHistory = [];
const bytesHistory = [];
let lastBytes = null;
let lastTime = null;
let previousWorkers = new Map();
let token = sessionStorage.getItem("sluice-token") || "";

function text(value) {
  return value === null || value === undefined ? "–" : String(value);
}

function human(seconds) {
  if (typeof seconds !== "number") return "–";
  const s = Math.floor(seconds);
  if (s >= 86400) return Math.floor(s / 86400) + "d" + Math.floor(s % 86400 / 3600) + "h";
  if (s >= 3600) return Math.floor(s / 3600) + "h" + String(Math.floor(s % 3600 / 60)).padStart(2, "0") + "m";
  if (s >= 60) return Math.floor(s / 60) + "m" + String(s % 60).padStart(2, "0") + "s";
  return s + "s";
}

function bytes(n) {
  if (n >= 1 << 30) return (n / (1 << 30)).toFixed(1) + " GiB";
  if (n >= 1 << 20) return (n / (1 << 20)).toFixed(1) + " MiB";
  if (n >= 1 << 10) return (n / (1 << 10)).toFixed(1) + " KiB";
  return Math.round(n) + " B";
}

function cell(row, value, className) {
  const td = row.insertCell();
  td.textContent = text(value);
  if (className) td.className = className;
  return td;
}

function renderRoutes(status) {
  const body = document.querySelector("#routes tbody");
  body.replaceChildren();
  for (const route of status.routes) {
    const row = body.insertRow();
    row.dataset.route = route.route;
    const refused = Object.values(route.refusals).reduce((a, b) => a + b, 0);
    cell(row, route.route);
    cell(row, route.balance);
    cell(row, route.sessions.open, "num open");
    cell(row, route.sessions.total, "num total");
    cell(row, refused, "num");
    cell(row, route.hosts.join(", "));
  }
}

function lastExitText(exit) {
  return exit ? exit.description + " (pid " + exit.pid + ", " + new Date(exit.at).toLocaleTimeString() + ")" : "–";
}

function renderWorkers(status) {
  const body = document.querySelector("#workers tbody");
  body.replaceChildren();
  const current = new Map();
  for (const host of status.hosts) {
    for (const worker of host.workers) {
      const key = host.route + " " + host.name + "#" + worker.id;
      current.set(key, worker);
      const row = body.insertRow();
      row.dataset.worker = key;
      row.className = "state-" + worker.state;
      const before = previousWorkers.get(key);
      if (before && (before.state !== worker.state || before.pid !== worker.pid)) {
        row.classList.add("changed");
      }
      cell(row, host.route);
      cell(row, host.name);
      cell(row, host.kind);
      cell(row, worker.id, "num");
      cell(row, worker.state, "state");
      cell(row, worker.pid, "num pid");
      cell(row, worker.load, "num");
      cell(row, human(worker.uptimeSeconds), "num");
      cell(row, worker.restarts, "num restarts");
      cell(row, lastExitText(worker.lastExit), "last-exit");
      noteChanges(key, before, worker);
    }
  }
  previousWorkers = current;
}

function noteChanges(key, before, worker) {
  if (!before) return;
  const exitChanged = worker.lastExit && (!before.lastExit || before.lastExit.at !== worker.lastExit.at);
  if (exitChanged) {
    event(key + " pid " + worker.lastExit.pid + " ended: " + worker.lastExit.description);
  }
  if (before.state !== worker.state) {
    event(key + " " + before.state + " → " + worker.state + (worker.pid ? " (pid " + worker.pid + ")" : ""));
  }
}

function event(line) {
  const list = document.getElementById("events");
  const item = document.createElement("li");
  item.textContent = new Date().toLocaleTimeString() + "  " + line;
  list.prepend(item);
  while (list.children.length > 200) list.lastChild.remove();
}

function push(history, value) {
  history.push(value);
  while (history.length > HISTORY) history.shift();
}

function sparkline(canvas, history) {
  const g = canvas.getContext("2d");
  const w = canvas.width, h = canvas.height;
  g.clearRect(0, 0, w, h);
  if (history.length < 2) return;
  const max = Math.max(1, ...history);
  g.strokeStyle = "#0b6bcb";
  g.lineWidth = 1.5;
  g.beginPath();
  history.forEach((v, i) => {
    const x = (i / (HISTORY - 1)) * (w - 2) + 1;
    const y = h - 2 - (v / max) * (h - 6);
    if (i === 0) g.moveTo(x, y); else g.lineTo(x, y);
  });
  g.stroke();
}

function renderCharts(status) {
  const now = Date.parse(status.sluice.now);
  const total = status.sessions.bytesFromClient + status.sessions.bytesToClient;
  const rate = lastBytes === null ? 0 : Math.max(0, (total - lastBytes) / Math.max(0.001, (now - lastTime) / 1000));
  lastBytes = total;
  lastTime = now;
  push(sessionsHistory, status.sessions.open);
  push(bytesHistory, rate);
  document.getElementById("sessions-now").textContent = status.sessions.open;
  document.getElementById("bytes-now").textContent = bytes(rate) + "/s";
  sparkline(document.getElementById("sessions-chart"), sessionsHistory);
  sparkline(document.getElementById("bytes-chart"), bytesHistory);
}

function render(status) {
  const s = status.sluice;
  document.getElementById("instance").textContent =
      "version " + s.version + " · pid " + s.pid + " · up " + human(s.uptimeSeconds) + " · " + s.transport;
  const ready = document.getElementById("ready");
  ready.textContent = s.ready ? "ready" : "not ready: " + s.notReadyBecause;
  ready.className = "badge " + (s.ready ? "ready" : "not-ready");
  document.getElementById("updated").textContent = "updated " + new Date(s.now).toLocaleTimeString();
  renderRoutes(status);
  renderWorkers(status);
  renderCharts(status);
}

async function poll() {
  const error = document.getElementById("error");
  try {
    const headers = token ? {"Authorization": "Bearer " + token} : {};
    const response = await fetch("status", {headers: headers, cache: "no-store"});
    if (response.status === 401) {
      document.getElementById("token-form").hidden = false;
      error.hidden = false;
      error.textContent = token ? "The token was refused." : "A token is needed.";
      return;
    }
    if (!response.ok) throw new Error("status " + response.status);
    render(await response.json());
    error.hidden = true;
  } catch (e) {
    error.hidden = false;
    error.textContent = "Cannot reach Sluice: " + e.message;
  }
}

document.getElementById("token-form").addEventListener("submit", e => {
  e.preventDefault();
  token = document.getElementById("token").value.trim();
  sessionStorage.setItem("sluice-token", token);
  document.getElementById("token-form").hidden = true;
  poll();
});

poll();
setInterval(poll, 1000);
