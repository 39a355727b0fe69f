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
    throw new Error(v && v.hint ? `${m}. ${v.hint}` : m);
  }
  return v;
}
