// The drift page: what Asterisk holds against Conjure's record, and what to do about each difference.
// A plain script beside the wasm panel, loaded only by whoever opens /drift: the panel's first visit is
// at its size budget. Every text goes in with textContent, never as HTML.
'use strict';

// `?server=name`: one server of the fleet (default: the command line's).
const server = new URLSearchParams(location.search).get('server');
const which = server ? `?server=${encodeURIComponent(server)}` : '';

const STATES = {
  missing: 'missing on Asterisk',
  different: 'different on Asterisk',
  unmanaged: 'on Asterisk, not managed by Conjure',
  unknown: 'Asterisk did not say',
};

function actionsFor(item) {
  if (item.state === 'unmanaged') return [['adopt', 'Manage it (take Asterisk\u2019s version)']];
  if (item.state === 'unknown') return [];
  return [
    ['reapply', 'Put Conjure\u2019s version back'],
    ['adopt', 'Keep Asterisk\u2019s version'],
    ['forget', 'Stop managing it'],
  ];
}

async function act(action, items) {
  const status = $('drift-status');
  status.textContent = 'Working\u2026';
  try {
    const results = await call('POST', `drift${which}`, { action, items });
    const failed = results.filter((r) => !r.ok);
    await load();
    if (failed.length) {
      status.textContent = failed.map((r) => `${r.type} ${r.id}: ${r.message}`).join('; ');
    } else {
      $('drift-done').textContent = results.map((r) => `${r.type} ${r.id}: ${r.message}`).join('; ');
    }
  } catch (e) {
    status.textContent = e.message;
  }
}

function row(item) {
  const tr = el('tr', undefined, { 'data-testid': `drift-${item.type}-${item.id}` });
  const box = el('input', undefined, { type: 'checkbox', 'aria-label': `select ${item.type} ${item.id}` });
  box.dataset.type = item.type;
  box.dataset.id = item.id;
  const pick = el('td');
  pick.append(box);
  const diffs = el('td');
  if (item.differences.length) {
    const ul = el('ul');
    for (const d of item.differences) {
      ul.append(el('li', `${d.attribute}: ${d.recorded || '(unset)'} \u2192 ${d.asterisk || '(unset)'}`));
    }
    diffs.append(ul);
  } else if (item.message) {
    diffs.textContent = item.message;
  }
  const buttons = el('td');
  for (const [action, label] of actionsFor(item)) {
    const b = el('button', label, { type: 'button', 'data-testid': `drift-${action}-${item.type}-${item.id}` });
    b.addEventListener('click', () => act(action, [{ type: item.type, id: item.id }]));
    buttons.append(b, ' ');
  }
  tr.append(pick, el('td', item.type), el('td', item.id), el('td', STATES[item.state] || item.state), diffs, buttons);
  return tr;
}

async function load() {
  const status = $('drift-status');
  status.textContent = 'Comparing Asterisk with Conjure\u2019s record\u2026';
  $('drift-done').textContent = '';
  try {
    const me = await call('GET', 'session');
    session.csrf = me.csrf || '';
    $('drift-server').textContent = `Server: ${server || 'default'}`;
    const v = await call('GET', `drift${which}`);
    status.textContent = `${v.checked} managed objects checked: ${v.in_sync} in sync, `
      + `${v.items.length} to look at.`;
    $('drift-rows').replaceChildren(...v.items.map(row));
    $('drift-table').hidden = v.items.length === 0;
  } catch (e) {
    status.textContent = `${e.message} (sign in on the panel first).`;
  }
}

function selected() {
  return [...document.querySelectorAll('#drift-rows input:checked')]
    .map((b) => ({ type: b.dataset.type, id: b.dataset.id }));
}

$('drift-refresh').addEventListener('click', load);
for (const b of document.querySelectorAll('[data-bulk]')) {
  b.addEventListener('click', () => {
    const items = selected();
    if (items.length) act(b.dataset.bulk, items);
  });
}
load();
