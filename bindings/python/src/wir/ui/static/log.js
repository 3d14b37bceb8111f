// log.js: the conflict log, newest first: who was refused, queued or warned, by whom, over what.
//
// A refusal its task repeated is one row with a count, from its first time (at_ms) to its last
// (last_ms). The filter bar keeps rows whose task or holder (id or label) and whose requested or
// held path contain what was typed.

const LOG_SHOWN = 400;

function logRowMatches(row, filter, labels) {
  if (filter.outcome && row.outcome !== filter.outcome) return false;
  if (filter.task) {
    const names = [row.task_id, row.holder.task_id, labels.get(row.task_id) || '', labels.get(row.holder.task_id) || ''];
    if (!names.some(name => contains(name, filter.task))) return false;
  }
  if (filter.path && !contains(row.requested.path, filter.path) && !contains(row.held.path, filter.path)) return false;
  return true;
}

function logWhen(row) {
  const when = el('span', {class: 'when', title: fmtDateTime(row.at_ms)}, fmtClock(row.last_ms));
  if (row.count > 1) {
    return [when, el('span', {class: 'repeat', title: row.count + ' attempts since ' + fmtDateTime(row.at_ms)},
                     '×' + row.count)];
  }
  return [when];
}

function logDetail(row) {
  if (row.outcome === 'queued') return 'for ' + fmtDuration(serverNow() - row.at_ms);
  if (row.waited_ms > 0) return 'after ' + fmtDuration(row.waited_ms);
  return 'policy ' + row.policy;
}

function renderLog(target, rows, filter, labels, base, emptyText) {
  clear(target);
  const shown = rows.filter(row => logRowMatches(row, filter, labels))
                    .sort((a, b) => b.last_ms - a.last_ms || b.at_ms - a.at_ms);
  if (shown.length === 0) {
    target.appendChild(el('p', {class: 'empty'}, rows.length ? 'No row matches the filter.' : emptyText));
    return 0;
  }
  const body = el('tbody', null, shown.slice(0, LOG_SHOWN).map(row =>
    el('tr', {class: 'o-' + row.outcome, data: {task: row.task_id, holder: row.holder.task_id, outcome: row.outcome}},
       el('td', {class: 'nowrap'}, logWhen(row)),
       el('td', null, el('span', {class: 'outcome o-' + row.outcome}, row.outcome),
          el('div', {class: 'muted small detail'}, logDetail(row))),
       el('td', {class: 'pair'}, chip(row.task_id), el('div', {class: 'path-line'}, accessMark(row.requested),
          el('span', {class: 'path', title: row.requested.path}, shortPath(row.requested.path, base)))),
       el('td', {class: 'pair', title: 'owner: pid ' + row.holder.pid + '@' + row.holder.host}, chip(row.holder.task_id),
          el('div', {class: 'path-line'}, accessMark(row.held),
             el('span', {class: 'path', title: row.held.path}, shortPath(row.held.path, base)))))));
  target.appendChild(el('table', {class: 'log'},
    el('thead', null, el('tr', null, ['last', 'outcome', 'task, asking for', 'held by, holding'].map(h => el('th', null, h)))),
    body));
  if (shown.length > LOG_SHOWN) {
    target.appendChild(el('p', {class: 'muted more'}, (shown.length - LOG_SHOWN) + ' older rows not shown; filter to find them.'));
  }
  return shown.length;
}
