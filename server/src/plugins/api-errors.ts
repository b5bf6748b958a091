/**
 * One error shape for every layer: route errors, validation, Fastify's own errors,
 * unknown routes and methods, router limits, and requests Node's HTTP parser refuses
 * before Fastify sees them. Every error answers `ApiErrorBody` with a stable code,
 * `no-store` and `nosniff`, and never echoes the request back. Only server faults
 * (5xx other than a busy 503) are logged at error level: a client's mistake is not
 * the server's.
 */
import type { Socket } from 'node:net';
import fp from 'fastify-plugin';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorCode, FieldErrorCode } from '../../../src/api/wire.js';
import { ApiError, type FieldProblem } from '../errors.js';
import { StoreUnavailableError } from '../store/store.js';

const FIELD_CODE_BY_KEYWORD: Record<string, FieldErrorCode> = {
  required: 'required',
  maxLength: 'too_long',
  minLength: 'too_short',
};

/** Fastify's and its plugins' error codes, as the API names them. */
const BY_FASTIFY_CODE: Record<string, [number, ErrorCode, string]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'payload_too_large', 'The request body is too large'],
  FST_REQ_FILE_TOO_LARGE: [413, 'photo_too_large', 'The photo is larger than allowed'],
  FST_FILES_LIMIT: [413, 'payload_too_large', 'Send at most one photo'],
  FST_PARTS_LIMIT: [413, 'payload_too_large', 'Too many parts in the form'],
  FST_FIELDS_LIMIT: [413, 'payload_too_large', 'Too many fields in the form'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'unsupported_media_type', 'Unsupported content type'],
  FST_INVALID_MULTIPART_CONTENT_TYPE: [415, 'unsupported_media_type', 'Not a multipart body'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'validation', 'The body is empty'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'validation', 'Wrong Content-Length'],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'validation', 'The body is not valid JSON'],
  FST_INVALID_JSON_FIELD_ERROR: [400, 'validation', 'The data part is not valid JSON'],
  FST_PROTO_VIOLATION: [400, 'validation', 'The form has a forbidden field name'],
  FST_ERR_MAX_PARAM_LENGTH: [414, 'uri_too_long', 'A path segment is too long'],
  FST_ERR_BAD_URL: [400, 'validation', 'The URL is not valid'],
  FST_ERR_ASYNC_CONSTRAINT: [500, 'internal', 'Something went wrong on our side'],
};

/** Statuses of plain HTTP errors (e.g. `http-errors` from a plugin), as API codes. */
const BY_STATUS: Record<number, [ErrorCode, string]> = {
  404: ['not_found', 'No such resource'],
  405: ['method_not_allowed', 'This method is not allowed here'],
  408: ['request_timeout', 'The request did not arrive in time'],
  413: ['payload_too_large', 'The request body is too large'],
  414: ['uri_too_long', 'The URL is too long'],
  415: ['unsupported_media_type', 'Unsupported content type'],
  431: ['headers_too_large', 'The request headers are too large'],
  503: ['unavailable', 'The service is busy; try again soon'],
};

/** A validation answer names what was wrong: the URL for the router's refusals, else the body. */
const needsField = (code: ErrorCode, field = 'body') =>
  code === 'validation' ? { fields: [{ field, code: 'invalid' as const }] } : {};

function fromValidation(error: FastifyError): ApiError {
  const fields: FieldProblem[] = (error.validation ?? []).map((issue) => {
    const missing = (issue.params as { missingProperty?: string }).missingProperty;
    const field = missing ?? (issue.instancePath.replace(/^\//, '') || 'request');
    return {
      field,
      code: FIELD_CODE_BY_KEYWORD[issue.keyword] ?? 'invalid',
      ...(issue.message ? { message: issue.message } : {}),
    };
  });
  return new ApiError(400, 'validation', `Invalid ${error.validationContext ?? 'request'}`, {
    fields,
  });
}

/** Maps any error to the API's own; unknown ones become `500 internal`. */
export function toApiError(error: FastifyError | Error): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof StoreUnavailableError) {
    return new ApiError(
      503,
      'unavailable',
      'The campaign database is unavailable; try again soon',
      {
        headers: { 'retry-after': '5' },
      },
    );
  }
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) return fromValidation(fastifyError);
  const known = fastifyError.code ? BY_FASTIFY_CODE[fastifyError.code] : undefined;
  if (known) {
    const [status, code, message] = known;
    const field = fastifyError.code === 'FST_ERR_BAD_URL' ? 'url' : 'body';
    return new ApiError(status, code, message, needsField(code, field));
  }
  const status = fastifyError.statusCode;
  if (status && BY_STATUS[status]) {
    const [code, message] = BY_STATUS[status];
    return new ApiError(status, code, message);
  }
  if (status && status >= 400 && status < 500) {
    return new ApiError(400, 'validation', 'The request is not valid', needsField('validation'));
  }
  return new ApiError(500, 'internal', 'Something went wrong on our side');
}

/** Writes an API error on a reply, with the headers every error carries. */
export function sendApiError(
  request: FastifyRequest,
  reply: FastifyReply,
  error: FastifyError | Error,
): FastifyReply {
  const apiError = toApiError(error);
  // A busy server (503) is a state, not a fault; a client's mistake is the client's.
  if (apiError.statusCode === 503) request.log.warn({ code: apiError.code }, apiError.message);
  else if (apiError.statusCode >= 500) request.log.error(error);
  else request.log.info({ code: apiError.code }, apiError.message);
  for (const [name, value] of Object.entries(apiError.headers)) reply.header(name, value);
  return reply
    .header('cache-control', 'no-store')
    .header('x-content-type-options', 'nosniff')
    .code(apiError.statusCode)
    .send(apiError.toBody());
}

/** Node's HTTP parser's refusals (before any route), as the API's answer on the raw socket. */
const BY_PARSER_CODE: Record<string, [number, string, ErrorCode, string]> = {
  HPE_HEADER_OVERFLOW: [
    431,
    'Request Header Fields Too Large',
    'headers_too_large',
    'The request headers are too large',
  ],
  ERR_HTTP_REQUEST_TIMEOUT: [
    408,
    'Request Timeout',
    'request_timeout',
    'The request did not arrive in time',
  ],
};

export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  // While an answer is being written on this socket (an event stream, say), another
  // would be written into it; Node's own handler checks the same.
  const current = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (!socket.writable || current?.headersSent) {
    socket.destroy();
    return;
  }
  const [status, reason, code, message] = BY_PARSER_CODE[error.code ?? ''] ?? [
    400,
    'Bad Request',
    'validation' as const,
    'Malformed HTTP request',
  ];
  const body = JSON.stringify(
    new ApiError(status, code, message, {
      ...(code === 'validation' ? { fields: [{ field: 'request', code: 'invalid' }] } : {}),
    }).toBody(),
  );
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nCache-Control: no-store\r\n` +
      `X-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n${body}`,
  );
}

async function apiErrors(app: FastifyInstance): Promise<void> {
  // Callback hooks on every request: an async one costs a promise each time.
  app.addHook('onRequest', (_request, reply, done) => {
    reply.header('x-content-type-options', 'nosniff');
    done();
  });
  app.setErrorHandler((error: FastifyError, request, reply) => sendApiError(request, reply, error));
  app.setNotFoundHandler((request, reply) => {
    const allowed = app.allowedMethods(request.method, request.url);
    if (allowed.length) {
      reply.header('allow', allowed.join(', '));
      return sendApiError(
        request,
        reply,
        new ApiError(405, 'method_not_allowed', `Use ${allowed.join(' or ')} here`),
      );
    }
    return sendApiError(request, reply, new ApiError(404, 'not_found', 'No such resource'));
  });
}

export default fp(apiErrors, { name: 'api-errors', fastify: '5.x', dependencies: ['route-table'] });
