// Helpers for the quote wall's tests: a fresh room of the quotes test API
// (test/support/quote-endpoints.mjs) per test, and ways to read the wall.
import { fixture, html, waitUntil } from '@open-wc/testing';
import type { CampaignQuoteWall } from '../../src/quote-wall/quote-wall.js';
import { CampaignQuoteWall as Wall } from '../../src/quote-wall/quote-wall.js';
import { timing } from '../../src/quote-wall/live-quotes.js';
import '../../src/define.js';
import type { ReceivedReport, ReportingSettings } from './quote-protocol.js';

/** Short delays so reconnection, polling and announcements happen within a test. */
export function fastTiming(): void {
  Object.assign(timing, { retry: 20, maxRetry: 200, pollAfter: 3, poll: 100, hidden: 50 });
  Wall.announceDelay = 50;
}

export interface Room {
  id: string;
  api: string;
  call(path: string): Promise<unknown>;
  add(query?: Record<string, string | number>): Promise<{ id: string; text: string }[]>;
  stats(): Promise<{
    streams: number;
    lists: number;
    /** Requests for the campaign itself (its reporting line). */
    campaigns: number;
    open: number;
    lastEventId: number;
    resumedFrom: number[];
  }>;
  /** The campaign's reporting settings, and how the room answers reports. */
  reporting(query: Partial<ReportingSettings>): Promise<unknown>;
  /** The reports the room received, oldest first. */
  reports(): Promise<ReceivedReport[]>;
}

export function room(): Room {
  const id = `r${Math.random().toString(36).slice(2, 10)}`;
  const call = (path: string) => fetch(`/__qw/${id}/${path}`).then((r) => r.json());
  return {
    id,
    api: `${location.origin}/__qw/${id}`,
    call,
    add: (query = {}) =>
      call(
        `add?${new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]))}`,
      ) as ReturnType<Room['add']>,
    stats: () => call('stats') as ReturnType<Room['stats']>,
    reporting: (query) =>
      call(
        `reporting?${new URLSearchParams(
          Object.entries(query).map(([k, v]) => [k, typeof v === 'boolean' ? (v ? '1' : '0') : v]),
        )}`,
      ),
    reports: () => call('reports') as ReturnType<Room['reports']>,
  };
}

export async function wallFor(
  api: string,
  attrs: {
    layout?: string;
    maxItems?: string;
    interval?: string;
    hideStatus?: boolean;
    hideReport?: boolean;
  } = {},
  campaign = 'demo',
): Promise<CampaignQuoteWall> {
  return fixture<CampaignQuoteWall>(html`
    <campaign-quote-wall
      api=${api}
      campaign=${campaign}
      layout=${attrs.layout ?? 'grid'}
      max-items=${attrs.maxItems ?? '24'}
      interval=${attrs.interval ?? '8'}
      ?hide-status=${attrs.hideStatus}
      ?hide-report=${attrs.hideReport}
    ></campaign-quote-wall>
  `);
}

/** The quote texts the wall shows, top to bottom (not the report dialog's). */
export const texts = (el: HTMLElement): string[] =>
  [...el.shadowRoot!.querySelectorAll('li blockquote')].map((b) => b.textContent ?? '');

export const $ = <T extends Element = HTMLElement>(el: HTMLElement, selector: string) =>
  el.shadowRoot!.querySelector<T>(selector);

export const buttons = (el: HTMLElement): HTMLButtonElement[] => [
  ...el.shadowRoot!.querySelectorAll('button'),
];

export const button = (el: HTMLElement, label: RegExp) =>
  buttons(el).find((b) => label.test(b.textContent ?? ''));

export const liveRegion = (el: HTMLElement) => $(el, '[role="status"]')!;

export const statusText = (el: HTMLElement) => $(el, '[part="status"]')?.textContent?.trim();

export async function until(
  condition: () => boolean | Promise<boolean>,
  message: string,
  timeout = 4000,
): Promise<void> {
  await waitUntil(condition, message, { timeout, interval: 10 });
}

export async function showing(el: HTMLElement, expected: string[], timeout = 4000) {
  await until(
    () => JSON.stringify(texts(el)) === JSON.stringify(expected),
    `expected ${JSON.stringify(expected)}, saw ${JSON.stringify(texts(el))}`,
    timeout,
  );
}

/** Waits for the slide-in animations to end (axe measures contrast mid-fade otherwise). */
export async function settled(el: HTMLElement): Promise<void> {
  const ending = el
    .shadowRoot!.getAnimations()
    .filter((a) => a.effect?.getTiming().iterations !== Infinity);
  await Promise.all(ending.map((a) => a.finished.catch(() => undefined)));
}

/**
 * Keeps every failure reportable. The runner sends results through `structuredClone`,
 * which throws on DOM nodes: a failed assertion whose actual or expected value is an
 * element (`expect(shadowRoot.activeElement).to.equal(button)`) would never report,
 * and its whole file would stall until the runner's timeout. Call at a file's top level.
 */
export function reportableFailures(): void {
  afterEach(function () {
    const error = this.currentTest?.err as { actual?: unknown; expected?: unknown } | undefined;
    for (const key of ['actual', 'expected'] as const) {
      try {
        structuredClone(error?.[key]);
      } catch {
        const value = error![key];
        error![key] = value instanceof Element ? value.outerHTML : String(value);
      }
    }
  });
}
