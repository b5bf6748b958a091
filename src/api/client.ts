import {
  AbortedError,
  HttpError,
  NetworkError,
  ParseError,
  TimeoutError,
  type FieldError,
} from './errors.js';
import type {
  ApiErrorBody,
  Campaign,
  Locale,
  Photo,
  QuotePage,
  ReceiptStatus,
  ReportAccepted,
  ReportRequest,
  Story,
  StoryList,
  SubmissionAccepted,
  SubmissionRequest,
  WithdrawAnswer,
} from './wire.js';
import { xhrFetch } from './xhr-fetch.js';

export interface RequestOptions {
  /** Aborts the request; the promise rejects with `AbortedError`. */
  signal?: AbortSignal;
  /** Milliseconds before the request fails with `TimeoutError`. */
  timeout?: number;
  locale?: Locale;
}

/** What a submission carries besides its body and key. */
export interface SubmitOptions extends RequestOptions {
  /** The photo, sent with the body as multipart (`data`: the JSON, `photo`: a JPEG). */
  photo?: Blob | null;
  /** Upload progress from 0 to 1; given, the request goes by XMLHttpRequest. */
  onProgress?: (fraction: number) => void;
}

export interface ClientOptions {
  /** Default timeout in milliseconds (10 000). */
  timeout?: number;
  /** The `fetch` to use; the page's by default. */
  fetch?: typeof fetch;
}

const DEFAULT_TIMEOUT = 10_000;

/**
 * The API root from what a partner wrote: trailing slashes and a trailing `/v1` (a
 * natural guess from the API's paths) are dropped, so `https://api.example/`,
 * `https://api.example/v1` and `https://api.example/v1/` all name the same API.
 */
export function apiRoot(base: string): string {
  const root = base.replace(/\/+$/, '');
  return /(?:^|[^/:])\/v1$/.test(root) ? root.slice(0, -3) : root;
}

/**
 * Typed access to one campaign on one campaign API. Every call makes exactly one
 * request: retrying is the caller's decision (`error.retryable` says when it makes
 * sense), so nothing is ever sent twice behind a widget's back.
 */
export class CampaignApiClient {
  readonly base: string;
  readonly campaign: string;
  readonly #timeout: number;
  readonly #fetch: typeof fetch;

  constructor(base: string, campaign: string, options: ClientOptions = {}) {
    this.base = apiRoot(base);
    this.campaign = campaign;
    this.#timeout = options.timeout ?? DEFAULT_TIMEOUT;
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  /** Absolute URL of a path under this campaign, e.g. `/quotes`. */
  url(path = '', query: Record<string, string | number | undefined> = {}): string {
    const url = new URL(
      `${this.base}/v1/campaigns/${encodeURIComponent(this.campaign)}${path}`,
      typeof location === 'undefined' ? undefined : location.href,
    );
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return url.href;
  }

  getCampaign(options: RequestOptions = {}): Promise<Campaign> {
    return this.request(this.url('', { locale: options.locale }), {}, options);
  }

  listStories(options: RequestOptions = {}): Promise<StoryList> {
    return this.request(this.url('/stories', { locale: options.locale }), {}, options);
  }

  getStory(id: string, options: RequestOptions = {}): Promise<Story> {
    const path = `/stories/${encodeURIComponent(id)}`;
    return this.request(this.url(path, { locale: options.locale }), {}, options);
  }

  getPhoto(id: string, options: RequestOptions = {}): Promise<Photo> {
    const path = `/photos/${encodeURIComponent(id)}`;
    return this.request(this.url(path, { locale: options.locale }), {}, options);
  }

  listQuotes(
    query: { limit?: number; before?: string } = {},
    options: RequestOptions = {},
  ): Promise<QuotePage> {
    return this.request(
      this.url('/quotes', { limit: query.limit, before: query.before, locale: options.locale }),
      {},
      options,
    );
  }

  /** URL of the live quote stream, resuming after `lastEventId` when given. */
  quoteStreamUrl(lastEventId?: number | string, locale?: Locale): string {
    return this.url('/quotes/stream', {
      lastEventId: lastEventId === undefined ? undefined : String(lastEventId),
      locale,
    });
  }

  /**
   * Sends a submission: JSON, or multipart with a photo. The same `idempotencyKey` never
   * stores twice, so a retry of the same body under it is safe.
   */
  submit(
    body: SubmissionRequest,
    idempotencyKey: string,
    { photo, onProgress, ...options }: SubmitOptions = {},
  ): Promise<SubmissionAccepted> {
    let payload: string | FormData = JSON.stringify(body);
    if (photo) {
      payload = new FormData();
      payload.append('data', JSON.stringify(body));
      payload.append('photo', photo, 'photo.jpg');
    }
    return this.#send(
      this.url('/submissions'),
      {
        method: 'POST',
        headers: {
          'idempotency-key': idempotencyKey,
          // A FormData body sets its own, with the boundary.
          ...(photo ? {} : { 'content-type': 'application/json' }),
        },
        body: payload,
      },
      options,
      onProgress ? xhrFetch(onProgress) : this.#fetch,
    );
  }

  /** What became of a submission, told by its receipt (`404` once withdrawn or unknown). */
  getReceipt(id: string, secret: string, options: RequestOptions = {}): Promise<ReceiptStatus> {
    return this.#post(`/submissions/${encodeURIComponent(id)}/receipt`, { secret }, options);
  }

  /** Withdraws a submission with its receipt: deleted for good, and off every wall. */
  withdraw(id: string, secret: string, options: RequestOptions = {}): Promise<WithdrawAnswer> {
    return this.#post(`/submissions/${encodeURIComponent(id)}/withdraw`, { secret }, options);
  }

  /** Reports a published quote (one report per client and quote counts). */
  report(
    quoteId: string,
    body: ReportRequest,
    options: RequestOptions = {},
  ): Promise<ReportAccepted> {
    return this.#post(`/quotes/${encodeURIComponent(quoteId)}/reports`, body, options);
  }

  #post<T>(path: string, body: unknown, options: RequestOptions): Promise<T> {
    return this.request(
      this.url(path, { locale: options.locale }),
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      },
      options,
    );
  }

  /**
   * One request, one answer. Resolves with the parsed JSON body of a 2xx answer;
   * rejects with `NetworkError`, `TimeoutError`, `AbortedError`, `HttpError` or
   * `ParseError`.
   */
  request<T>(url: string, init: RequestInit = {}, options: RequestOptions = {}): Promise<T> {
    return this.#send(url, init, options, this.#fetch);
  }

  async #send<T>(
    url: string,
    init: RequestInit,
    options: RequestOptions,
    fetchFn: typeof fetch,
  ): Promise<T> {
    const timeoutMs = options.timeout ?? this.#timeout;
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const outer = options.signal;
    const onAbort = () => controller.abort();
    if (outer?.aborted) controller.abort();
    outer?.addEventListener('abort', onAbort, { once: true });

    try {
      let response: Response;
      try {
        response = await fetchFn(url, {
          ...init,
          headers: { accept: 'application/json', ...(init.headers as Record<string, string>) },
          signal: controller.signal,
        });
      } catch (cause) {
        throw this.#failure(cause, timedOut, timeoutMs, outer);
      }
      let text: string;
      try {
        text = await response.text();
      } catch (cause) {
        throw this.#failure(cause, timedOut, timeoutMs, outer);
      }
      if (!response.ok) throw httpError(response, text);
      if (response.status === 204 || text === '') return undefined as T;
      try {
        return JSON.parse(text) as T;
      } catch (cause) {
        throw new ParseError(`The campaign API sent something that is not JSON (${url})`, {
          cause,
        });
      }
    } finally {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onAbort);
    }
  }

  #failure(cause: unknown, timedOut: boolean, timeoutMs: number, outer?: AbortSignal): Error {
    if (timedOut) return new TimeoutError(timeoutMs);
    if (outer?.aborted) return new AbortedError({ cause });
    return new NetworkError('The campaign API could not be reached', { cause });
  }
}

function httpError(response: Response, text: string): HttpError {
  let body: Partial<ApiErrorBody> = {};
  try {
    body = JSON.parse(text) as Partial<ApiErrorBody>;
  } catch {
    // Not our API's error format (a proxy's HTML page, say): the status still tells.
  }
  const retryAfterHeader = response.headers.get('retry-after');
  let retryAfter: number | undefined;
  if (retryAfterHeader) {
    const seconds = Number(retryAfterHeader);
    retryAfter = Number.isFinite(seconds)
      ? seconds
      : Math.max(0, Math.ceil((Date.parse(retryAfterHeader) - Date.now()) / 1000));
    if (!Number.isFinite(retryAfter)) retryAfter = undefined;
  }
  const fields: FieldError[] = Array.isArray(body.fields) ? body.fields : [];
  return new HttpError(
    response.status,
    typeof body.code === 'string' ? body.code : `http_${response.status}`,
    typeof body.message === 'string' ? body.message : response.statusText || 'HTTP error',
    fields,
    retryAfter,
  );
}
