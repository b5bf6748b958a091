// The newsroom console (/moderate) as the end-to-end tests see it: deep paths into its
// shadow roots, staff accounts made over HTTP (the service token, or a page's own
// session), signing in as a person does, and the rows of the queue.
import assert from 'node:assert/strict';
import { ACTIVE, tabTo, waitFor } from './driver.mjs';

export const CONSOLE = 'newsroom-console';
export const SIGN_IN = `${CONSOLE} >>> newsroom-sign-in`;
export const LINK = `${CONSOLE} >>> newsroom-link-setup`;
export const QUEUE = `${CONSOLE} >>> newsroom-queue`;
export const DETAIL = `${QUEUE} >>> newsroom-item-detail`;
export const BULK = `${QUEUE} >>> newsroom-bulk-bar`;
export const STAFF = `${CONSOLE} >>> newsroom-staff`;
export const AUDIT = `${CONSOLE} >>> newsroom-audit`;
export const CAMPAIGN = 'spirit-of-chongqing';

/** The console's polite live region: what it last announced. */
export const ANNOUNCED = `() => deep('${CONSOLE} >>> [aria-live=polite]')?.textContent.trim() ?? ''`;

/** The one-time token of a `/moderate#link=<token>` link. */
export function linkToken(link) {
  const match = /#link=([A-Za-z0-9._~-]+)$/.exec(link);
  assert.ok(match, `not a one-time link: ${link}`);
  return match[1];
}

async function json(response, what) {
  const text = await response.text();
  let body;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  if (!response.ok) {
    throw new Error(
      `${what}: ${response.status} ${typeof body === 'string' ? body : JSON.stringify(body)}`,
    );
  }
  return body;
}

/** Adds a staff member with the service token; resolves with `{ staff, link, expiresAt }`. */
export async function addStaff(api, token, { email, name, role, locale = 'en' }) {
  const response = await fetch(`${api}/v1/staff/accounts`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ email, name, role, locale }),
  });
  assert.equal(response.status, 201, `adding ${email} answers 201`);
  return json(response, `adding ${email}`);
}

/** Sets the password through a one-time link, outside any browser. */
export async function useLink(api, link, body) {
  const response = await fetch(`${api}/v1/staff/links/use`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: linkToken(link), ...body }),
  });
  return json(response, 'using the one-time link');
}

/**
 * A moderator (or `role`) with a password, made with the service token: what the
 * console's admin would do, minus the browser. Resolves with `{ email, password, name, id }`.
 */
export async function staffAccount(api, token, { label, name, role = 'moderator', locale = 'en' }) {
  const email = `${label}-${Date.now()}-${Math.random().toString(36).slice(2, 7)}@newsroom.example`;
  const password = `pw-${label}-${Math.random().toString(36).slice(2, 10)}-ok`;
  const issued = await addStaff(api, token, { email, name, role, locale });
  assert.equal(issued.staff.role, role);
  const session = await useLink(api, issued.link, { password });
  assert.equal(session.staff.email, email);
  return { email, password, name, id: issued.staff.id };
}

/** Waits for a deep path to exist (and, optionally, a predicate on the element). */
export function waitForElement(p, path, what, { timeout = 15000, test = '(el) => true' } = {}) {
  return waitFor(p, `(path) => { const el = deep(path); return !!el && (${test})(el); }`, [path], {
    timeout,
    what: what ?? path,
  });
}

/**
 * Signs in on the open /moderate page with email and password: by pointer (clicks on
 * the fields and the button) or by keyboard (Tab to each field, Enter to send).
 */
export async function signIn(p, { email, password }, { keyboard = false } = {}) {
  await waitForElement(p, `${SIGN_IN} >>> #email`, 'the sign-in form');
  if (keyboard) {
    await tabTo(p, /newsroom-sign-in >>> input#email/);
    await p.type(email);
    await tabTo(p, /newsroom-sign-in >>> input#password/);
    await p.type(password);
    await p.press('Enter');
  } else {
    await p.click(`${SIGN_IN} >>> #email`);
    await p.type(email);
    await p.click(`${SIGN_IN} >>> #password`);
    await p.type(password);
    await p.click(`${SIGN_IN} >>> button[type=submit]`);
  }
  await waitForSignedIn(p);
}

/** The console shows its signed-in header with the queue (or another view). */
export function waitForSignedIn(p, timeout = 15000) {
  return waitFor(
    p,
    `() => !!deep('${CONSOLE} >>> nav.views') && !!deep('${CONSOLE} >>> main > *')`,
    [],
    { timeout, what: 'the console to sign in' },
  );
}

/** The queue has finished loading (not busy, rows or an empty message). */
export function waitForQueue(p, what = 'the queue to load', timeout = 15000) {
  return waitFor(
    p,
    `() => {
      const panel = deep('${QUEUE} >>> #panel');
      return !!panel && panel.getAttribute('aria-busy') === 'false' &&
        (!!panel.querySelector('[role=row]') || !!panel.querySelector('.empty'));
    }`,
    [],
    { timeout, what },
  );
}

/**
 * The index (`data-index`) of the queue row whose words start with `text`, waiting up
 * to `timeout` for it; -1 is never returned (it throws with what the rows show).
 */
export async function rowIndex(p, text, { timeout = 15000, what } = {}) {
  const fn = `(text) => {
    const rows = deep('${QUEUE} >>> [role=row]', true);
    const row = rows.find((r) => {
      const seen = (r.querySelector('.excerpt')?.textContent ?? '').trim();
      return seen.endsWith('…') ? text.startsWith(seen.slice(0, -1).trimEnd()) : seen === text;
    });
    return row ? row.dataset.index : null;
  }`;
  try {
    return Number(
      await waitFor(p, fn, [text], { timeout, what: what ?? `the row of “${text.slice(0, 40)}”` }),
    );
  } catch (error) {
    const rows = await p.eval(
      `() => deep('${QUEUE} >>> [role=row] .excerpt', true).slice(0, 8).map((e) => e.textContent.trim().slice(0, 40))`,
    );
    throw new Error(`${error.message}; rows: ${JSON.stringify(rows)}`);
  }
}

/** The deep path of row `index` of the queue (`' button.open'` etc. may be appended). */
export const row = (index) => `${QUEUE} >>> [role=row][data-index="${index}"]`;

/** What a row shows: its words, their language, and its state cell's text. */
export function rowState(p, index) {
  return p.eval(
    `(path) => {
      const r = deep(path);
      if (!r) return null;
      const e = r.querySelector('.excerpt');
      return {
        text: e.textContent.trim(),
        lang: e.lang,
        state: r.querySelector('.state').textContent.replace(/\\s+/g, ' ').trim(),
        decided: r.classList.contains('decided'),
      };
    }`,
    row(index),
  );
}

/**
 * A `fetch` of the API from inside the page, with the page's own session cookie (and
 * its CSRF token from `GET /v1/staff/session` on a change): `{ status, body }`.
 */
export function pageFetch(p, method, path, body) {
  return p.eval(
    `async (method, path, body) => {
      const headers = { accept: 'application/json' };
      if (method !== 'GET') {
        const s = await fetch('/v1/staff/session', { credentials: 'same-origin' });
        headers['x-csrf-token'] = (await s.json()).csrfToken;
      }
      if (body !== null) headers['content-type'] = 'application/json';
      const r = await fetch(path, { method, headers, credentials: 'same-origin', cache: 'no-store',
        body: body === null ? null : JSON.stringify(body) });
      const text = await r.text();
      let parsed = text;
      try { parsed = JSON.parse(text); } catch {}
      return { status: r.status, body: parsed };
    }`,
    method,
    path,
    body ?? null,
  );
}

/**
 * Types `text` into the queue's search (after `/` on the keyboard path, or a click on
 * the field) and waits until the queue shows that search's answer (the search is
 * debounced: rows of the list before it are not its answer).
 */
export async function search(p, text, { keyboard = false, timeout = 15000 } = {}) {
  if (keyboard) {
    await p.press('/');
    const now = await p.eval(ACTIVE);
    assert.match(
      now,
      /newsroom-queue >>> input#q/,
      `/ puts the focus in the search (it is on ${now})`,
    );
  } else {
    await p.click(`${QUEUE} >>> #q`);
  }
  await p.eval(
    `() => { const q = deep('${QUEUE} >>> #q'); if (q.value) q.select(); return true; }`,
  );
  await p.type(text);
  await waitFor(
    p,
    `(text) => new URLSearchParams(location.search).get('q') === text &&
      deep('${QUEUE} >>> #panel')?.getAttribute('aria-busy') === 'false'`,
    [text],
    { timeout, what: `the queue to answer the search “${text}”` },
  );
}

/** The deep path of the button under `scope` (a deep path) whose text matches `text`. */
export async function buttonWith(p, scope, text, what) {
  const index = await waitFor(
    p,
    `(scope, source, flags) => {
      const re = new RegExp(source, flags);
      const i = deep(scope + ' button', true).findIndex((b) => re.test(b.textContent.replace(/\\s+/g, ' ').trim()));
      return i >= 0 ? String(i) : null;
    }`,
    [scope, text.source, text.flags],
    { timeout: 15000, what: what ?? `a button “${text.source}” in ${scope}` },
  );
  return `${scope} button:nth-of-type(${Number(index) + 1})`;
}

/** Signs out on this browser through the header's account menu. */
export async function signOut(p) {
  await p.click(`${CONSOLE} >>> .account > button`);
  await p.click(
    await buttonWith(
      p,
      `${CONSOLE} >>> #account-menu`,
      /^(Sign out on this browser|在此浏览器上退出)$/,
    ),
  );
  await waitForElement(p, `${SIGN_IN} >>> #email`, 'the sign-in form after signing out');
}
