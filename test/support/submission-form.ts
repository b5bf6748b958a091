// Helpers for the submission form's tests.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import type { CampaignSubmissionForm } from '../../src/submission-form/submission-form.js';
import type { Draft } from '../../src/submission-form/draft-store.js';
import type { StaffSubmission } from '../../src/api/wire.js';
import '../../src/define.js';
import { staff, testApi } from './api.js';

export type Form = CampaignSubmissionForm;

export const CAMPAIGN = 'spirit-of-chongqing';
export const LONG_ENOUGH = 'Chongqing people climb a thousand steps a day and still smile at you.';

export const part = <T extends Element = HTMLElement>(el: Element, selector: string): T =>
  el.shadowRoot!.querySelector<T>(selector)!;
export const parts = (el: Element, selector: string) => [
  ...el.shadowRoot!.querySelectorAll<HTMLElement>(selector),
];
export const text = (node: Element | null | undefined) =>
  (node?.textContent ?? '').replace(/\s+/g, ' ').trim();
export const focused = (el: Element) => el.shadowRoot!.activeElement as HTMLElement | null;

/** Types into a field the way a reader does: value, then an input event. */
export function fill(el: Element, id: string, value: string | boolean): void {
  const input = part<HTMLInputElement>(el, `#${id}`);
  if (typeof value === 'boolean') input.checked = value;
  else input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  input.dispatchEvent(new Event('change', { bubbles: true, composed: true }));
}

export function fillValid(el: Element, message = LONG_ENOUGH): void {
  fill(el, 'message', message);
  fill(el, 'displayName', 'Li Wei');
  fill(el, 'district', 'yuzhong');
  fill(el, 'consentGiven', true);
  fill(el, 'publishPermission', true);
}

export const send = (el: Element) => part(el, '#send').click();

export async function formFor(api: string, campaign = CAMPAIGN): Promise<Form> {
  const el = await fixture<Form>(
    html`<campaign-submission-form api=${api} campaign=${campaign}></campaign-submission-form>`,
  );
  await waitUntil(() => part(el, 'option[value=yuzhong]') || el.state === 'closed', 'no campaign', {
    timeout: 8000,
  });
  return el;
}

export const until = (what: () => unknown, message: string, timeout = 8000) =>
  waitUntil(what, message, { timeout, interval: 20 });

function drafts<T>(op: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open('campaign-widgets', 1);
    open.onupgradeneeded = () => open.result.createObjectStore('drafts');
    open.onsuccess = () => {
      const tx = open.result.transaction('drafts', 'readwrite');
      const request = op(tx.objectStore('drafts'));
      tx.oncomplete = () => {
        open.result.close();
        resolve(request.result);
      };
      tx.onerror = () => reject(new Error('IndexedDB', { cause: tx.error }));
    };
    open.onerror = () => reject(new Error('IndexedDB', { cause: open.error }));
  });
}

/** Every draft kept on this device, by key (`api|campaign`). */
export const allDrafts = async () => {
  const keys = (await drafts((s) => s.getAllKeys())) as string[];
  const values = ((await drafts((s) => s.getAll())) as Draft[]).map((d) => ({
    ...d,
    photo: d.photo && new Blob([d.photo]),
  }));
  return new Map(keys.map((key, i) => [key, values[i]]));
};
export const clearDrafts = () => drafts((s) => s.clear());
export const draftOf = async (api: string, campaign = CAMPAIGN) =>
  (await allDrafts()).get(`${api.replace(/\/+$/, '')}|${campaign}`);

/** Records every XMLHttpRequest body sent while installed. */
export function spyXhr() {
  const { send, setRequestHeader, open } = XMLHttpRequest.prototype;
  const bodies: unknown[] = [];
  const keys: string[] = [];
  const urls: string[] = [];
  XMLHttpRequest.prototype.open = function (this: XMLHttpRequest, method: string, url: string) {
    urls.push(url);
    return open.call(this, method, url, true);
  };
  XMLHttpRequest.prototype.setRequestHeader = function (name, value) {
    if (name.toLowerCase() === 'idempotency-key') keys.push(value);
    return setRequestHeader.call(this, name, value);
  };
  XMLHttpRequest.prototype.send = function (body) {
    bodies.push(body);
    return send.call(this, body);
  };
  const restore = () => Object.assign(XMLHttpRequest.prototype, { send, setRequestHeader, open });
  return { bodies, keys, urls, restore };
}

/**
 * The submission the server stored under the last request's key, as staff see it — or,
 * where the staff API cannot be reached from the test page (no proxy wired), proof by
 * replay: the same body under the same key must answer with the same id, marked
 * `Idempotent-Replayed`, so exactly that submission is stored once. Returns null then.
 */
export async function storedOnce(
  id: string,
  xhr: ReturnType<typeof spyXhr>,
  path: string,
): Promise<StaffSubmission | null> {
  if (await proxyAvailable()) return staffGet<StaffSubmission>(`${path}/${id}`);
  const body = xhr.bodies.at(-1) as string | FormData;
  const response = await fetch(xhr.urls.at(-1)!, {
    method: 'POST',
    body,
    headers: {
      'idempotency-key': xhr.keys.at(-1)!,
      ...(typeof body === 'string' ? { 'content-type': 'application/json' } : {}),
    },
  });
  expect(response.status).to.equal(202);
  expect(response.headers.get('idempotent-replayed')).to.equal('true');
  expect(((await response.json()) as { id: string }).id).to.equal(id);
  return null;
}

/**
 * A JPEG whose EXIF block carries GPS coordinates and a marker string, as phones write
 * them: the canvas's JPEG with an APP1 "Exif" segment put in after the SOI marker.
 */
export async function jpegWithGps(width = 3000, height = 2000): Promise<File> {
  const canvas = Object.assign(document.createElement('canvas'), { width, height });
  const g = canvas.getContext('2d')!;
  g.fillStyle = '#c33';
  g.fillRect(0, 0, width, height);
  g.fillStyle = '#33c';
  g.fillRect(0, 0, width / 2, height / 2);
  const jpeg = new Uint8Array(
    await (await new Promise<Blob>((r) => canvas.toBlob((b) => r(b!), 'image/jpeg'))).arrayBuffer(),
  );
  const marker = new TextEncoder().encode('GPSLatitude 29.5630N GPSLongitude 106.5516E');
  // TIFF header (big-endian), IFD0 with no entries, then the marker bytes.
  const tiff = [0x4d, 0x4d, 0, 42, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, ...marker];
  const payload = [...new TextEncoder().encode('Exif\0\0'), ...tiff];
  const length = payload.length + 2;
  const app1 = [0xff, 0xe1, length >> 8, length & 0xff, ...payload];
  const bytes = new Uint8Array([...jpeg.slice(0, 2), ...app1, ...jpeg.slice(2)]);
  return new File([bytes], 'IMG_0001.jpg', { type: 'image/jpeg' });
}

export const containsBytes = (haystack: Uint8Array, needle: string) => {
  const n = new TextEncoder().encode(needle);
  outer: for (let i = 0; i <= haystack.length - n.length; i++) {
    for (let j = 0; j < n.length; j++) if (haystack[i + j] !== n[j]) continue outer;
    return true;
  }
  return false;
};

/** Chooses a file in the form's photo input, as the file picker does. */
export function choosePhoto(el: Element, file: File): void {
  const input = part<HTMLInputElement>(el, '#photo');
  const transfer = new DataTransfer();
  transfer.items.add(file);
  input.files = transfer.files;
  input.dispatchEvent(new Event('change', { bubbles: true, composed: true }));
}

export { watchWarnings } from './warnings.js';

/**
 * Calls a staff endpoint through the submission endpoints' proxy
 * (test/support/submission-endpoints.mjs): staff endpoints answer no cross-origin
 * request, so the test page cannot call them directly. `instance` is `shared` (the
 * shared test API) or one of the proxy's own API instances.
 */
export async function staffGet<T>(path: string, instance = 'shared'): Promise<T> {
  if (instance === 'shared' && !(await proxyAvailable())) {
    const response = await staff(path);
    if (!response.ok) throw new Error(`staff ${path}: ${response.status}`);
    return (await response.json()) as T;
  }
  const info = (await (await fetch(`/__test/sf/${instance}/__info`)).json()) as { token: string };
  const token = instance === 'shared' ? (await testApi()).adminToken : info.token;
  const response = await fetch(`/__test/sf/${instance}/staff${path}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (!response.ok) throw new Error(`staff ${path}: ${response.status}`);
  return (await response.json()) as T;
}

let wired: Promise<boolean> | undefined;
/** Whether the submission endpoints are wired into the test runner. */
export const proxyAvailable = () =>
  (wired ??= fetch('/__test/sf/shared/__info').then(
    (r) => r.ok,
    () => false,
  ));

/** Where the form keeps its receipts for an API and campaign. */
export const receiptsKey = (api: string, campaign = CAMPAIGN) =>
  `campaign-widgets:receipts:${api.replace(/\/+$/, '')}|${campaign}`;

export interface StoredReceipt {
  id: string;
  secret: string;
  receivedAt: string;
}

/** The receipts kept on this device for an API and campaign, newest first. */
export const receiptsOf = (api: string, campaign = CAMPAIGN): StoredReceipt[] =>
  JSON.parse(localStorage.getItem(receiptsKey(api, campaign)) ?? '[]') as StoredReceipt[];

/** Forgets every receipt kept on this device. */
export function clearReceipts(): void {
  for (const key of Object.keys(localStorage)) {
    if (key.startsWith('campaign-widgets:receipts:')) localStorage.removeItem(key);
  }
}

/** A form API through the submission endpoints' proxy, for one client of one instance. */
export const proxied = (instance: string, client: string) =>
  `${location.origin}/__test/sf/${instance}/${client}`;

export interface Posted {
  key: string | null;
  photoPermission: boolean | null;
  receiptSecret: string | null;
  photo: boolean;
}
export interface ReceiptCall {
  route: 'receipt' | 'withdraw';
  id: string;
  secret: string | null;
  locale: string | null;
}

/** What the browser posted through the proxy, and which receipt routes it asked. */
export const postedTo = async (api: string) =>
  (await (await fetch(`${api}/__posted`)).json()) as { posted: Posted[]; calls: ReceiptCall[] };

/**
 * What happens to the next requests through the proxy: submissions (`''`), or receipt or
 * withdraw requests, of any id or of one (`receipt:<id>`).
 */
export const planFor = (api: string, route: string, ...modes: string[]) =>
  fetch(`${api}/__plan?modes=${modes.join(',')}${route ? `&for=${route}` : ''}`, {
    method: 'POST',
  });

/**
 * A receipt the proxy answers for, in `status`, and kept on this device as the form keeps
 * it (after those already kept, so the list stays newest first).
 */
export async function seedReceipt(
  api: string,
  status: 'pending' | 'published' | 'not_published' | 'unknown',
  receivedAt = new Date().toISOString(),
): Promise<StoredReceipt> {
  const receipt = { id: crypto.randomUUID(), secret: `secret-${crypto.randomUUID()}`, receivedAt };
  if (status !== 'unknown') {
    const query = new URLSearchParams({ ...receipt, status });
    await fetch(`${api}/__receipt?${query}`, { method: 'POST' });
  }
  localStorage.setItem(receiptsKey(api), JSON.stringify([...receiptsOf(api), receipt]));
  return receipt;
}
