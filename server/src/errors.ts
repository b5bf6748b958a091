import type { ApiErrorBody, ErrorCode, FieldErrorCode } from '../../src/api/wire.js';

export interface FieldProblem {
  field: string;
  code: FieldErrorCode;
  message?: string;
}

/** An error answer with a stable machine code; the error handler renders it as `ApiErrorBody`. */
export class ApiError extends Error {
  readonly statusCode: number;
  readonly code: ErrorCode;
  readonly fields: FieldProblem[] | undefined;
  readonly headers: Record<string, string>;
  readonly details: unknown;

  constructor(
    statusCode: number,
    code: ErrorCode,
    message: string,
    options: {
      fields?: FieldProblem[];
      headers?: Record<string, string>;
      /** More for the client (e.g. the item as it now stands, for `stale`). */
      details?: unknown;
    } = {},
  ) {
    super(message);
    this.statusCode = statusCode;
    this.code = code;
    this.fields = options.fields;
    this.headers = options.headers ?? {};
    this.details = options.details;
  }

  toBody(): ApiErrorBody {
    const body: ApiErrorBody = {
      statusCode: this.statusCode,
      code: this.code,
      message: this.message,
    };
    if (this.fields) body.fields = this.fields;
    if (this.details !== undefined) body.details = this.details;
    return body;
  }
}

export const notFound = (what: string) => new ApiError(404, 'not_found', `${what} not found`);

export const validation = (fields: FieldProblem[], message = 'The request has invalid fields') =>
  new ApiError(400, 'validation', message, { fields });
