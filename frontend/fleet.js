// The servers page: each Asterisk server's state and the changes waiting for it, kept current by a long
// poll (`/api/fleet?wait=<seq>` answers at the next change). Admins add, disable and remove servers.
// A plain script outside the wasm panel (its first visit is at its size budget); every text goes in
// with textContent, never as HTML.
'use strict';

let admin = false;
let operator = false;

function say(text) {
  $('fleet-status').textContent = text;
}

function button(label, testid, onClick) {
  const b = el('button', label, { type: 'button', 'data-testid': testid });
  b.addEventListener('click', onClick);
  return b;
}

async function run(what, f) {
  say(`${what}\u2026`);
  try {
    say(await f());
  } catch (e) {
    say(e.message);
  }
}

function serverRow(s) {
  const tr = el('tr', undefined, { 'data-testid': `server-${s.name}` });
  const state = s.enabled ? (s.up === false ? `DOWN \u2014 ${s.state}` : s.state) : s.state;
  const waiting = s.pending || s.refused
    ? `${s.pending} waiting${s.refused ? `, ${s.refused} refused` : ''}` : '0';
  const actions = el('td');
  actions.append(el('a', 'Drift', { href: `${base}/drift?server=${encodeURIComponent(s.name)}` }), ' ');
  if (admin && s.name !== 'default') {
    actions.append(button(s.enabled ? 'Disable' : 'Enable', `toggle-${s.name}`, () => run('Saving', async () => {
      await call('PATCH', `servers/${encodeURIComponent(s.name)}`, { enabled: !s.enabled });
      return `${s.name} ${s.enabled ? 'disabled: Conjure sends it nothing' : 'enabled: it is brought level now'}.`;
    })), ' ');
    actions.append(button('Remove', `remove-${s.name}`, async () => {
      const lose = s.pending ? ` The ${s.pending} changes waiting for it will not reach it.` : '';
      if (!(await ask(`Stop keeping ${s.name} (${s.ari_url}) in step? What Conjure put there stays on it.${lose}`, `Remove ${s.name}`))) return;
      run('Removing', async () => (await call('DELETE', `servers/${encodeURIComponent(s.name)}`)).message);
    }));
  }
  const counts = Object.entries(s.objects).map(([t, n]) => `${n} ${t}`).join(', ') || 'none';
  const asterisk = s.version ? `${s.version}, up since ${s.startup_time}` : '';
  tr.append(el('td', s.name), el('td', s.ari_url), el('td', s.groups.join(', ')),
    el('td', state), el('td', asterisk), el('td', counts), el('td', waiting), actions);
  return tr;
}

function pendingRow(p) {
  const tr = el('tr', undefined, { 'data-testid': `pending-${p.seq}` });
  const actions = el('td');
  if (operator) {
    if (p.refused) {
      actions.append(button('Retry', `retry-${p.seq}`, () => run('Retrying', async () => {
        await call('POST', `fleet/pending/${p.seq}/retry`);
        return `Change ${p.seq} will be sent to ${p.server} again.`;
      })), ' ');
    }
    actions.append(button('Discard', `discard-${p.seq}`, async () => {
      if (!(await ask(`Discard this change? ${p.server} will not get it.`, 'Discard'))) return;
      run('Discarding', async () => {
        await call('DELETE', `fleet/pending/${p.seq}`);
        return `Change ${p.seq} discarded.`;
      });
    }));
  }
  const what = `${p.op === 'delete' ? 'delete' : 'save'} ${p.type} ${p.id} (by ${p.actor})`;
  tr.append(el('td', p.server), el('td', what), el('td', p.created_at), el('td', String(p.attempts)),
    el('td', p.refused ? `refused: ${p.last_error}` : p.last_error), actions);
  return tr;
}

function splitRow(c) {
  const tr = el('tr', undefined, { 'data-testid': `split-${c.token}` });
  const actions = el('td');
  if (operator) {
    const said = (r) => r.servers.map((o) => `${o.server}: ${o.outcome}${o.message ? ` (${o.message})` : ''}`).join('; ');
    actions.append(button('Retry', `split-retry-${c.token}`, () => run('Retrying', async () =>
      `Sent again to ${c.refused.join(', ')}: ${said(await call('POST', `fleet/split/${c.token}/retry`))}.`)), ' ');
    const undo = c.created ? `delete ${c.type} ${c.id} from ${c.applied.join(', ')}`
      : `put ${c.type} ${c.id} back as it was on ${c.applied.join(', ')}`;
    actions.append(button('Undo where applied', `split-undo-${c.token}`, async () => {
      if (!(await ask(`Undo this change: ${undo}?`, 'Undo'))) return;
      run('Undoing', async () => `Undone: ${said(await call('POST', `fleet/split/${c.token}/undo`))}.`);
    }));
  }
  tr.append(el('td', `${c.created ? 'made' : 'changed'} ${c.type} ${c.id} (by ${c.actor})`),
    el('td', c.applied.join(', ')), el('td', c.refused.join(', ')), el('td', c.created_at), actions);
  return tr;
}

function show(v) {
  $('fleet-split-rows').replaceChildren(...v.split.map(splitRow));
  $('fleet-split').hidden = v.split.length === 0;
  $('split-none').hidden = v.split.length !== 0;
  $('fleet-rows').replaceChildren(...v.servers.map(serverRow));
  $('fleet-pending-rows').replaceChildren(...v.pending.map(pendingRow));
  $('fleet-pending').hidden = v.pending.length === 0;
  $('fleet-none').hidden = v.pending.length !== 0;
}

// Waits for each change of the fleet and shows it; after an error, tries again a little later.
async function follow() {
  let seq = null;
  for (;;) {
    try {
      const v = await call('GET', seq === null ? 'fleet' : `fleet?wait=${seq}`);
      seq = v.seq;
      show(v);
    } catch (e) {
      say(`${e.message} (sign in on the panel first).`);
      seq = null;
      await new Promise((done) => setTimeout(done, 5000));
    }
  }
}

$('fleet-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const f = new FormData(ev.target);
  const body = {
    name: f.get('name').trim(),
    ari_url: f.get('ari_url').trim(),
    ari_user: f.get('ari_user'),
    ari_password: f.get('ari_password'),
    groups: f.get('groups').split(',').map((g) => g.trim()).filter((g) => g),
  };
  if (f.get('ca_file').trim()) body.ca_file = f.get('ca_file').trim();
  $('fleet-added').textContent = 'Checking the server\u2026';
  const added = (a) => {
    const no = a.probe.types.filter((t) => !t.writable).map((t) => `${t.type} (${t.message})`);
    $('fleet-added').textContent = `${a.server.name} added: Asterisk ${a.probe.version}; `
      + (no.length ? `not writable there: ${no.join('; ')}.` : 'every type is writable.');
    ev.target.reset();
  };
  call('POST', 'servers', body).then(added, async (e) => {
    // Secrets go to a server only once a person has said it is theirs (the answer says how many).
    if (e.code !== 'confirm-secrets') {
      $('fleet-added').textContent = e.message;
      return;
    }
    if (!(await ask(`${e.said}. Send them?`, 'Send the secrets'))) {
      $('fleet-added').textContent = 'Not added: nothing was sent.';
      return;
    }
    call('POST', 'servers', { ...body, confirm_secrets: true }).then(added, (e2) => {
      $('fleet-added').textContent = e2.message;
    });
  });
});

function objectPath() {
  const f = new FormData($('move-form'));
  return `objects/${encodeURIComponent(f.get('type').trim())}/${encodeURIComponent(f.get('id').trim())}`;
}

$('move-look').addEventListener('click', () => {
  call('GET', objectPath()).then((o) => {
    const where = o.target && o.target.length ? o.target.join(', ') : 'every server';
    $('move-now').textContent = `It goes to ${where}${o.read_from ? `; read from ${o.read_from}` : ''}.`;
  }, (e) => { $('move-now').textContent = e.message; });
});

// A move off servers is refused until confirmed: the refusal names them, and the person decides.
$('move-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const target = new FormData(ev.target).get('target').split(',').map((t) => t.trim()).filter((t) => t);
  const moved = (m) => {
    const done = m.servers.map((o) => `${o.server}: ${o.outcome}${o.message ? ` (${o.message})` : ''}`);
    $('move-now').textContent = `Now it goes to ${m.target.length ? m.target.join(', ') : 'every server'}`
      + (done.length ? `; ${done.join('; ')}.` : '.');
  };
  try {
    moved(await call('PUT', `${objectPath()}/target`, { target }));
  } catch (e) {
    if (e.code !== 'confirm-move') {
      $('move-now').textContent = e.message;
      return;
    }
    if (!(await ask(`${e.said}. Move it?`, 'Move'))) return;
    try {
      moved(await call('PUT', `${objectPath()}/target`, { target, confirm: true }));
    } catch (e2) {
      $('move-now').textContent = e2.message;
    }
  }
});

(async () => {
  try {
    const me = await call('GET', 'session');
    session.csrf = me.csrf || '';
    admin = me.role === 'admin';
    operator = admin || me.role === 'operator';
    $('fleet-add').hidden = !admin;
    $('fleet-move').hidden = !operator;
  } catch (e) {
    say(`${e.message} (sign in on the panel first).`);
    return;
  }
  follow();
})();
