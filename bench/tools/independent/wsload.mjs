// An independent WebSocket load client: Node.js and the `ws` library, sharing no code with LoadGen (Java/Netty).
// It checks bench/run.sh's ratios from outside: a different handshake, framing, masking and event loop.
//
//   node wsload.mjs --url ws://127.0.0.1:8081/echo --mode pingpong --conns 64 --size 64 --duration 5
//   node wsload.mjs --url ... --mode stream --conns 16 --size 65536 --window 8 --procs 2
//
//   node wsload.mjs --url ... --mode churn --conns 8 --size 64
//
// pingpong: each connection sends one binary message and waits for its echo (closed loop).
// stream: each connection keeps --window messages in flight.
// churn: the shape of LoadGen's churn mode; --conns slots each run short sessions back to back: connect, handshake,
// one message and its echo, the client's CLOSE 1000, the server's CLOSE and the TCP close, then the next session.
// Every echoed message is compared byte for byte with what was sent; any difference, early close or error makes
// the run invalid. --protocol P offers subprotocol P ('' for none). --procs N splits the connections over N Node
// processes (one event loop each).
// Prints one JSON line: msgs, rate_msgs_s, p50/p90/p99/max latency in µs, client CPU, errors, valid; for churn
// sessions, rate_sessions_s, upgrade p50/p99 (connect start to 'open'), close p50/p99 (ws.close() to 'close', the
// TCP close included, where LoadGen stops at the server's CLOSE frame), client CPU, the server's close codes.
import { fork } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import WebSocket from 'ws';

const opts = parseArgs(process.argv.slice(2), {
  url: 'ws://127.0.0.1:8081/echo', mode: 'pingpong', conns: 1, size: 64, window: 8, duration: 5, warmup: 1,
  procs: 1, worker: 0, protocol: 'binary',
});

// Only error messages are ever printed, never stacks; and ws builds an Error for every CLOSE answer of lighttpd
// 1.4.69 (see session()): capturing its stack cost this client ~50 µs per lighttpd session, which a run limited by
// the client's CPU turned into a lower lighttpd rate.
Error.stackTraceLimit = 0;

// The payload pool of nextPayload, declared before the run starts: churn takes its first payloads synchronously.
const POOL = randomFillSync(Buffer.allocUnsafe(1 << 20));
let poolOffset = 0;

// Every path ends with an explicit exit once its output is written: a server that never answers the close, or the
// drain timer, must not keep the process alive.
if (opts.procs > 1 && !opts.worker) {
  runProcesses(opts).then((r) => print(r, 0), fail);
} else {
  runConnections(opts).then((r) => {
    if (opts.worker) process.send(r, () => process.exit(0)); else print(summary(opts, [r]), 0);
  }, fail);
}

function print(result, code) {
  process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(code));
}

// A worker reports its failure to the parent, which prints the one result line.
function fail(error) {
  if (opts.worker) process.send({ failed: String(error) }, () => process.exit(1));
  else print({ errors: 1, first_error: String(error), valid: false }, 1);
}

function parseArgs(argv, defaults) {
  const out = { ...defaults };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '');
    if (!(key in defaults)) throw new Error(`unknown option --${key}; allowed: ${Object.keys(defaults).join(', ')}`);
    const value = argv[i + 1];
    out[key] = typeof defaults[key] === 'number' ? Number(value) : value;
  }
  return out;
}

// One process: open every connection, run warm-up then the measured interval, close, report raw counts.
async function runConnections(o) {
  if (o.mode === 'churn') return runChurn(o);
  const sockets = await Promise.all(Array.from({ length: o.conns }, () => open(o.url, o.protocol)));
  const state = { measuring: false, stopping: false, msgs: 0, bytes: 0, errors: 0, firstError: null, lat: [] };
  const flows = sockets.map((ws, id) => startFlow(ws, id, o, state));
  await delay(o.warmup * 1000);
  state.measuring = true;
  const cpuMeasured = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await delay(o.duration * 1000);
  state.measuring = false;
  const elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpuMeasured);
  state.stopping = true;
  await Promise.race([Promise.all(flows.map((f) => f.drained)), delay(15000)]);
  const inFlight = flows.filter((f) => f.pending() > 0).length;
  for (const ws of sockets) ws.close(1000);
  return {
    msgs: state.msgs, bytes: state.bytes, elapsed, errors: state.errors + (inFlight ? 1 : 0),
    firstError: state.firstError ?? (inFlight ? `${inFlight} connections still had messages in flight 15 s after the run` : null),
    lat: state.lat, cpuUs: cpu.user + cpu.system,
  };
}

// Offers the subprotocol `binary` by default: lighttpd 1.4.69 with frame-type binary answers
// `Sec-WebSocket-Protocol: binary` even when none was offered, which ws rightly refuses (LoadGen ignores it).
function open(url, protocol) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocol ? [protocol] : [], { perMessageDeflate: false });
    ws.binaryType = 'nodebuffer';
    ws.once('open', () => { ws._socket.setNoDelay(true); resolve(ws); });
    ws.once('error', reject);
  });
}

// A flow sends distinct random payloads and expects the same bytes back in order. The tunnel carries a byte
// stream, so the echo of one message may arrive as several WebSocket messages (the backend's reads decide the
// frames): bytes are compared as they arrive, and a message counts when its last byte is back.
function startFlow(ws, id, o, state) {
  const expected = [];   // {payload, offset, sentAt}
  const window = o.mode === 'stream' ? o.window : 1;
  let resolveDrained;
  const drained = new Promise((r) => { resolveDrained = r; });
  const error = (message) => {
    state.errors++;
    state.firstError ??= `connection ${id}: ${message}`;
    resolveDrained();
  };
  const send = () => {
    const payload = nextPayload(o.size);
    expected.push({ payload, offset: 0, sentAt: process.hrtime.bigint() });
    ws.send(payload, { binary: true });   // ws masks into its own buffer (a Buffer argument is read-only to it)
  };
  ws.on('message', (data, isBinary) => {
    if (!isBinary) return error('a text message in a binary session');
    let at = 0;
    while (at < data.length) {
      const next = expected[0];
      if (!next) return error(`${data.length - at} bytes nobody sent`);
      const n = Math.min(data.length - at, next.payload.length - next.offset);
      if (data.compare(next.payload, next.offset, next.offset + n, at, at + n) !== 0) {
        return error(`echo differs from what was sent at byte ${next.offset} of a message`);
      }
      at += n;
      next.offset += n;
      if (next.offset < next.payload.length) break;
      expected.shift();
      if (state.measuring) {
        state.msgs++;
        state.bytes += next.payload.length;
        state.lat.push(Number(process.hrtime.bigint() - next.sentAt) / 1000);
      }
      if (!state.stopping) send();
      else if (expected.length === 0) resolveDrained();
    }
  });
  ws.on('close', (code) => { if (!state.stopping) error(`closed early with ${code}`); });
  ws.on('error', (e) => error(e.message));
  for (let i = 0; i < window; i++) send();
  return { drained, pending: () => expected.length };
}

// Payloads are windows of one random pool at moving offsets: each message differs from its neighbours without the
// cost of generating fresh random bytes per message (which would make this client the bottleneck for 64 KiB).
function nextPayload(size) {
  if (size > POOL.length) return randomFillSync(Buffer.allocUnsafe(size));
  poolOffset = (poolOffset + 7919) % (POOL.length - size + 1);
  return POOL.subarray(poolOffset, poolOffset + size);
}

// One process of the churn mode: every slot runs sessions until the measured interval ends, then finishes the one
// it has; a session counts when it ends inside the interval (as in LoadGen).
async function runChurn(o) {
  const state = { measuring: false, stopping: false, upgrade: [], close: [], codes: {}, errors: 0, firstError: null };
  const slots = Array.from({ length: o.conns }, (_, id) => runSlot(id, o, state));
  await delay(o.warmup * 1000);
  state.measuring = true;
  const cpuMeasured = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await delay(o.duration * 1000);
  state.measuring = false;
  const elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpuMeasured);
  state.stopping = true;
  let running = o.conns;
  slots.forEach((s) => s.then(() => running--));
  await Promise.race([Promise.all(slots), delay(30000)]);
  return {
    sessions: state.upgrade.length, upgrade: state.upgrade, close: state.close, codes: state.codes, elapsed,
    errors: state.errors + (running ? 1 : 0),
    firstError: state.firstError ?? (running ? `${running} slots still had a session 30 s after the run` : null),
    cpuUs: cpu.user + cpu.system,
  };
}

// A slot stops at its first failed session (the run is invalid anyway, and a broken server is not hammered).
async function runSlot(id, o, state) {
  try {
    while (!state.stopping) {
      const s = await session(o);
      state.codes[s.code] = (state.codes[s.code] ?? 0) + 1;
      if (state.measuring) {
        state.upgrade.push(s.upgradeUs);
        state.close.push(s.closeUs);
      }
    }
  } catch (e) {
    state.errors++;
    state.firstError ??= `slot ${id}: ${e.message}`;
  }
}

// One churn session; resolves once the TCP connection closed after the server's CLOSE. ws answers the server's CLOSE
// and ends the socket itself; its 'close' event waits for the server's FIN too.
function session(o) {
  return new Promise((resolve, reject) => {
    const startedAt = process.hrtime.bigint();
    const payload = nextPayload(o.size);
    const ws = new WebSocket(o.url, o.protocol ? [o.protocol] : [], { perMessageDeflate: false });
    ws.binaryType = 'nodebuffer';
    let upgradeUs = 0;
    let received = 0;
    let closeSentAt = null;
    let refusedCode = null;
    const fail = (message) => {
      reject(new Error(message));
      ws.terminate();
    };
    ws.once('open', () => {
      upgradeUs = sinceUs(startedAt);
      ws.send(payload, { binary: true });
    });
    // as in the other modes, the echo may come back in several messages
    ws.on('message', (data, isBinary) => {
      if (!isBinary) return fail('a text message in a binary session');
      if (closeSentAt !== null || received + data.length > payload.length) {
        return fail(`${received + data.length - payload.length} bytes nobody sent`);
      }
      if (data.compare(payload, received, received + data.length) !== 0) {
        return fail(`echo differs from what was sent at byte ${received}`);
      }
      received += data.length;
      if (received === payload.length) {
        closeSentAt = process.hrtime.bigint();
        ws.close(1000);
      }
    });
    ws.on('error', (e) => {
      // lighttpd 1.4.69 answers a CLOSE with its code's ASCII digits ("1000" reads as 12592), which ws refuses
      // after it arrived; as in LoadGen any answer ends the session: the case measures what a session costs.
      if (closeSentAt !== null && e.code === 'WS_ERR_INVALID_CLOSE_CODE') refusedCode = e.message.match(/\d+$/)?.[0];
      else fail(e.message);
    });
    ws.on('close', (code) => {
      if (closeSentAt === null) return fail(`closed (${code}) before the echo was complete`);
      // ws reports 1006 when no CLOSE frame arrived
      if (code === 1006 && refusedCode === null) return fail('the connection closed without the server\'s CLOSE');
      resolve({ upgradeUs, closeUs: sinceUs(closeSentAt), code: refusedCode ?? code });
    });
  });
}

function sinceUs(t) {
  return Number(process.hrtime.bigint() - t) / 1000;
}

// Several processes: fork this script per share of the connections, then merge their raw counts.
async function runProcesses(o) {
  const shares = Array.from({ length: o.procs }, (_, i) =>
    Math.floor(o.conns / o.procs) + (i < o.conns % o.procs ? 1 : 0)).filter((n) => n > 0);
  const results = await Promise.all(shares.map((n) => new Promise((resolve, reject) => {
    const args = Object.entries({ ...o, conns: n, procs: 1, worker: 1 }).flatMap(([k, v]) => [`--${k}`, String(v)]);
    const child = fork(new URL(import.meta.url).pathname, args);
    child.once('message', (m) => (m.failed ? reject(m.failed) : resolve(m)));
    child.once('exit', (code) => { if (code) reject(new Error(`worker exited ${code}`)); });
  })));
  return summary(o, results);
}

function summary(o, results) {
  if (o.mode === 'churn') return churnSummary(o, results);
  const lat = Float64Array.from(results.flatMap((r) => r.lat)).sort();
  const pct = percentiles(lat);
  const msgs = results.reduce((a, r) => a + r.msgs, 0);
  const elapsed = Math.max(...results.map((r) => r.elapsed));
  const errors = results.reduce((a, r) => a + r.errors, 0);
  const cpuUs = results.reduce((a, r) => a + r.cpuUs, 0);
  return {
    tool: `node ${process.version} + ws`, url: o.url, mode: o.mode, conns: o.conns, size: o.size,
    window: o.mode === 'stream' ? o.window : 1, procs: o.procs, duration_s: elapsed, msgs,
    rate_msgs_s: msgs / elapsed, mb_s: results.reduce((a, r) => a + r.bytes, 0) / elapsed / 1e6,
    p50_us: pct(0.5), p90_us: pct(0.9), p99_us: pct(0.99), max_us: lat.length ? lat[lat.length - 1] : 0,
    client_cpu_us_per_msg: msgs ? cpuUs / msgs : null, errors,
    first_error: results.map((r) => r.firstError).find((e) => e) ?? null, valid: errors === 0 && msgs > 0,
  };
}

// The same names as LoadGen's churn line, so independent.sh reads both alike.
function churnSummary(o, results) {
  const upgrade = percentiles(Float64Array.from(results.flatMap((r) => r.upgrade)).sort());
  const close = percentiles(Float64Array.from(results.flatMap((r) => r.close)).sort());
  const sessions = results.reduce((a, r) => a + r.sessions, 0);
  const elapsed = Math.max(...results.map((r) => r.elapsed));
  const errors = results.reduce((a, r) => a + r.errors, 0);
  const cpuUs = results.reduce((a, r) => a + r.cpuUs, 0);
  const codes = {};
  for (const r of results) for (const [k, n] of Object.entries(r.codes)) codes[k] = (codes[k] ?? 0) + n;
  return {
    tool: `node ${process.version} + ws`, url: o.url, mode: o.mode, conns: o.conns, size: o.size, procs: o.procs,
    duration_s: elapsed, sessions, rate_sessions_s: sessions / elapsed,
    upgrade_p50_us: upgrade(0.5), upgrade_p99_us: upgrade(0.99), close_p50_us: close(0.5), close_p99_us: close(0.99),
    client_cpu_ms: cpuUs / 1000, client_cpu_us_per_session: sessions ? cpuUs / sessions : null,
    server_close_codes: codes, errors,
    first_error: results.map((r) => r.firstError).find((e) => e) ?? null, valid: errors === 0 && sessions > 0,
  };
}

// p → the p-quantile of sorted values (0 when there are none)
function percentiles(sorted) {
  return (p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : 0);
}

function delay(ms) {
  return new Promise((r) => setTimeout(r, ms));
}
