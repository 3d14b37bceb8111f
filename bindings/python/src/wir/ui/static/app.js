// app.js: the page's state and where it comes from. Live, from wir-ui's server-sent events
// (/api/events: each part as it changes) and, for windows longer than an hour, /api/window;
// in a report, from the data inside the file. Every part is rendered again when one changes.

const boot = JSON.parse(document.getElementById('wir-data').textContent);
const isReport = document.body.classList.contains('mode-report');
const LIVE_WINDOW = boot.live_window_ms || 3600000;
const REFETCH_MS = 5000;

const state = {
  claims: [], waiters: [], log: [], history: [], truncated: false,
  offset: 0, frozenNow: null, error: '', windowError: '', connected: false, updated: 0,
  fetched: null, fetching: false,      // a window read from /api/window: {from, to, log, history, at}
  choice: '3600000', custom: null,     // the timeline's window: milliseconds back from now, or 'custom'
  rowsBy: 'task', treeView: 'path', collapsed: new Set(),
  filter: {task: '', path: '', outcome: ''},
};

function serverNow() {
  return state.frozenNow !== null ? state.frozenNow : Date.now() + state.offset;
}

// ---- what the timeline shows -------------------------------------------------------------

function timelineWindow() {
  const now = serverNow();
  if (isReport && state.custom) return {from: state.custom.from, to: state.custom.to, now: now};
  if (isReport) return {from: boot.window.from_ms, to: boot.window.to_ms, now: now};
  if (state.choice === 'custom' && state.custom) return {from: state.custom.from, to: state.custom.to, now: now};
  const back = Number(state.choice) || LIVE_WINDOW;
  return {from: now - back, to: now, now: now};
}

function timelineData(win) {
  const live = {claims: state.claims, waiters: state.waiters, log: state.log, history: state.history};
  if (isReport || (state.choice !== 'custom' && Number(state.choice) <= LIVE_WINDOW)) return live;
  // A longer window, or a chosen one, is read from the server: again every few seconds while it
  // ends now, once for a chosen one.
  const fetched = state.fetched;
  const mine = fetched && fetched.choice === state.choice;
  const stale = !mine || (state.choice === 'custom' ? fetched.from !== win.from || fetched.to !== win.to
                                                    : Date.now() - fetched.at > REFETCH_MS);
  if (stale) fetchWindow(win);
  return {claims: live.claims, waiters: live.waiters, log: mine ? fetched.log : [], history: mine ? fetched.history : []};
}

function fetchWindow(win) {
  if (state.fetching) return;
  state.fetching = true;
  const choice = state.choice;
  const done = (log, history, truncated) => {
    state.fetched = {choice: choice, from: win.from, to: win.to, log: log, history: history, truncated: truncated,
                     at: Date.now()};
  };
  fetch('api/window?from=' + Math.floor(win.from) + '&to=' + Math.floor(win.to), {cache: 'no-store'})
    .then(response => response.json().then(body => {
      if (!response.ok) throw new Error(body.error || response.statusText);
      done(body.log.rows, body.history.rows, body.log.truncated || body.history.truncated);
      state.windowError = '';
    }))
    .catch(error => {
      done([], [], false);                 // tried: not again before REFETCH_MS (or another window)
      state.windowError = 'cannot read that window: ' + error.message;
    })
    .finally(() => { state.fetching = false; rerender(); });
}

// ---- rendering ----------------------------------------------------------------------------

let renderPending = false;
function rerender() {
  if (renderPending) return;
  renderPending = true;
  requestAnimationFrame(() => { renderPending = false; render(); });
}

function labelsOf(data) {
  const labels = new Map();
  for (const row of data.history) if (row.label) labels.set(row.task_id, row.label);
  for (const claim of data.claims) if (claim.label) labels.set(claim.task_id, claim.label);
  return labels;
}

function allPaths(data) {
  const paths = [];
  for (const item of data.claims.concat(data.waiters, data.history)) for (const entry of item.entries) paths.push(entry.path);
  for (const row of data.log) paths.push(row.requested.path, row.held.path);
  return paths;
}

function render() {
  const win = timelineWindow();
  const data = timelineData(win);
  const labels = labelsOf(data);
  const base = commonBase(allPaths(data));
  const when = isReport ? ' at ' + fmtDateTime(serverNow()) : '';
  const windowWords = isReport ? 'in this window' : 'in the last hour';

  document.getElementById('registry').textContent = boot.registry || '';
  const root = document.getElementById('root');
  root.textContent = base ? 'paths under ' + base + '/' : '';
  root.title = root.textContent;
  const logRows = isReport ? data.log : state.log;
  const conflicts = logRows.reduce((n, row) => n + row.count, 0);
  clear(document.getElementById('stats'));
  append(document.getElementById('stats'), [
    el('span', {class: 'stat'}, el('b', null, String(state.claims.length)), ' in flight'),
    el('span', {class: 'stat'}, el('b', null, String(state.waiters.length)), ' queued'),
    el('span', {class: 'stat'}, el('b', null, String(conflicts)), ' conflicts ' + windowWords),
  ]);

  document.getElementById('tree-title').textContent = 'Claims in flight' + when;
  renderTree(document.getElementById('tree'), state.claims, state.waiters, state.treeView, state.collapsed, base,
             'Nothing is claimed' + (isReport ? ' when the report was made.' : ' now.'));
  document.getElementById('queue-title').textContent = 'Queue' + when;
  document.getElementById('queue-count').textContent = state.waiters.length ? state.waiters.length + ' waiting' : '';
  renderQueue(document.getElementById('queue'), state.claims, state.waiters, logRows, base, 'No one is waiting.');
  const shown = renderLog(document.getElementById('log'), logRows, state.filter, labels, base,
                          'No conflicts ' + windowWords + '.');
  document.getElementById('log-count').textContent = shown + (shown === 1 ? ' row' : ' rows');

  renderTimelinePart(win, data, labels, base);
  renderStatus();
}

function renderTimelinePart(win, data, labels, base) {
  win = win || timelineWindow();
  data = data || timelineData(win);
  labels = labels || labelsOf(data);
  base = base === undefined ? commonBase(allPaths(data)) : base;
  if (timelineDragging) return;
  renderTimeline(document.getElementById('timeline'), data, win, state.rowsBy, state.filter, labels, base, zoomTo);
  document.getElementById('window-text').textContent = fmtDateTime(win.from) + ' \u2013 ' + fmtDateTime(win.to) +
    (state.truncated || (state.fetched && state.fetched.truncated) ? ' (busy: oldest rows left out)' : '');
}

function renderStatus() {
  const status = document.getElementById('status');
  const text = document.getElementById('status-text');
  if (isReport) {
    status.className = 'status report';
    text.textContent = 'report made ' + fmtDateTime(serverNow());
  } else if (state.connected) {
    status.className = 'status live';
    text.textContent = 'live \u00b7 ' + fmtClock(state.updated);
  } else {
    status.className = 'status down';
    text.textContent = 'reconnecting';
  }
  const banner = document.getElementById('error');
  const message = state.error || state.windowError;
  banner.hidden = !message;
  banner.textContent = message ? 'wir-ui: ' + message : '';
}

// ---- live data ----------------------------------------------------------------------------

function applyParts(parts) {
  if (parts.state) { state.claims = parts.state.claims; state.waiters = parts.state.waiters; }
  if (parts.log) { state.log = parts.log.rows; state.truncated = parts.log.truncated; }
  if (parts.history) { state.history = parts.history.rows; state.truncated = state.truncated || parts.history.truncated; }
  if (typeof parts.error === 'string') state.error = parts.error;
}

function connect() {
  const events = new EventSource('api/events');
  events.addEventListener('update', event => {
    const parts = JSON.parse(event.data);
    state.offset = parts.now_ms - Date.now();
    state.connected = true;
    state.updated = Date.now();
    applyParts(parts);
    rerender();
  });
  events.addEventListener('open', () => { state.connected = true; renderStatus(); });
  events.addEventListener('error', () => { state.connected = false; renderStatus(); });
}

// Lease countdowns and waiting times move every second without a new read.
function tick() {
  const now = serverNow();
  for (const node of document.querySelectorAll('[data-expires]')) {
    node.textContent = fmtCountdown(Number(node.dataset.expires) - now);
    node.classList.toggle('soon', Number(node.dataset.expires) - now < 10000);
  }
  for (const node of document.querySelectorAll('.since[data-since]')) {
    node.textContent = fmtDuration(now - Number(node.dataset.since));
  }
}

// ---- controls -----------------------------------------------------------------------------

function segmented(id, apply) {
  const group = document.getElementById(id);
  group.addEventListener('click', event => {
    const button = event.target.closest('button');
    if (!button) return;
    for (const other of group.querySelectorAll('button')) other.classList.toggle('on', other === button);
    apply(button.dataset.value);
    rerender();
  });
}

// A report zooms within the data it holds; the live page reads the chosen window from the server.
function zoomTo(from, to) {
  if (isReport) {
    state.custom = from === null ? null : {from: from, to: to};
    rerender();
    return;
  }
  const choice = document.getElementById('window');
  if (from === null) {
    choice.value = String(LIVE_WINDOW);
    choice.dispatchEvent(new Event('change'));
    return;
  }
  choice.value = 'custom';
  document.getElementById('custom').hidden = false;
  document.getElementById('w-from').value = localInput(from);
  document.getElementById('w-to').value = localInput(to);
  state.choice = 'custom';
  state.custom = {from: from, to: to};
  state.fetched = null;
  rerender();
}

function localInput(ms) {
  const d = new Date(ms);
  return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + 'T' + pad(d.getHours()) + ':' +
    pad(d.getMinutes()) + ':' + pad(d.getSeconds());
}

function wireControls() {
  segmented('tree-view', value => { state.treeView = value; });
  segmented('rows-by', value => { state.rowsBy = value; });
  for (const [id, key] of [['f-task', 'task'], ['f-path', 'path'], ['f-outcome', 'outcome']]) {
    document.getElementById(id).addEventListener('input', event => {
      state.filter[key] = event.target.value.trim().toLowerCase();
      rerender();
    });
  }
  const choice = document.getElementById('window');
  const custom = document.getElementById('custom');
  choice.addEventListener('change', () => {
    state.choice = choice.value;
    custom.hidden = choice.value !== 'custom';
    if (choice.value === 'custom' && !state.custom) {
      const now = serverNow();
      document.getElementById('w-from').value = localInput(now - 3 * LIVE_WINDOW);
      document.getElementById('w-to').value = localInput(now);
    }
    state.fetched = null;
    rerender();
  });
  document.getElementById('w-show').addEventListener('click', () => {
    const from = new Date(document.getElementById('w-from').value).getTime();
    const to = new Date(document.getElementById('w-to').value).getTime();
    if (!(from < to)) { state.windowError = 'choose a window whose start comes before its end'; renderStatus(); return; }
    state.windowError = '';
    state.custom = {from: from, to: to};
    state.fetched = null;
    rerender();
  });
  // Point at a task anywhere: it lights up everywhere.
  document.addEventListener('mouseover', event => {
    const chipNode = event.target.closest && event.target.closest('.chip');
    const task = chipNode ? chipNode.dataset.task : null;
    for (const node of document.querySelectorAll('.chip.hl')) if (node.dataset.task !== task) node.classList.remove('hl');
    if (task !== null) for (const node of document.querySelectorAll('.chip')) if (node.dataset.task === task) node.classList.add('hl');
  });
  let resized = null;
  window.addEventListener('resize', () => { clearTimeout(resized); resized = setTimeout(rerender, 150); });
}

// ---- start --------------------------------------------------------------------------------

wireControls();
renderLegend(document.getElementById('legend'));
if (isReport) {
  const w = boot.window;
  state.frozenNow = w.now_ms;
  state.claims = w.state.claims;
  state.waiters = w.state.waiters;
  state.log = w.log.rows;
  state.history = w.history.rows;
  state.truncated = w.log.truncated || w.history.truncated;
  render();
} else {
  render();
  connect();
  setInterval(tick, 1000);
  setInterval(() => { if (state.connected && !renderPending) renderTimelinePart(); }, 2000);   // "now" moves on
}
