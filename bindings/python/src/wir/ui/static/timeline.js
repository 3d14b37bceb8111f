// timeline.js: a window of time, one row per task or per path: bars for held claims (solid),
// waits in the queue (hatched), a mark where each claim ended (its shape and colour say how),
// and a diamond for each conflict-log row (its colour says what became of it). A strip above
// the rows counts conflicts over time, so bursts stand out; so do long bars.

const END_STYLE = {
  'completed':    {color: '#15803d', shape: 'dot',      text: 'completed'},
  'failed':       {color: '#dc2626', shape: 'cross',    text: 'failed'},
  'cancelled':    {color: '#64748b', shape: 'square',   text: 'cancelled'},
  'expired':      {color: '#d97706', shape: 'triangle', text: 'lease expired'},
  'owner-dead':   {color: '#0f172a', shape: 'cross',    text: 'owner died'},
  'parent-ended': {color: '#7c3aed', shape: 'square',   text: 'parent ended'},
  'forced':       {color: '#be123c', shape: 'bar',      text: 'forced release'},
};
const OUTCOME_COLOR = {
  'refused': '#dc2626', 'timed-out': '#9333ea', 'warned': '#d97706', 'queued': '#2563eb',
  'admitted': '#0891b2', 'cancelled': '#64748b', 'abandoned': '#334155',
};
const TIMELINE = {label: 250, right: 18, axis: 24, burst: 36, row: 22, maxRows: 150};
const TICK_STEPS = [1e3, 5e3, 1e4, 3e4, 6e4, 12e4, 3e5, 6e5, 9e5, 18e5, 36e5, 72e5, 108e5, 216e5, 432e5, 864e5,
                    1728e5, 6048e5];

function endShape(reason, x, y) {
  const style = END_STYLE[reason] || {color: '#475569', shape: 'dot'};
  const c = style.color;
  const props = {class: 'end', data: {reason: reason}};
  switch (style.shape) {
    case 'cross':
      return svg('g', props, svg('line', {x1: x - 4, y1: y - 4, x2: x + 4, y2: y + 4, stroke: c, 'stroke-width': 2.4}),
                 svg('line', {x1: x - 4, y1: y + 4, x2: x + 4, y2: y - 4, stroke: c, 'stroke-width': 2.4}));
    case 'square':
      return svg('rect', Object.assign({x: x - 3.5, y: y - 3.5, width: 7, height: 7, fill: c}, props));
    case 'triangle':
      return svg('polygon', Object.assign({points: [x, y - 5, x + 5, y + 4, x - 5, y + 4].join(' '), fill: c}, props));
    case 'bar':
      return svg('rect', Object.assign({x: x - 1.5, y: y - 7, width: 3, height: 14, fill: c}, props));
    default:
      return svg('circle', Object.assign({cx: x, cy: y, r: 4, fill: c, stroke: '#fff', 'stroke-width': 1}, props));
  }
}

function diamond(x, y, color, size) {
  const s = size || 5;
  return svg('polygon', {points: [x, y - s, x + s, y, x, y + s, x - s, y].join(' '), fill: color,
                         stroke: '#fff', 'stroke-width': 1});
}

// The window's events, filtered: holds (held claims), waits (time in the queue), marks (log rows).
function timelineEvents(data, win, filter, labels) {
  const taskMatches = (...tasks) => !filter.task ||
    tasks.some(task => contains(task, filter.task) || contains(labels.get(task) || '', filter.task));
  const entriesMatch = entries => !filter.path || entries.some(entry => contains(entry.path, filter.path));
  const holds = [], waits = [], marks = [];
  for (const row of data.history) {
    if (row.ended_ms < win.from || row.created_ms > win.to) continue;
    if (!taskMatches(row.task_id) || !entriesMatch(row.entries)) continue;
    holds.push({task: row.task_id, label: row.label, entries: row.entries, start: row.created_ms, end: row.ended_ms,
                reason: row.reason, token: row.token, owners: [row.owner]});
  }
  // What is in flight (or queued) now has held (or waited) since it began: drawn where that
  // falls in the window.
  for (const claim of data.claims) {
    if (claim.created_ms > win.to || !taskMatches(claim.task_id) || !entriesMatch(claim.entries)) continue;
    holds.push({task: claim.task_id, label: claim.label, entries: claim.entries, start: claim.created_ms, end: null,
                reason: null, token: claim.token, owners: claim.owners});
  }
  for (const waiter of data.waiters) {
    if (waiter.enqueued_ms > win.to || !taskMatches(waiter.task_id) || !entriesMatch(waiter.entries)) continue;
    waits.push({task: waiter.task_id, entries: waiter.entries, start: waiter.enqueued_ms, end: null, outcome: 'queued'});
  }
  const waitSeen = new Set();
  for (const row of data.log) {
    if (row.at_ms > win.to || row.last_ms < win.from) continue;
    if (filter.outcome && row.outcome !== filter.outcome) continue;
    if (!taskMatches(row.task_id, row.holder.task_id)) continue;
    if (!entriesMatch([row.requested, row.held])) continue;
    marks.push({task: row.task_id, holder: row.holder.task_id, at: row.at_ms, last: row.last_ms, count: row.count,
                outcome: row.outcome, requested: row.requested, held: row.held, policy: row.policy});
    const waited = ['admitted', 'timed-out', 'cancelled', 'abandoned'].includes(row.outcome) && row.policy === 'queue';
    const key = row.task_id + ' ' + row.at_ms;
    if (waited && row.last_ms > row.at_ms && !waitSeen.has(key)) {
      waitSeen.add(key);
      waits.push({task: row.task_id, entries: [row.requested], start: row.at_ms, end: row.last_ms, outcome: row.outcome});
    }
  }
  return {holds, waits, marks};
}

function timelineRows(events, by, labels, base) {
  const rows = new Map();
  const row = (key, title, subtitle, task) => {
    if (!rows.has(key)) rows.set(key, {key, title, subtitle, task, holds: [], waits: [], marks: [], first: Infinity});
    return rows.get(key);
  };
  const touch = (r, item, list, time) => { r[list].push(item); r.first = Math.min(r.first, time); };
  if (by === 'path') {
    for (const hold of events.holds) for (const entry of hold.entries)
      touch(row(entry.path, shortPath(entry.path, base), '', null), hold, 'holds', hold.start);
    for (const wait of events.waits) for (const entry of wait.entries)
      touch(row(entry.path, shortPath(entry.path, base), '', null), wait, 'waits', wait.start);
    for (const mark of events.marks)
      touch(row(mark.requested.path, shortPath(mark.requested.path, base), '', null), mark, 'marks', mark.at);
  } else {
    const title = task => row(task, task, labels.get(task) || '', task);
    for (const hold of events.holds) touch(title(hold.task), hold, 'holds', hold.start);
    for (const wait of events.waits) touch(title(wait.task), wait, 'waits', wait.start);
    for (const mark of events.marks) touch(title(mark.task), mark, 'marks', mark.at);
  }
  return Array.from(rows.values()).sort((a, b) => a.first - b.first || (a.key < b.key ? -1 : 1));
}

function tickStep(span, width) {
  const wanted = span / Math.max(2, width / 95);
  return TICK_STEPS.find(step => step >= wanted) || TICK_STEPS[TICK_STEPS.length - 1];
}

function tickLabel(ms, step, span) {
  const d = new Date(ms);
  const hm = pad(d.getHours()) + ':' + pad(d.getMinutes());
  if (step < 6e4) return hm + ':' + pad(d.getSeconds());
  if (span > 20 * 36e5) return pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ' + hm;
  return hm;
}

function holdTitle(hold, now) {
  const end = hold.end === null ? now : hold.end;
  return hold.task + (hold.label ? ' \u2014 ' + hold.label : '') + '\n' +
    fmtDateTime(hold.start) + ' \u2192 ' + (hold.end === null ? 'now' : fmtDateTime(hold.end)) +
    ' (' + fmtDuration(end - hold.start) + ')\n' +
    (hold.end === null ? 'in flight' : 'ended: ' + (END_STYLE[hold.reason] || {text: hold.reason}).text) +
    ', token ' + hold.token + ', ' + hold.owners.map(fmtOwner).join(', ') + '\n' +
    hold.entries.map(entry => (entry.access === 'write' ? 'W ' : 'R ') + entry.path).join('\n');
}

function markTitle(mark) {
  return mark.outcome + ': ' + mark.task + ' asked for ' + mark.requested.path + '\n' +
    'held by ' + mark.holder + ': ' + mark.held.path + '\n' +
    fmtDateTime(mark.at) + (mark.count > 1 ? ', ' + mark.count + ' attempts until ' + fmtDateTime(mark.last) : '') +
    ' (policy ' + mark.policy + ')';
}

function renderTimeline(target, data, win, by, filter, labels, base, onZoom) {
  clear(target);
  const events = timelineEvents(data, win, filter, labels);
  const allRows = timelineRows(events, by, labels, base);
  const rows = allRows.slice(0, TIMELINE.maxRows);
  const width = Math.max(target.clientWidth || 0, 720);
  const height = TIMELINE.axis + TIMELINE.burst + Math.max(rows.length, 1) * TIMELINE.row + 8;
  const plotLeft = TIMELINE.label, plotRight = width - TIMELINE.right;
  const span = win.to - win.from;
  const x = t => plotLeft + (Math.min(Math.max(t, win.from), win.to) - win.from) / span * (plotRight - plotLeft);
  const chart = svg('svg', {class: 'tl', width: width, height: height, viewBox: '0 0 ' + width + ' ' + height,
                            role: 'img', 'aria-label': 'timeline'});
  chart.appendChild(svg('defs', null,
    svg('pattern', {id: 'wir-hatch', patternUnits: 'userSpaceOnUse', width: 6, height: 6, patternTransform: 'rotate(45)'},
        svg('rect', {width: 6, height: 6, fill: '#dbeafe'}), svg('rect', {width: 2.5, height: 6, fill: '#3b82f6'}))));

  // Axis and grid.
  const step = tickStep(span, plotRight - plotLeft);
  const offset = new Date(win.from).getTimezoneOffset() * 6e4;
  const grid = svg('g', {class: 'grid'});
  for (let t = Math.ceil((win.from - offset) / step) * step + offset; t <= win.to; t += step) {
    grid.appendChild(svg('line', {x1: x(t), x2: x(t), y1: TIMELINE.axis - 4, y2: height}));
    grid.appendChild(svg('text', {x: x(t), y: TIMELINE.axis - 9, 'text-anchor': 'middle', class: 'tick'},
                         tickLabel(t, step, span)));
  }
  chart.appendChild(grid);

  // Conflicts over time.
  const bins = Math.max(12, Math.min(120, Math.floor((plotRight - plotLeft) / 8)));
  const counts = new Array(bins).fill(0);
  const bin = t => Math.min(bins - 1, Math.max(0, Math.floor((t - win.from) / span * bins)));
  for (const mark of events.marks) {
    if (mark.at >= win.from && mark.at <= win.to) counts[bin(mark.at)] += 1;
    if (mark.count > 1 && mark.last >= win.from && mark.last <= win.to) counts[bin(mark.last)] += mark.count - 1;
  }
  const most = Math.max(1, ...counts);
  const burstTop = TIMELINE.axis + 2, burstHeight = TIMELINE.burst - 10;
  const burst = svg('g', {class: 'burst'},
    svg('text', {x: 8, y: burstTop + burstHeight - 2, class: 'row-title muted'}, 'conflicts'),
    svg('text', {x: plotLeft - 8, y: burstTop + 9, 'text-anchor': 'end', class: 'tick'}, String(most)));
  const binWidth = (plotRight - plotLeft) / bins;
  counts.forEach((count, i) => {
    if (!count) return;
    const h = Math.max(2, count / most * burstHeight);
    burst.appendChild(svg('rect', {x: plotLeft + i * binWidth + 0.5, y: burstTop + burstHeight - h,
                                   width: Math.max(1, binWidth - 1), height: h, fill: '#f87171'},
                          svg('title', null, count + (count === 1 ? ' conflict' : ' conflicts'))));
  });
  chart.appendChild(burst);

  // Rows.
  const top = TIMELINE.axis + TIMELINE.burst;
  rows.forEach((r, i) => {
    const y = top + i * TIMELINE.row, mid = y + TIMELINE.row / 2;
    const g = svg('g', {class: 'tl-row', data: {row: r.key}});
    if (i % 2 === 0) g.appendChild(svg('rect', {x: 0, y: y, width: width, height: TIMELINE.row, class: 'stripe'}));
    const title = r.title.length > 30 ? '\u2026' + r.title.slice(-29) : r.title;
    const label = svg('text', {x: 8, y: mid + 4, class: 'row-title'}, svg('title', null, r.key), title);
    if (r.task) label.style.fill = taskColor(r.task);
    if (r.subtitle) {
      const room = Math.max(0, 36 - title.length);
      if (room > 3) label.appendChild(svg('tspan', {class: 'row-sub', dx: 6},
                                          r.subtitle.length > room ? r.subtitle.slice(0, room - 1) + '\u2026' : r.subtitle));
    }
    g.appendChild(label);
    for (const wait of r.waits) {
      const x1 = x(wait.start), x2 = x(wait.end === null ? win.now : wait.end);
      g.appendChild(svg('rect', {x: x1, y: mid - 3, width: Math.max(2, x2 - x1), height: 6, fill: 'url(#wir-hatch)',
                                 class: 'wait', data: {task: wait.task}},
                        svg('title', null, wait.task + ' waited in the queue ' +
                            fmtDuration((wait.end === null ? win.now : wait.end) - wait.start) +
                            (wait.end === null ? ' (still waiting)' : ', then ' + wait.outcome))));
    }
    for (const hold of r.holds) {
      const x1 = x(hold.start), x2 = x(hold.end === null ? win.now : hold.end);
      const bar = svg('rect', {x: x1, y: mid - 6, width: Math.max(2, x2 - x1), height: 12, rx: 3,
                               fill: taskColor(hold.task), class: 'hold' + (hold.end === null ? ' open' : ''),
                               data: {task: hold.task, reason: hold.reason || 'in-flight'}},
                       svg('title', null, holdTitle(hold, win.now)));
      g.appendChild(bar);
      if (hold.end === null) {
        g.appendChild(svg('polygon', {points: [x2, mid - 6, x2 + 6, mid, x2, mid + 6].join(' '), fill: taskColor(hold.task)}));
      } else if (hold.end <= win.to) {
        const end = endShape(hold.reason, x2, mid);
        end.appendChild(svg('title', null, holdTitle(hold, win.now)));
        g.appendChild(end);
      }
    }
    for (const mark of r.marks) {
      const color = OUTCOME_COLOR[mark.outcome] || '#475569';
      const m = svg('g', {class: 'mark', data: {outcome: mark.outcome, task: mark.task}});
      if (mark.count > 1 && mark.last > mark.at) {
        m.appendChild(svg('line', {x1: x(mark.at), x2: x(mark.last), y1: mid, y2: mid, stroke: color, 'stroke-width': 1.5,
                                   'stroke-dasharray': '3 2'}));
        m.appendChild(diamond(x(mark.last), mid, color, 4));
        m.appendChild(svg('text', {x: x(mark.last) + 7, y: mid + 4, class: 'count', fill: color}, '\u00d7' + mark.count));
      }
      m.appendChild(diamond(x(mark.at), mid, color));
      m.appendChild(svg('title', null, markTitle(mark)));
      g.appendChild(m);
    }
    chart.appendChild(g);
  });
  if (rows.length === 0) {
    chart.appendChild(svg('text', {x: plotLeft + 8, y: top + 15, class: 'muted'}, 'Nothing held, queued or refused in this window.'));
  }
  if (win.now >= win.from && win.now <= win.to) {
    chart.appendChild(svg('line', {x1: x(win.now), x2: x(win.now), y1: TIMELINE.axis - 4, y2: height, class: 'now'}));
  }
  if (onZoom) zoomable(chart, plotLeft, plotRight, height, win, onZoom);
  target.appendChild(chart);
  if (allRows.length > rows.length) {
    target.appendChild(el('p', {class: 'muted more'}, (allRows.length - rows.length) +
                            ' more rows not drawn: filter by task or path, or choose a shorter window.'));
  }
}

function renderLegend(target) {
  clear(target);
  const swatch = (...shapes) => svg('svg', {width: 16, height: 16, viewBox: '-8 -8 16 16', class: 'swatch'}, shapes);
  const items = [
    el('span', {class: 'item'}, swatch(svg('rect', {x: -7, y: -5, width: 14, height: 10, rx: 2, fill: '#64748b'})), 'held'),
    el('span', {class: 'item'}, swatch(svg('rect', {x: -7, y: -3, width: 14, height: 6, fill: 'url(#wir-legend-hatch)'})), 'queued'),
  ];
  for (const [reason, style] of Object.entries(END_STYLE)) {
    items.push(el('span', {class: 'item'}, swatch(endShape(reason, 0, 0)), style.text));
  }
  items.push(el('span', {class: 'sep'}));
  for (const [outcome, color] of Object.entries(OUTCOME_COLOR)) {
    items.push(el('span', {class: 'item'}, swatch(diamond(0, 0, color)), outcome));
  }
  target.appendChild(svg('svg', {width: 0, height: 0, class: 'defs'}, svg('defs', null,
    svg('pattern', {id: 'wir-legend-hatch', patternUnits: 'userSpaceOnUse', width: 6, height: 6, patternTransform: 'rotate(45)'},
        svg('rect', {width: 6, height: 6, fill: '#dbeafe'}), svg('rect', {width: 2.5, height: 6, fill: '#3b82f6'})))));
  append(target, items);
  target.appendChild(el('span', {class: 'hint'}, 'drag across the chart to zoom in, double-click to zoom out'));
}
