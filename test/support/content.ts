// Helpers for the tests of the content widgets (<campaign-photo>, <campaign-story-teaser>).
import { expect } from '@open-wc/testing';
import { testApi } from './api.js';

export const CAMPAIGN = 'spirit-of-chongqing';

/** Base URL of the real reference API started for this test run. */
export const apiUrl = async (): Promise<string> => (await testApi()).url;

/**
 * A base URL whose every request answers after `ms` milliseconds (the test server's
 * `/__test/slow`; the client's path lands in a throwaway query parameter).
 */
export const slowApi = (ms = 5000): string => `${location.origin}/__test/slow?ms=${ms}&path=`;

/** Base URLs that fail in a given way, for the fallback tests. */
export const failingApi = {
  /** The connection is closed without an answer. */
  network: `${location.origin}/__test/drop?path=`,
  /** A 503 with the API's error body. */
  unavailable: `${location.origin}/__test/status?status=503&code=unavailable&path=`,
  /** 200 with JSON that is not the item asked for. */
  wrongShape: `${location.origin}/__test/json?path=`,
};

export interface FetchCall {
  url: string;
  signal: AbortSignal | undefined;
}

/**
 * Records every fetch the page makes (the request still goes out). Install before the
 * element is created: the API client binds `fetch` when it is made.
 */
export function recordFetches(): { calls: FetchCall[]; restore(): void } {
  const original = window.fetch;
  const calls: FetchCall[] = [];
  window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    calls.push({
      url: String(input instanceof Request ? input.url : input),
      signal: init?.signal ?? undefined,
    });
    return original(input, init);
  };
  return { calls, restore: () => void (window.fetch = original) };
}

const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve(undefined)));

/** Waits until the browser has painted twice (layout-shift entries are queued by then). */
export async function painted(): Promise<void> {
  await frame();
  await frame();
}

/**
 * Measures layout shift from now on: the browser's own `layout-shift` entries where
 * the engine reports them (Chromium), and in every engine the position of a sentinel
 * element placed after the widget.
 */
export function watchLayoutShift(sentinel: Element, start = performance.now()) {
  const top = sentinel.getBoundingClientRect().top;
  const supported = PerformanceObserver.supportedEntryTypes?.includes('layout-shift') ?? false;
  let total = 0;
  const count = (entries: PerformanceEntryList) => {
    for (const entry of entries as (PerformanceEntry & {
      value: number;
      hadRecentInput: boolean;
    })[]) {
      if (entry.startTime >= start && !entry.hadRecentInput) total += entry.value;
    }
  };
  const observer = supported
    ? new PerformanceObserver((list) => count(list.getEntries()))
    : undefined;
  observer?.observe({ type: 'layout-shift', buffered: true });
  return {
    supported,
    async expectNone() {
      await painted();
      if (observer) count(observer.takeRecords());
      observer?.disconnect();
      expect(sentinel.getBoundingClientRect().top, 'content after the widget moved').to.equal(top);
      if (supported) expect(total, 'cumulative layout shift').to.equal(0);
    },
  };
}

export { captureWarnings } from './warnings.js';
