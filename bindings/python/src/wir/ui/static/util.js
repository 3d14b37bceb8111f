// util.js: building elements, and formatting times, durations, owners and paths.
//
// Every text that comes from the registry (paths, labels, task ids, host names) enters the page
// as a text node or an attribute value set through the DOM: nothing here parses a string as
// HTML, so a registry cannot add markup or script to the page. el() and svg() refuse the
// attributes that could load or run something.

const SVG_NS = 'http://www.w3.org/2000/svg';
const UNSAFE_ATTRIBUTE = /^(on|style$|href$|src$|xlink:href$|srcdoc$|action$|formaction$)/i;

function append(node, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(node, child);
    else if (child instanceof Node) node.appendChild(child);
    else node.appendChild(document.createTextNode(String(child)));
  }
  return node;
}

function setProps(node, props) {
  if (!props) return node;
  for (const [name, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'data') {
      for (const [key, item] of Object.entries(value)) node.dataset[key] = String(item);
    } else if (name === 'on') {
      for (const [event, handler] of Object.entries(value)) node.addEventListener(event, handler);
    } else if (name === 'color') {
      node.style.setProperty('--c', value);          // CSSOM: allowed under the page's policy
    } else if (UNSAFE_ATTRIBUTE.test(name)) {
      throw new Error('wir-ui: refusing to set attribute ' + name);
    } else {
      node.setAttribute(name, String(value));
    }
  }
  return node;
}

// el('span', {class: 'chip', title: text}, 'child text', otherNode, [more])
function el(tag, props, ...children) {
  return append(setProps(document.createElement(tag), props), children);
}

function svg(tag, props, ...children) {
  return append(setProps(document.createElementNS(SVG_NS, tag), props), children);
}

function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

// A steady colour per task id, so one task looks the same in the tree, the queue, the log and
// the timeline.
function taskColor(task) {
  let hash = 2166136261;
  for (let i = 0; i < task.length; i++) {
    hash ^= task.charCodeAt(i);
    hash = Math.imul(hash, 16777619) >>> 0;
  }
  const hue = hash % 360;
  const lightness = 38 + ((hash >>> 9) % 3) * 6;
  return 'hsl(' + hue + ', 62%, ' + lightness + '%)';
}

function chip(task, extraClass) {
  return el('span', {class: 'chip' + (extraClass ? ' ' + extraClass : ''), data: {task: task}, title: task,
                     color: taskColor(task)}, task);
}

function pad(n, width) {
  return String(n).padStart(width || 2, '0');
}

function fmtClock(ms) {
  const d = new Date(ms);
  return pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
}

function fmtDateTime(ms) {
  const d = new Date(ms);
  return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ' + fmtClock(ms);
}

// 0.4s, 42s, 4m05s, 2h10m, 3d04h
function fmtDuration(ms) {
  ms = Math.max(0, ms);
  if (ms < 10000) return (ms / 1000).toFixed(1) + 's';
  const s = Math.floor(ms / 1000);
  if (s < 60) return s + 's';
  const m = Math.floor(s / 60);
  if (m < 60) return m + 'm' + pad(s % 60) + 's';
  const h = Math.floor(m / 60);
  if (h < 24) return h + 'h' + pad(m % 60) + 'm';
  return Math.floor(h / 24) + 'd' + pad(h % 24) + 'h';
}

// A lease's time left: 4:05, 1:02:03, or "lapsed".
function fmtCountdown(ms) {
  if (ms <= 0) return 'lapsed';
  const s = Math.ceil(ms / 1000);
  const h = Math.floor(s / 3600);
  const rest = pad(Math.floor(s / 60) % 60) + ':' + pad(s % 60);
  return h ? h + ':' + rest : String(Math.floor(s / 60)) + ':' + pad(s % 60);
}

function fmtOwner(owner) {
  return (owner.kind === 'group' ? 'group ' : 'pid ') + owner.pid + '@' + owner.host;
}

// Paths are shown from the last directory all of them share (state.base), so the long common
// prefix (a home or a temporary directory) is written once, above the panels.
function pathSegments(path) {
  return path.split('/').filter(part => part !== '');
}

function commonBase(paths) {
  let common = null;
  for (const path of paths) {
    const parts = pathSegments(path);
    if (common === null) { common = parts; continue; }
    let i = 0;
    while (i < common.length && i < parts.length && common[i] === parts[i]) i++;
    common = common.slice(0, i);
  }
  if (!common || common.length < 2) return '';
  return '/' + common.slice(0, common.length - 1).join('/');
}

function shortPath(path, base) {
  if (base && path.startsWith(base + '/')) return path.slice(base.length + 1);
  return path;
}

function isGlobSegment(part) {
  return /[*?[\\]/.test(part);
}

// The literal directory a glob lies beneath (the path itself when it is no glob).
function entryBase(entry) {
  if (!entry.glob) return entry.path;
  const parts = pathSegments(entry.path);
  const i = parts.findIndex(isGlobSegment);
  return '/' + parts.slice(0, i < 0 ? parts.length : i).join('/');
}

function isWithin(path, dir) {
  return path === dir || dir === '/' || path.startsWith(dir + '/');
}

// Whether two entries may conflict: one lies within the other, and not both only read. For a
// glob this looks at the directory it lies beneath, so it may say yes where wir's exact rule
// says no; it is used only to show whom a waiter waits behind.
function entriesOverlap(a, b) {
  if (a.access === 'read' && b.access === 'read') return false;
  const pa = entryBase(a), pb = entryBase(b);
  return isWithin(pa, pb) || isWithin(pb, pa);
}

function accessMark(entry) {
  return el('span', {class: 'access ' + entry.access, title: entry.access + (entry.glob ? ', glob' : '')},
            entry.access === 'write' ? 'W' : 'R', entry.glob ? '*' : '');
}

function contains(haystack, needle) {
  return haystack.toLowerCase().includes(needle);
}
