// tree.js: the claims in flight, as a tree of paths or as a tree of tasks.
//
// By path: each entry (and each waiter's entry) sits at its path; directories that hold nothing
// themselves and have one child are folded into one row. A sub-claim's entries lie within its
// parent's, so it shows beneath it; each says whose sub-claim it is. By task: each claim with its
// entries, its sub-claims nested under it.

function treeNode(name) {
  return {name: name, children: new Map(), holds: [], waits: []};
}

function treeInsert(root, entry) {
  const parts = pathSegments(entry.path);
  const glob = entry.glob ? parts.findIndex(isGlobSegment) : -1;
  const names = glob < 0 ? parts : parts.slice(0, glob).concat([parts.slice(glob).join('/')]);
  let node = root;
  for (const name of names) {
    if (!node.children.has(name)) node.children.set(name, treeNode(name));
    node = node.children.get(name);
  }
  return node;
}

function treeFold(node) {
  for (const child of node.children.values()) treeFold(child);
  while (node.holds.length === 0 && node.waits.length === 0 && node.children.size === 1) {
    const only = node.children.values().next().value;
    node.name = node.name === '/' ? '/' + only.name : node.name + '/' + only.name;
    node.holds = only.holds;
    node.waits = only.waits;
    node.children = only.children;
  }
}

function leaseView(claim) {
  if (claim.while_alive) return el('span', {class: 'lease alive', title: 'held while an owner lives'}, 'while alive');
  return el('span', {class: 'lease', data: {expires: claim.expires_ms},
                     title: 'lease ends ' + fmtDateTime(claim.expires_ms) + ' unless renewed'},
            fmtCountdown(claim.expires_ms - serverNow()));
}

function claimFacts(claim) {
  return [
    claim.label ? el('span', {class: 'label', title: claim.label}, claim.label) : null,
    el('span', {class: 'fact', title: 'fencing token'}, 'token ' + claim.token),
    el('span', {class: 'fact owners', title: 'owners: ' + claim.owners.map(fmtOwner).join(', ')},
       claim.owners.map(fmtOwner).join(', ')),
    leaseView(claim),
    claim.parent_task_id ? el('span', {class: 'fact sub'}, 'sub-claim of ', chip(claim.parent_task_id)) : null,
  ];
}

function holdView(claim, entry) {
  return el('div', {class: 'hold', data: {task: claim.task_id}, color: taskColor(claim.task_id)},
            accessMark(entry), chip(claim.task_id), claimFacts(claim));
}

function waitView(waiter, entry) {
  return el('div', {class: 'hold waiting', data: {task: waiter.task_id}, color: taskColor(waiter.task_id)},
            accessMark(entry), chip(waiter.task_id, 'waiting'),
            el('span', {class: 'fact'}, 'waiting, ticket ' + waiter.ticket + ', for ',
               el('span', {class: 'since', data: {since: waiter.enqueued_ms}},
                  fmtDuration(serverNow() - waiter.enqueued_ms))));
}

function renderPathNode(node, key, collapsed, depth) {
  const hasChildren = node.children.size > 0;
  const isCollapsed = collapsed.has(key);
  const count = countHolds(node);
  const name = el('span', {class: 'name', title: key || '/'}, node.name,
                  hasChildren && node.name !== '/' ? '/' : '');
  const toggle = hasChildren
    ? el('button', {type: 'button', class: 'caret' + (isCollapsed ? ' closed' : ''), 'aria-label': 'fold',
                    on: {click: () => { if (collapsed.has(key)) collapsed.delete(key); else collapsed.add(key); rerender(); }}})
    : el('span', {class: 'caret none'});
  const row = el('div', {class: 'row' + (node.holds.length ? ' held' : '') + (hasChildren ? ' dir' : ''),
                         data: {path: key}},
                 el('div', {class: 'spot'}, toggle, name,
                    hasChildren && isCollapsed && count ? el('span', {class: 'folded'}, count + ' held below') : null),
                 node.holds.length || node.waits.length
                   ? el('div', {class: 'holds'}, node.holds.map(h => holdView(h.claim, h.entry)),
                        node.waits.map(w => waitView(w.waiter, w.entry)))
                   : null);
  const children = [];
  if (hasChildren && !isCollapsed) {
    const sorted = Array.from(node.children.values()).sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
    for (const child of sorted) children.push(renderPathNode(child, key + '/' + child.name, collapsed, depth + 1));
  }
  return el('div', {class: 'node'}, row, children.length ? el('div', {class: 'children'}, children) : null);
}

function countHolds(node) {
  let n = node.holds.length;
  for (const child of node.children.values()) n += countHolds(child);
  return n;
}

function renderTreeByPath(target, claims, waiters, collapsed) {
  const root = treeNode('/');
  for (const claim of claims) for (const entry of claim.entries) treeInsert(root, entry).holds.push({claim, entry});
  for (const waiter of waiters) for (const entry of waiter.entries) treeInsert(root, entry).waits.push({waiter, entry});
  treeFold(root);
  const key = root.name === '/' ? '' : root.name;
  target.appendChild(el('div', {class: 'tree'}, renderPathNode(root, key, collapsed, 0)));
}

function renderTaskCard(claim, childrenOf, base) {
  const children = (childrenOf.get(claim.task_id) || []).map(child => renderTaskCard(child, childrenOf, base));
  return el('div', {class: 'card', data: {task: claim.task_id}},
            el('div', {class: 'card-head'}, chip(claim.task_id), claimFacts(claim)),
            el('ul', {class: 'entries'}, claim.entries.map(entry =>
              el('li', null, accessMark(entry), el('span', {class: 'path', title: entry.path}, shortPath(entry.path, base))))),
            children.length ? el('div', {class: 'subclaims'}, children) : null);
}

function renderTreeByTask(target, claims, base) {
  const byTask = new Map(claims.map(claim => [claim.task_id, claim]));
  const childrenOf = new Map();
  const roots = [];
  for (const claim of claims) {
    if (claim.parent_task_id && byTask.has(claim.parent_task_id)) {
      if (!childrenOf.has(claim.parent_task_id)) childrenOf.set(claim.parent_task_id, []);
      childrenOf.get(claim.parent_task_id).push(claim);
    } else {
      roots.push(claim);
    }
  }
  roots.sort((a, b) => a.created_ms - b.created_ms);
  target.appendChild(el('div', {class: 'cards'}, roots.map(claim => renderTaskCard(claim, childrenOf, base))));
}

function renderTree(target, claims, waiters, view, collapsed, base, emptyText) {
  clear(target);
  if (claims.length === 0 && waiters.length === 0) {
    target.appendChild(el('p', {class: 'empty'}, emptyText));
    return;
  }
  if (view === 'task') renderTreeByTask(target, claims, base);
  else renderTreeByPath(target, claims, waiters, collapsed);
}
