// queue.js: the waiters, in ticket order, each with what it waits for and whom it waits behind.
//
// "Behind" is worked out here from what is in flight (wir's listings do not name it): the
// claims of other tasks that overlap one of the waiter's entries, and the waiters with earlier
// tickets that do, leaving out tasks in the waiter's own line (its parents, its sub-claims),
// which never block it. The conflict log's "queued" rows for the waiter's task add any holder
// still in flight that wir itself named.

function lineOf(task, parentOf) {
  const line = new Set([task]);
  for (let up = parentOf.get(task); up && !line.has(up); up = parentOf.get(up)) line.add(up);
  return line;
}

function inLine(a, b, parentOf) {
  return lineOf(a, parentOf).has(b) || lineOf(b, parentOf).has(a);
}

function blockersOf(waiter, claims, waiters, logRows, parentOf) {
  const found = new Map();
  const note = (task, kind, path) => {
    if (!found.has(task)) found.set(task, {task: task, kind: kind, paths: new Set()});
    if (path) found.get(task).paths.add(path);
  };
  for (const claim of claims) {
    if (inLine(waiter.task_id, claim.task_id, parentOf)) continue;
    for (const held of claim.entries) {
      if (waiter.entries.some(wanted => entriesOverlap(wanted, held))) note(claim.task_id, 'holds', held.path);
    }
  }
  for (const ahead of waiters) {
    if (ahead.ticket >= waiter.ticket || inLine(waiter.task_id, ahead.task_id, parentOf)) continue;
    for (const wanted of ahead.entries) {
      if (waiter.entries.some(mine => entriesOverlap(mine, wanted))) note(ahead.task_id, 'queued ahead', wanted.path);
    }
  }
  const holding = new Set(claims.map(claim => claim.task_id));
  for (const row of logRows) {
    if (row.task_id === waiter.task_id && row.outcome === 'queued' && holding.has(row.holder.task_id)) {
      note(row.holder.task_id, 'holds', row.held.path);
    }
  }
  return Array.from(found.values());
}

function renderQueue(target, claims, waiters, logRows, base, emptyText) {
  clear(target);
  if (waiters.length === 0) {
    target.appendChild(el('p', {class: 'empty'}, emptyText));
    return;
  }
  const parentOf = new Map();
  for (const item of claims.concat(waiters)) if (item.parent_task_id) parentOf.set(item.task_id, item.parent_task_id);
  const sorted = waiters.slice().sort((a, b) => a.ticket - b.ticket);
  for (const waiter of sorted) {
    target.appendChild(waiterView(waiter, blockersOf(waiter, claims, waiters, logRows, parentOf), base));
  }
}

function waiterView(waiter, blockers, base) {
  const head = el('div', {class: 'waiter-head'},
    el('span', {class: 'ticket', title: 'ticket: its place in the queue'}, '#' + waiter.ticket),
    chip(waiter.task_id),
    el('span', {class: 'fact'}, 'waiting ',
       el('span', {class: 'since', data: {since: waiter.enqueued_ms}}, fmtDuration(serverNow() - waiter.enqueued_ms))),
    el('span', {class: 'fact owners'}, fmtOwner(waiter.owner)),
    waiter.parent_task_id ? el('span', {class: 'fact sub'}, 'sub-claim of ', chip(waiter.parent_task_id)) : null);
  const wants = waiter.entries.map(entry =>
    el('span', {class: 'entry'}, accessMark(entry), el('span', {class: 'path', title: entry.path}, shortPath(entry.path, base))));
  const behind = blockers.map(blocker => {
    const paths = Array.from(blocker.paths).map(path => shortPath(path, base)).join(', ');
    return el('span', {class: 'blocker', data: {blocker: blocker.task}}, chip(blocker.task),
              el('span', {class: 'muted'}, blocker.kind + ' ' + paths));
  });
  return el('div', {class: 'waiter', data: {task: waiter.task_id}},
    head,
    el('div', {class: 'waiter-line'}, el('span', {class: 'key'}, 'wants'), el('span', {class: 'list'}, wants)),
    el('div', {class: 'waiter-line behind'}, el('span', {class: 'key'}, 'behind'),
       behind.length ? el('span', {class: 'list'}, behind)
                     : el('span', {class: 'muted'}, 'no one now: its turn comes at its next look')));
}
