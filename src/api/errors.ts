/**
 * What can go wrong talking to the campaign API, as distinct types a widget can
 * branch on: the network failed, the request took too long, the server answered
 * with an error (and its stable code), the caller aborted, or the answer was not
 * what the contract promises.
 */
export type ApiErrorKind = 'network' | 'timeout' | 'http' | 'aborted' | 'parse';

export class CampaignApiError extends Error {
  readonly kind: ApiErrorKind;
  /** Stable machine code: the server's `code` for HTTP errors, else the kind. */
  readonly code: string;

  constructor(kind: ApiErrorKind, code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CampaignApiError';
    this.kind = kind;
    this.code = code;
  }

  /** Worth trying again later with the same request (and the same idempotency key). */
  get retryable(): boolean {
    return this.kind === 'network' || this.kind === 'timeout';
  }
}

/** The request never got an answer: offline, DNS, CORS refusal, connection reset. */
export class NetworkError extends CampaignApiError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('network', 'network', message, options);
    this.name = 'NetworkError';
  }
}

/** No answer within the client's timeout. */
export class TimeoutError extends CampaignApiError {
  readonly timeoutMs: number;
  constructor(timeoutMs: number) {
    super('timeout', 'timeout', `No answer from the campaign API within ${timeoutMs} ms`);
    this.name = 'TimeoutError';
    this.timeoutMs = timeoutMs;
  }
}

/** The caller aborted the request (for example: the element's `story` changed). */
export class AbortedError extends CampaignApiError {
  constructor(options?: { cause?: unknown }) {
    super('aborted', 'aborted', 'The request was aborted', options);
    this.name = 'AbortError';
  }
}

/** The answer was not JSON, or not the shape the contract promises. */
export class ParseError extends CampaignApiError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('parse', 'parse', message, options);
    this.name = 'ParseError';
  }
}

/** One field the server rejected, with the server's code for it. */
export interface FieldError {
  field: string;
  code: string;
  message?: string;
}

/** The server answered with a non-2xx status. */
export class HttpError extends CampaignApiError {
  readonly status: number;
  /** Per-field problems, when the server named them. */
  readonly fields: readonly FieldError[];
  /** Seconds to wait before trying again (`Retry-After`), when the server said so. */
  readonly retryAfter: number | undefined;

  constructor(
    status: number,
    code: string,
    message: string,
    fields: readonly FieldError[] = [],
    retryAfter?: number,
  ) {
    super('http', code, message);
    this.name = 'HttpError';
    this.status = status;
    this.fields = fields;
    this.retryAfter = retryAfter;
  }

  override get retryable(): boolean {
    return this.status >= 500 || this.status === 429 || this.status === 408;
  }
}
