/**
 * A fake campaign API for the console's tests, inside the page: `fetch` and
 * `EventSource` are replaced while a test runs. Every request is recorded (method,
 * path, query, JSON body, headers); answers come from the routes a test registers,
 * later registrations first. Streams are `FakeEventSource`s the test drives.
 */

export interface Recorded {
  method: string;
  path: string;
  query: URLSearchParams;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON the test reads
  body: any;
  headers: Record<string, string>;
  credentials: RequestCredentials | undefined;
}

export interface Answer {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** An answer, or `'network'` for a request that gets no answer at all. */
export type Reply = Answer | 'network';
type Handler = (request: Recorded, match: RegExpExecArray) => Reply | Promise<Reply>;

export class FakeEventSource extends EventTarget {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;
  readonly CONNECTING = 0;
  readonly OPEN = 1;
  readonly CLOSED = 2;
  readyState = 0;
  readonly url: string;
  readonly withCredentials: boolean;
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;

  constructor(
    url: string | URL,
    init: EventSourceInit | undefined,
    readonly api: FakeApi,
  ) {
    super();
    this.url = String(url);
    this.withCredentials = init?.withCredentials ?? false;
    api.sources.push(this);
    if (api.autoOpen) setTimeout(() => this.open(), 0);
  }

  open() {
    if (this.readyState === 2) return;
    this.readyState = 1;
    this.dispatchEvent(new Event('open'));
  }

  emit(type: string, data: unknown) {
    if (this.readyState !== 1) return;
    this.dispatchEvent(new MessageEvent(type, { data: JSON.stringify(data) }));
  }

  /** The connection dropped; `closed`: and the browser gives up (a refused stream). */
  fail(closed = false) {
    this.readyState = closed ? 2 : 0;
    this.dispatchEvent(new Event('error'));
  }

  close() {
    this.readyState = 2;
  }
}

/** The fake whose streams `new EventSource()` makes now. */
let installed: FakeApi | null = null;

export class FakeApi {
  readonly requests: Recorded[] = [];
  readonly sources: FakeEventSource[] = [];
  autoOpen = true;
  #routes: { method: string; pattern: RegExp; handler: Handler }[] = [];
  #fetch: typeof fetch | null = null;
  #eventSource: typeof EventSource | null = null;

  /** Answers `method path` (a regular expression of the path, or an exact path). */
  on(method: string, pattern: string | RegExp, handler: Handler | Reply): this {
    const regexp =
      typeof pattern === 'string'
        ? new RegExp(`^${pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`)
        : pattern;
    this.#routes.unshift({
      method,
      pattern: regexp,
      handler: typeof handler === 'function' ? handler : () => handler,
    });
    return this;
  }

  install(): this {
    this.#fetch = window.fetch;
    this.#eventSource = window.EventSource;
    window.fetch = (input, init) => this.#answer(input, init);
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the stub class reads it
    installed = this;
    window.EventSource = class extends FakeEventSource {
      constructor(url: string | URL, init?: EventSourceInit) {
        super(url, init, installed!);
      }
    } as unknown as typeof EventSource;
    return this;
  }

  restore() {
    if (this.#fetch) window.fetch = this.#fetch;
    if (this.#eventSource) window.EventSource = this.#eventSource;
    for (const source of this.sources) source.close();
  }

  /** The requests to `method` whose path matches. */
  find(method: string, pattern: RegExp): Recorded[] {
    return this.requests.filter((r) => r.method === method && pattern.test(r.path));
  }

  /** The open streams. */
  open(): FakeEventSource[] {
    return this.sources.filter((s) => s.readyState === 1);
  }

  emit(type: string, data: unknown) {
    for (const source of this.open()) source.emit(type, data);
  }

  async #answer(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const url = new URL(input instanceof Request ? input.url : String(input), location.href);
    const method = (init?.method ?? 'GET').toUpperCase();
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((value, key) => (headers[key] = value));
    const text = typeof init?.body === 'string' ? init.body : null;
    const recorded: Recorded = {
      method,
      path: url.pathname,
      query: url.searchParams,
      body: text ? JSON.parse(text) : undefined,
      headers,
      credentials: init?.credentials,
    };
    this.requests.push(recorded);
    if (init?.signal?.aborted) throw new DOMException('Aborted', 'AbortError');
    for (const route of this.#routes) {
      const match = route.method === method ? route.pattern.exec(url.pathname) : null;
      if (!match) continue;
      const reply = await route.handler(recorded, match);
      if (reply === 'network') throw new TypeError('Failed to fetch');
      const status = reply.status ?? 200;
      const empty = status === 204 || status === 304;
      return new Response(empty || reply.body === undefined ? null : JSON.stringify(reply.body), {
        status,
        headers: { 'content-type': 'application/json', ...reply.headers },
      });
    }
    return new Response(
      JSON.stringify({
        statusCode: 404,
        code: 'not_found',
        message: `No fake for ${url.pathname}`,
      }),
      { status: 404, headers: { 'content-type': 'application/json' } },
    );
  }
}

/** The API's error body. */
export const failure = (
  status: number,
  code: string,
  message = code,
  extra: { details?: unknown; headers?: Record<string, string> } = {},
): Answer => ({
  status,
  body: { statusCode: status, code, message, ...(extra.details ? { details: extra.details } : {}) },
  ...(extra.headers ? { headers: extra.headers } : {}),
});
