// What the pages outside the wasm panel share (drift.js, fleet.js, loaded after this file): the base
// path, the session's CSRF token, and a call to Conjure's API that turns an error answer into its words.
'use strict';

const base = document.body.dataset.base || '';
const session = { csrf: '' };

const $ = (id) => document.getElementById(id);

function el(tag, text, attrs) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  return e;
}

async function call(method, path, body) {
  const opt = { method, credentials: 'same-origin', headers: { 'x-conjure-csrf': session.csrf } };
  if (body !== undefined) {
    opt.headers['content-type'] = 'application/json';
    opt.body = JSON.stringify(body);
  }
  const r = await fetch(`${base}/api/${path}`, opt);
  const text = await r.text();
  let v = null;
  try { v = JSON.parse(text); } catch (_) { /* not JSON: the message below says so */ }
  if (!r.ok) {
    const m = (v && v.message) || `Conjure answered ${r.status}`;
    const e = new Error(v && v.hint ? `${m}. ${v.hint}` : m);
    // What a page acts on is the machine-readable code, never the words.
    e.code = v && v.code;
    e.said = m;
    throw e;
  }
  return v;
}

// Asks before an action that cannot be undone, in a modal <dialog> of the page (never window.confirm,
// which a portal's sandboxed iframe may block). Resolves to true on the named button, false otherwise.
function ask(question, yes) {
  return new Promise((resolve) => {
    const d = el('dialog', undefined, { class: 'ask', 'data-testid': 'ask', 'aria-describedby': 'ask-text' });
    const no = el('button', 'Cancel', { type: 'button', 'data-testid': 'ask-no', autofocus: '' });
    const go = el('button', yes, { type: 'button', class: 'danger', 'data-testid': 'ask-yes' });
    const row = el('p', undefined, { class: 'actions' });
    row.append(no, go);
    d.append(el('p', question, { id: 'ask-text', 'data-testid': 'ask-text' }), row);
    let answer = false;
    no.addEventListener('click', () => d.close());
    go.addEventListener('click', () => { answer = true; d.close(); });
    d.addEventListener('close', () => { d.remove(); resolve(answer); });
    document.body.append(d);
    d.showModal();
  });
}
