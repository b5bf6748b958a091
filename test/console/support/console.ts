/**
 * Mounting the console against a fake newsroom, and reaching into its views.
 */
import { fixture, fixtureCleanup, html, waitUntil } from '@open-wc/testing';
// For its side effect: the tags are defined (an import used only as a type is dropped).
import '../../../console/src/define.js';
import type { NewsroomConsole } from '../../../console/src/newsroom-console.js';
import { setConsoleLocale } from '../../../console/src/i18n/locale.js';
import { StaffEventsController } from '../../../console/src/live/staff-events.js';
import type { NewsroomQueue } from '../../../console/src/views/queue-view.js';
import type { NewsroomItemDetail } from '../../../console/src/views/item-detail.js';
import type { World } from './world.js';

const START_URL = location.href;
let world: World | null = null;

/** Call in `afterEach`: the URL, the language, storage and fetch as they were. */
export async function cleanUp() {
  fixtureCleanup();
  world?.restore();
  world = null;
  history.replaceState(null, '', START_URL);
  localStorage.clear();
  await setConsoleLocale('en');
}

export async function openConsole(w: World, search = '', hash = ''): Promise<NewsroomConsole> {
  world = w.install();
  w.api.autoOpen = true;
  StaffEventsController.retryDelays = [10];
  const url = new URL(START_URL);
  url.search = search;
  url.hash = hash;
  history.replaceState(null, '', url);
  const el = await fixture<NewsroomConsole>(html`<newsroom-console></newsroom-console>`);
  el.api.retryDelays = [20];
  return el;
}

export const shadow = (el: Element | null | undefined): ShadowRoot => {
  if (!el?.shadowRoot) throw new Error(`${el?.localName ?? 'element'} has no shadow root`);
  return el.shadowRoot;
};

export const queueOf = (el: NewsroomConsole): NewsroomQueue =>
  shadow(el).querySelector('newsroom-queue')!;

export const detailOf = (el: NewsroomConsole): NewsroomItemDetail | null =>
  shadow(queueOf(el)).querySelector('newsroom-item-detail');

export const rows = (el: NewsroomConsole): HTMLElement[] => {
  const queue = shadow(el).querySelector('newsroom-queue');
  return queue?.shadowRoot
    ? [...queue.shadowRoot.querySelectorAll<HTMLElement>('[role="row"]')]
    : [];
};

export const rowText = (row: HTMLElement) => row.textContent.replace(/\s+/g, ' ').trim();

/** Opens the console and waits for the queue's first page. */
export async function openQueue(w: World, search = ''): Promise<NewsroomConsole> {
  const el = await openConsole(w, search);
  await waitUntil(() => rows(el).length > 0, 'the queue shows rows', { timeout: 5000 });
  await waitUntil(() => w.api.open().length > 0, 'the live stream is open');
  return el;
}

/** A key pressed with nothing focused in particular (or on `target`). */
export function press(
  key: string,
  target: EventTarget = document.body,
  init: KeyboardEventInit = {},
) {
  const event = new KeyboardEvent('keydown', {
    key,
    bubbles: true,
    composed: true,
    cancelable: true,
    ...init,
  });
  target.dispatchEvent(event);
  return event;
}

/** Deepest focused element, through shadow roots. */
export function focused(): Element | null {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}

/** Every element matching `selector` in `root` and the shadow roots under it. */
export function deepAll(selector: string, root: ParentNode = document): Element[] {
  const out: Element[] = [...root.querySelectorAll(selector)];
  for (const el of root.querySelectorAll('*')) {
    if (el.shadowRoot) out.push(...deepAll(selector, el.shadowRoot));
  }
  return out;
}

/** The text of everything under `el`, shadow roots included. */
export function deepText(el: Element | ShadowRoot): string {
  let text = '';
  const walk = (node: Node) => {
    if (node.nodeType === Node.TEXT_NODE) text += node.textContent;
    if (node instanceof Element && node.shadowRoot) walk(node.shadowRoot);
    if (node instanceof HTMLSlotElement) return;
    for (const child of node.childNodes) walk(child);
  };
  walk(el);
  return text.replace(/\s+/g, ' ');
}

export const settle = async (el: Element) => {
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    await (el as unknown as { updateComplete: Promise<unknown> }).updateComplete;
  }
};

/** The button in `root` whose text includes `text`. */
export function button(root: ParentNode, text: string | RegExp): HTMLButtonElement {
  const match = [...root.querySelectorAll<HTMLButtonElement>('button')].find((b) =>
    typeof text === 'string' ? b.textContent.includes(text) : text.test(b.textContent),
  );
  if (!match) throw new Error(`no button "${String(text)}"`);
  return match;
}

/** Whether `root` has a button whose text includes `text` (for `waitUntil`). */
export const hasButton = (root: ParentNode, text: string | RegExp) => {
  try {
    return Boolean(button(root, text));
  } catch {
    return false;
  }
};

export const time = (iso: string) =>
  new Intl.DateTimeFormat('en', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(
    new Date(iso),
  );
