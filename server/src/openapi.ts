/**
 * The OpenAPI 3.1 document, built from the very TypeBox schemas that validate
 * requests (and that are checked against the widgets' wire types at compile time).
 */
import type { TSchema } from '@sinclair/typebox';
import { ERROR_CODES, FIELD_ERROR_CODES } from '../../src/api/wire.js';
import {
  CampaignParams,
  COMPONENTS,
  ItemParams,
  LocaleQuery,
  PhotoFileParams,
  QuotesQuery,
  StaffListQuery,
  StreamQuery,
} from './schemas.js';
import { StaffPhotoQuery } from './routes/staff.js';

const plain = (schema: TSchema): Record<string, unknown> =>
  JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;
const ref = (name: keyof typeof COMPONENTS) => ({ $ref: `#/components/schemas/${name}` });
const json = (name: keyof typeof COMPONENTS) => ({
  'application/json': { schema: ref(name) },
});

function parameters(
  location: 'path' | 'query',
  schema: TSchema,
): { name: string; in: string; required: boolean; schema: unknown }[] {
  const object = plain(schema) as {
    properties: Record<string, Record<string, unknown>>;
    required?: string[];
  };
  return Object.entries(object.properties).map(([name, property]) => {
    const { description, ...rest } = property as { description?: string };
    return {
      name,
      in: location,
      required: location === 'path' || (object.required ?? []).includes(name),
      schema: rest,
      ...(description ? { description } : {}),
    };
  });
}

const errors = (...codes: number[]) =>
  Object.fromEntries(
    codes.map((code) => [
      String(code),
      { description: ERROR_DESCRIPTIONS[code] ?? 'Error', content: json('ApiErrorBody') },
    ]),
  );

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request (`validation` with per-field codes, or `idempotency_key_required`)',
  401: 'Missing or wrong staff token (`unauthorized`)',
  403: 'Origin not on the allowlist (`origin_not_allowed`)',
  404: 'Unknown campaign or item (`not_found`)',
  409: '`campaign_closed`, `idempotency_conflict` or `invalid_transition`',
  413: 'Body or photo too large (`payload_too_large`, `photo_too_large`)',
  415: 'Not JSON / multipart, or a photo that is not JPEG, PNG or WebP by its bytes',
  422: 'Photo has too many pixels (`photo_too_large`)',
  429: 'Too many submissions (`rate_limited`); see `Retry-After`',
  503: 'Too many live connections (`unavailable`)',
};

const conditional = {
  description: 'OK. Sends `ETag` and `Cache-Control`; answers `304` to a matching `If-None-Match`.',
};

export function buildOpenApi(serverUrl?: string): Record<string, unknown> {
  const campaignPath = parameters('path', CampaignParams);
  const itemPath = parameters('path', ItemParams);
  const locale = parameters('query', LocaleQuery);
  const bearer = [{ staffToken: [] }];
  const staffAction = (summary: string) => ({
    summary,
    tags: ['staff'],
    security: bearer,
    parameters: itemPath,
    responses: {
      '200': { description: 'The submission after the change', content: json('StaffSubmission') },
      ...errors(401, 404, 409),
    },
  });
  return {
    openapi: '3.1.0',
    info: {
      title: 'Campaign API',
      version: '1.0.0',
      description:
        'Reference campaign API for campaign-widgets. Content GETs are open to any origin ' +
        'and cacheable; submissions only from allowed origins. Every error answers ' +
        `\`ApiErrorBody\`; codes: ${ERROR_CODES.join(', ')}; field codes: ${FIELD_ERROR_CODES.join(', ')}.`,
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    paths: {
      '/v1/campaigns/{campaign}': {
        get: {
          summary: 'A campaign, in one locale',
          tags: ['content'],
          parameters: [...campaignPath, ...locale],
          responses: {
            '200': { ...conditional, content: json('Campaign') },
            '304': { description: 'Not modified' },
            ...errors(404),
          },
        },
      },
      '/v1/campaigns/{campaign}/stories': {
        get: {
          summary: 'Campaign stories (teasers)',
          tags: ['content'],
          parameters: [...campaignPath, ...locale],
          responses: {
            '200': { ...conditional, content: json('StoryList') },
            '304': { description: 'Not modified' },
            ...errors(404),
          },
        },
      },
      '/v1/campaigns/{campaign}/stories/{id}': {
        get: {
          summary: 'One story teaser',
          tags: ['content'],
          parameters: [...itemPath, ...locale],
          responses: {
            '200': { ...conditional, content: json('Story') },
            '304': { description: 'Not modified' },
            ...errors(404),
          },
        },
      },
      '/v1/campaigns/{campaign}/photos/{id}': {
        get: {
          summary: 'A photo: sources, size, alt, caption, credit, license',
          tags: ['content'],
          parameters: [...itemPath, ...locale],
          responses: {
            '200': { ...conditional, content: json('Photo') },
            '304': { description: 'Not modified' },
            ...errors(404),
          },
        },
      },
      '/v1/campaigns/{campaign}/photos/{id}/{file}': {
        get: {
          summary: 'A photo file at one width (`{width}.jpg`, as listed in `srcset`)',
          tags: ['content'],
          parameters: parameters('path', PhotoFileParams),
          responses: {
            '200': {
              ...conditional,
              content: { 'image/jpeg': { schema: { type: 'string', format: 'binary' } } },
            },
            '304': { description: 'Not modified' },
            ...errors(404),
          },
        },
      },
      '/v1/campaigns/{campaign}/submissions': {
        post: {
          summary: "Send a reader's words (and optionally a photo) for review",
          tags: ['submissions'],
          parameters: [
            ...campaignPath,
            {
              name: 'Idempotency-Key',
              in: 'header',
              required: true,
              description:
                '8–200 visible ASCII characters (a UUID fits). The same key with the same body ' +
                'answers the first answer and stores nothing new; with another body, `409`.',
              schema: { type: 'string', pattern: '^[\\x21-\\x7e]{8,200}$' },
            },
          ],
          requestBody: {
            required: true,
            content: {
              'application/json': { schema: ref('SubmissionRequest') },
              'multipart/form-data': {
                schema: {
                  type: 'object',
                  required: ['data'],
                  properties: {
                    data: { ...ref('SubmissionRequest'), description: 'The JSON body, as text' },
                    photo: {
                      type: 'string',
                      format: 'binary',
                      description:
                        'JPEG, PNG or WebP (judged by its bytes). Re-encoded as JPEG at a few ' +
                        'widths; all metadata (EXIF, GPS) is dropped.',
                    },
                  },
                },
                encoding: { data: { contentType: 'application/json' } },
              },
            },
          },
          responses: {
            '202': {
              description:
                'Accepted, awaiting review. A filled-in honeypot (`website`) also answers 202 and stores nothing.',
              content: json('SubmissionAccepted'),
            },
            ...errors(400, 403, 404, 409, 413, 415, 422, 429),
          },
        },
        get: {
          summary: 'Submissions by status, newest first (staff)',
          tags: ['staff'],
          security: bearer,
          parameters: [...campaignPath, ...parameters('query', StaffListQuery)],
          responses: {
            '200': { description: 'A page of submissions', content: json('StaffSubmissionPage') },
            ...errors(401, 404),
          },
        },
      },
      '/v1/campaigns/{campaign}/submissions/{id}': {
        get: {
          summary: 'One submission (staff)',
          tags: ['staff'],
          security: bearer,
          parameters: itemPath,
          responses: {
            '200': { description: 'The submission', content: json('StaffSubmission') },
            ...errors(401, 404),
          },
        },
        delete: {
          summary: 'Delete a submission and its photo for good (staff; privacy requests)',
          tags: ['staff'],
          security: bearer,
          parameters: itemPath,
          responses: { '204': { description: 'Deleted' }, ...errors(401, 404) },
        },
      },
      '/v1/campaigns/{campaign}/submissions/{id}/photo': {
        get: {
          summary: "A submission's photo, whatever its status (staff)",
          tags: ['staff'],
          security: bearer,
          parameters: [...itemPath, ...parameters('query', StaffPhotoQuery)],
          responses: {
            '200': {
              description: 'JPEG',
              content: { 'image/jpeg': { schema: { type: 'string', format: 'binary' } } },
            },
            ...errors(401, 404),
          },
        },
      },
      '/v1/campaigns/{campaign}/submissions/{id}/approve': {
        post: staffAction('Publish a submission on the wall (staff)'),
      },
      '/v1/campaigns/{campaign}/submissions/{id}/reject': {
        post: staffAction('Reject a pending submission (staff)'),
      },
      '/v1/campaigns/{campaign}/submissions/{id}/remove': {
        post: staffAction('Take a published quote off the wall (staff)'),
      },
      '/v1/campaigns/{campaign}/quotes': {
        get: {
          summary: 'Approved quotes, newest first',
          tags: ['wall'],
          parameters: [...campaignPath, ...parameters('query', QuotesQuery)],
          responses: {
            '200': { ...conditional, content: json('QuotePage') },
            '304': { description: 'Not modified' },
            ...errors(400, 404),
          },
        },
      },
      '/v1/campaigns/{campaign}/quotes/stream': {
        get: {
          summary: 'Live wall events (Server-Sent Events)',
          description:
            'Events `quote` (data: `Quote`, added or changed) and `remove` (data: ' +
            '`RemoveEventData`), each with an increasing `id:`. Resume with the ' +
            '`Last-Event-ID` header or `?lastEventId=` (e.g. `QuotePage.lastEventId`): every ' +
            'event after it is replayed first. A `retry:` hint opens the stream; a comment ' +
            'line is sent every 15 s as a heartbeat.',
          tags: ['wall'],
          parameters: [
            ...campaignPath,
            ...parameters('query', StreamQuery),
            {
              name: 'Last-Event-ID',
              in: 'header',
              required: false,
              schema: { type: 'string', pattern: '^[0-9]{1,15}$' },
            },
          ],
          responses: {
            '200': { description: 'An event stream', content: { 'text/event-stream': {} } },
            ...errors(400, 404, 503),
          },
        },
      },
      '/v1/openapi.json': {
        get: {
          summary: 'This document',
          tags: ['meta'],
          responses: { '200': { description: 'OpenAPI 3.1' } },
        },
      },
    },
    components: {
      schemas: Object.fromEntries(
        Object.entries(COMPONENTS).map(([name, schema]) => [name, plain(schema)]),
      ),
      securitySchemes: { staffToken: { type: 'http', scheme: 'bearer' } },
    },
  };
}
