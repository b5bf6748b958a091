// The quote wall's wire protocol as a fake campaign API keeps it, environment-free (a
// browser or Node): the approved quotes, their pages, the live event log with
// increasing ids, catch-up after an id, withdrawals, ETags, the campaign's reporting
// line and the reports received. The tests' HTTP endpoints (quote-endpoints.mjs, which
// loads this file through tsx) and the stories' fetch and EventSource
// (stories/support/fake-quote-api.ts) answer through it.
import type { Campaign, Locale, Quote, QuotePage, ReportContact } from '../../src/api/wire.js';
import { DEFAULT_SUBMISSION_LIMITS } from '../../src/api/wire.js';

export interface QuoteEvent<Q = Quote> {
  id: number;
  type: 'quote' | 'remove';
  data: Q | { id: string };
}

export interface ReportingSettings {
  optional: boolean;
  /** The campaign itself answers 503. */
  down: boolean;
  contact: 'phone' | 'email' | 'url' | 'none';
  answer: 'accept' | 'not_found' | 'rate_limited' | 'origin' | 'validation' | 'drop' | 'slow';
}

export interface ReceivedReport {
  quoteId: string;
  body: { reason: string; note?: string } | null;
  locale: string | null;
  contentType?: string | undefined;
}

/** How to answer a report; `drop` (break the answer) and `delay` are the transport's. */
export interface ReportAnswer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
  drop?: boolean;
  delay?: number;
}

type PageQuery = { limit?: number | string | null; before?: number | string | null };

const LINE = 'Spirit of Chongqing reporting line';
const CONTACTS: Partial<Record<ReportingSettings['contact'], string>> = {
  phone: '+86-23-67158993',
  email: 'report@spirit.example.cn',
  url: 'https://report.spirit.example.cn/',
};

/** `zh-Hans` or `en`, as the API maps a `?locale=`. */
export const localeOf = (value?: string | null): Locale => (value === 'zh-Hans' ? value : 'en');

/** A strong ETag of a body (two 32-bit FNV-1a lanes): the same text, the same tag. */
export function etagOf(body: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let i = 0; i < body.length; i++) {
    a = Math.imul(a ^ body.charCodeAt(i), 0x01000193);
    b = Math.imul(b ^ body.charCodeAt(i), 0x5bd1e995);
  }
  const hex = (n: number) => (n >>> 0).toString(16).padStart(8, '0');
  return `"${hex(a)}${hex(b)}"`;
}

/** One event as it goes on an event stream. */
export const sseFrame = (event: QuoteEvent<unknown>): string =>
  `id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`;

/** `Q` is a quote as the room keeps it; `localize` makes the wire's `Quote` of it. */
export class QuoteRoom<Q extends { id?: string } = Quote> {
  seq = 0;
  /** Oldest first; `seq` is the id of the event that approved the quote. */
  quotes: { seq: number; quote: Q & { id: string } }[] = [];
  events: QuoteEvent<Q & { id: string }>[] = [];
  reporting: ReportingSettings = {
    optional: false,
    contact: 'phone',
    down: false,
    answer: 'accept',
  };
  /** Oldest first. */
  reports: ReceivedReport[] = [];
  readonly #listeners = new Set<(event: QuoteEvent<Q & { id: string }>) => void>();
  readonly #localize: (quote: Q & { id: string }, locale: Locale) => Quote;

  constructor(options: { localize?: (quote: Q & { id: string }, locale: Locale) => Quote } = {}) {
    this.#localize = options.localize ?? ((quote) => quote as unknown as Quote);
  }

  /** Approves a quote (id `q<its event id>` unless given) and publishes it. */
  add(quote: Q): Q & { id: string } {
    const full = { id: `q${this.seq + 1}`, ...quote } as Q & { id: string };
    this.quotes.push({ seq: this.#publish('quote', full), quote: full });
    return full;
  }

  /** Changes a published quote and publishes it again; null if it is not published. */
  edit(id: string, changes: Partial<Q>): (Q & { id: string }) | null {
    const entry = this.quotes.find((e) => e.quote.id === id);
    if (!entry) return null;
    entry.quote = { ...entry.quote, ...changes };
    this.#publish('quote', entry.quote);
    return entry.quote;
  }

  /** Withdraws a quote: gone from every page, and a `remove` event. */
  remove(id: string): boolean {
    const index = this.quotes.findIndex((e) => e.quote.id === id);
    if (index < 0) return false;
    this.quotes.splice(index, 1);
    this.#publish('remove', { id });
    return true;
  }

  has(id: string): boolean {
    return this.quotes.some((e) => e.quote.id === id);
  }

  /** `GET …/quotes?limit=&before=`: newest first, at most 100 a page. */
  page({ limit, before }: PageQuery = {}, locale: Locale = 'en'): QuotePage {
    const max = Math.min(100, Number(limit ?? 20));
    const under = before == null || before === '' ? Infinity : Number(before);
    const rows = this.quotes.filter((e) => e.seq < under).reverse();
    const items = rows.slice(0, max);
    return {
      items: items.map((e) => this.#localize(e.quote, locale)),
      nextBefore: rows.length > max ? String(items.at(-1)!.seq) : null,
      lastEventId: this.seq,
    };
  }

  /** The page as the API answers it: body and ETag, or 304 for a matching `If-None-Match`. */
  pageAnswer(query: PageQuery, locale: Locale, ifNoneMatch?: string | null) {
    const body = JSON.stringify(this.page(query, locale));
    const etag = etagOf(body);
    const tags = (ifNoneMatch ?? '').split(',').map((tag) => tag.trim());
    const match = tags.some((tag) => tag === etag || tag === `W/${etag}` || tag === '*');
    return match ? { status: 304, etag, body: null } : { status: 200, etag, body };
  }

  /**
   * Where a stream starts: after the `Last-Event-ID` header, else `?lastEventId=`, else
   * now. A header that is not 1 to 15 digits is a bad request (null), as on the API.
   */
  resumeFrom(header: string | null | undefined, query: string | null | undefined): number | null {
    const raw = header?.trim() ?? '';
    if (raw !== '') return /^[0-9]{1,15}$/.test(raw) ? Number(raw) : null;
    return query == null || query === '' ? this.seq : Number(query);
  }

  /** The events after `id`, oldest first, as a stream in `locale` carries them. */
  after(id: number, locale: Locale = 'en'): QuoteEvent[] {
    return this.events.filter((e) => e.id > id).map((e) => this.view(e, locale));
  }

  /** An event as a stream in `locale` carries it. */
  view(event: QuoteEvent<Q & { id: string }>, locale: Locale = 'en'): QuoteEvent {
    if (event.type === 'remove') return event as QuoteEvent<never>;
    return { ...event, data: this.#localize(event.data as Q & { id: string }, locale) };
  }

  /** Calls `listener` with every event from now on; returns the unsubscribe. */
  subscribe(listener: (event: QuoteEvent<Q & { id: string }>) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Changes the reporting settings from a query (`optional`, `down`: `1` or `0`). */
  setReporting(query: Record<string, string | undefined>): ReportingSettings {
    const { optional, down, contact, answer } = query;
    const s = this.reporting;
    if (optional != null) s.optional = optional === '1';
    if (down != null) s.down = down === '1';
    if (contact != null) s.contact = contact as ReportingSettings['contact'];
    if (answer != null) s.answer = answer as ReportingSettings['answer'];
    return s;
  }

  /** `GET /v1/campaigns/<id>?locale=`: the campaign, with its reporting line. */
  campaign(id: string, locale: Locale = 'en'): Campaign {
    const { contact, optional } = this.reporting;
    const value = contact === 'none' ? undefined : CONTACTS[contact];
    const zh = locale === 'zh-Hans';
    return {
      id,
      locale,
      defaultLocale: 'en',
      locales: ['en', 'zh-Hans'],
      title: zh ? '山城精神' : 'Spirit of Chongqing City',
      summary: '',
      status: 'open',
      closesAt: null,
      privacyPolicyUrl: 'https://spirit.example.cn/privacy',
      consent: { version: '1', text: '' },
      limits: { ...DEFAULT_SUBMISSION_LIMITS, photoTypes: ['image/jpeg'] },
      districts: [],
      reportContact: value
        ? { kind: contact as ReportContact['kind'], value, label: zh ? '山城精神举报电话' : LINE }
        : null,
      reportsOptional: optional,
    };
  }

  /** `POST …/quotes/<id>/reports`: records the report; answers as `reporting.answer` says. */
  report(quoteId: string, text: string, locale: string | null, contentType?: string): ReportAnswer {
    let body: ReceivedReport['body'] = null;
    try {
      body = JSON.parse(text) as ReceivedReport['body'];
    } catch {
      // Recorded as null: a test can see what arrived.
    }
    this.reports.push({ quoteId, body, locale, contentType });
    const { answer } = this.reporting;
    const error = (status: number, code: string, headers = {}): ReportAnswer => ({
      status,
      headers,
      body: { statusCode: status, code, message: code },
    });
    if (answer === 'drop') return { drop: true, status: 202, headers: {}, body: null };
    if (answer === 'rate_limited') return error(429, 'rate_limited', { 'retry-after': '120' });
    if (answer === 'origin') return error(403, 'origin_not_allowed');
    if (answer === 'validation') return error(422, 'validation');
    // A quote no longer published (withdrawn, hidden) is not found, as on the real API.
    if (answer === 'not_found' || !this.has(quoteId)) return error(404, 'not_found');
    const accepted = { id: `rep-${this.reports.length}`, received: true };
    return { status: 202, headers: {}, body: accepted, delay: answer === 'slow' ? 1000 : 0 };
  }

  #publish(type: QuoteEvent['type'], data: (Q & { id: string }) | { id: string }): number {
    const event = { id: ++this.seq, type, data };
    this.events.push(event);
    for (const listener of this.#listeners) listener(event);
    return event.id;
  }
}
