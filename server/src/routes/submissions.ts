/**
 * `POST /v1/campaigns/:campaign/submissions`: a reader's words (JSON, or multipart with a
 * `data` JSON part and a `photo` file), behind the origin allowlist, the campaign's
 * status, the rate limit and an Idempotency-Key. Checks that need no body run before
 * it is read; the body keeps the same rules whichever way it comes.
 */
import { isUtf8 } from 'node:buffer';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import cors, { type FastifyCorsOptions } from '@fastify/cors';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Locale, SubmissionAccepted } from '../../../src/api/wire.js';
import { ApiError, validation } from '../errors.js';
import { processPhoto } from '../images.js';
import { CampaignParams, ItemParams, errorAnswers, ref } from '../schemas.js';
import receiptRoutes from './receipts.js';
import { originKey } from '../partners.js';
import { clientKey } from '../client-address.js';
import type { CampaignRecord, CreateResult, NewPhoto, PhotoText } from '../store/store.js';
import {
  isHoneypot,
  submissionHash,
  validateSubmission,
  type CleanSubmission,
} from '../validate.js';
import { isOpen } from '../wire-mapping.js';
import { resolveCampaign } from './campaign-scope.js';
import { clientDigest, receiptDigest, screenSubmission, type Screening } from '../safety/screen.js';
import { safetyOf } from '../safety/settings.js';
import { RULE_ACTOR } from '../store/safety.js';
import type { CorsCallback } from './public.js';
import { addFormBodyParser, admitFormPost, answerFormPost, isFormPost } from './submission-page.js';

/** The route this plugin serves, as Fastify names it (the prefix it is registered under). */
const SUBMISSIONS_ROUTE = '/v1/campaigns/:campaign/submissions';
/** The routes partner pages on the allowlist may call across origins. */
const PARTNER_ROUTES = new Set([
  SUBMISSIONS_ROUTE,
  `${SUBMISSIONS_ROUTE}/:id/receipt`,
  `${SUBMISSIONS_ROUTE}/:id/withdraw`,
]);

const PARTNER_CORS: FastifyCorsOptions = {
  origin: true,
  methods: ['POST'],
  allowedHeaders: 'Content-Type, Idempotency-Key',
  exposedHeaders: 'Retry-After, Idempotent-Replayed',
  maxAge: 600,
  preflightContinue: true,
  strictPreflight: false,
};
const NO_CORS: FastifyCorsOptions = { ...PARTNER_CORS, origin: false };

/** Visible ASCII without spaces, 8 to 200 characters (a UUID fits). */
export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{8,200}$/;

/**
 * A page may send when it is the API's own, or on the settings', the campaign's or an
 * enabled partner site's list (`app.partners`, changed at run time).
 */
export function originAllowed(request: FastifyRequest, campaign: CampaignRecord): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true; // not a browser: nothing to protect against here
  return request.server.partners.allows(request, campaign, origin);
}

/**
 * The refusal a page on another origin can read (its CORS headers are set for any
 * origin on these routes): it says what to ask the newsroom for.
 */
export const originNotAllowed = (request: FastifyRequest, what = 'submissions') => {
  const named = originKey(request.headers.origin) || 'this site';
  return new ApiError(
    403,
    'origin_not_allowed',
    `This site may not send ${what} to this campaign yet. Ask the newsroom to add ${named} as a partner site.`,
  );
};

const idempotencyConflict = () =>
  new ApiError(
    409,
    'idempotency_conflict',
    'This Idempotency-Key was already used for a different submission',
  );

const rateLimited = (wait: number) =>
  new ApiError(429, 'rate_limited', 'Too many submissions; try again later', {
    headers: { 'retry-after': String(wait) },
  });

const submissionDeleted = () =>
  new ApiError(
    410,
    'submission_deleted',
    'The submission sent with this Idempotency-Key was deleted; nothing was stored again',
  );

function readerPhotoText(displayName: string | null): Record<Locale, PhotoText> {
  return {
    en: {
      alt: 'Photo a reader sent with their words',
      caption: displayName ? `Sent by ${displayName}` : 'Sent by a reader',
      photographer: displayName ?? 'a reader',
      organization: null,
      license: 'Shared by the reader for this campaign',
    },
    'zh-Hans': {
      alt: '读者随留言发送的照片',
      caption: displayName ? `由${displayName}提供` : '由一位读者提供',
      photographer: displayName ?? '读者',
      organization: null,
      license: '由读者为本活动提供',
    },
  };
}

/** A stable fake answer for a honeypot body, so a bot learns nothing. */
function decoyAnswer(key: string): SubmissionAccepted {
  const digest = createHash('sha256').update(`decoy:${key}`).digest('hex');
  const id = `${digest.slice(0, 8)}-${digest.slice(8, 12)}-4${digest.slice(13, 16)}-a${digest.slice(17, 20)}-${digest.slice(20, 32)}`;
  return { id, status: 'pending', receivedAt: new Date().toISOString() };
}

/** JSON from bytes that must be valid UTF-8, within the JSON body limit. */
export function parseJson(bytes: Buffer, limit = Infinity): unknown {
  if (bytes.length > limit) {
    throw new ApiError(413, 'payload_too_large', `The data is larger than ${limit} bytes`);
  }
  if (!isUtf8(bytes)) {
    throw validation([{ field: 'body', code: 'invalid', message: 'The body is not valid UTF-8' }]);
  }
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw validation([{ field: 'body', code: 'invalid', message: 'The body is not valid JSON' }]);
  }
}

/**
 * The multipart `data` part is read as a file, that is as the bytes sent, whatever its
 * Content-Type or charset: it then passes the same UTF-8 and size checks as a JSON body
 * instead of being decoded (and invalid bytes replaced with U+FFFD) on the way in.
 */
export function isPartAFile(
  field: string | undefined,
  contentType: string | undefined,
  fileName: string | undefined,
): boolean {
  return field === 'data' || contentType === 'application/octet-stream' || fileName !== undefined;
}

/** Reads a part's stream up to `limit` bytes; over it, drains the rest and answers 413. */
async function readLimited(stream: AsyncIterable<Buffer> & { resume(): void }, limit: number) {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += chunk.length;
    if (size > limit) {
      stream.resume();
      throw new ApiError(413, 'payload_too_large', `The data part is larger than ${limit} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

interface SubmissionBody {
  data: unknown;
  photo: Buffer | null;
}

/** A client's broken or abandoned form is its mistake: `400`, never a `500`. */
function malformedForm(error: unknown): Error {
  // The API's own errors, and Fastify's (FST_*), which the error handler names.
  if (error instanceof ApiError || (error as { code?: string }).code?.startsWith('FST_')) {
    return error as Error;
  }
  return validation(
    [{ field: 'body', code: 'invalid', message: 'The multipart form is malformed or incomplete' }],
    'The multipart form is malformed or incomplete',
  );
}

async function readMultipart(
  request: FastifyRequest,
  campaign: CampaignRecord,
): Promise<SubmissionBody> {
  const limit = request.server.settings.jsonBodyLimit;
  let data: unknown = undefined;
  let photo: Buffer | null = null;
  const parts = request.parts({
    isPartAFile,
    limits: { fileSize: campaign.limits.photoMaxBytes, files: 2, fields: 4, parts: 5 },
  });
  try {
    for await (const part of parts) {
      if (part.type === 'field') {
        throw validation([{ field: part.fieldname, code: 'invalid', message: 'Unknown field' }]);
      }
      if (part.fieldname === 'data' && data === undefined) {
        data = parseJson(await readLimited(part.file, limit), limit);
      } else if (part.fieldname === 'photo' && photo === null) {
        const bytes = await part.toBuffer();
        photo = bytes.length > 0 ? bytes : null;
      } else {
        part.file.resume();
        throw validation([
          { field: part.fieldname, code: 'invalid', message: 'Unknown or repeated part' },
        ]);
      }
    }
  } catch (error) {
    throw malformedForm(error);
  }
  if (data === undefined) {
    throw validation([{ field: 'data', code: 'required', message: 'Missing the data part' }]);
  }
  return { data, photo };
}

async function readBody(
  request: FastifyRequest,
  campaign: CampaignRecord,
): Promise<SubmissionBody> {
  if (!request.isMultipart()) return { data: request.body, photo: null };
  return readMultipart(request, campaign);
}

/** Checks that need no body: run before a byte of it is read. */
async function admitSubmission(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  // A browser's plain post of the form: the same checks, answered with a page.
  if (isFormPost(request)) return admitFormPost(request, reply);
  const { campaign } = request;
  const app = request.server;
  if (!originAllowed(request, campaign)) throw originNotAllowed(request);
  if (!isOpen(campaign, Date.now())) {
    throw new ApiError(409, 'campaign_closed', 'This campaign no longer takes submissions');
  }
  const wait = app.limiter ? await app.limiter.check(clientKey(request.ip)) : null;
  if (wait !== null) throw rateLimited(wait);
  const key = request.headers['idempotency-key'];
  if (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key)) {
    throw new ApiError(
      400,
      'idempotency_key_required',
      'Send an Idempotency-Key header: 8 to 200 visible ASCII characters, e.g. a UUID',
    );
  }
  const type = request.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type) && !/^multipart\/form-data\b/i.test(type)) {
    throw new ApiError(
      415,
      'unsupported_media_type',
      'Send application/json, or multipart/form-data with a data part and a photo',
    );
  }
}

/**
 * Runs `store` in a rate-limit slot taken atomically first, and gives the slot back
 * when nothing new was stored (a replay, a conflict, a deleted key, an error).
 */
async function withRateLimitSlot(
  request: FastifyRequest,
  store: () => Promise<CreateResult>,
): Promise<CreateResult> {
  const limiter = request.server.limiter;
  if (!limiter) return store();
  const client = clientKey(request.ip);
  const wait = await limiter.take(client);
  if (wait !== null) throw rateLimited(wait);
  let result: CreateResult;
  try {
    result = await store();
  } catch (error) {
    await limiter.release(client);
    throw error;
  }
  if (result.kind !== 'created') await limiter.release(client);
  return result;
}

interface CheckedSubmission {
  body: CleanSubmission;
  bodyHash: string;
  key: string;
  photoBytes: Buffer | null;
  /** The sending page's origin, when the browser named one and it is allowed. */
  origin: string | null;
  /** `clientKey(request.ip)`: for "the same text again from the same client". */
  client: string;
}

/** Re-encodes the photo (through the bounded image queue) and stores it all at once. */
async function storeSubmission(
  app: FastifyInstance,
  campaign: CampaignRecord,
  { body, bodyHash, key, photoBytes, origin, client }: CheckedSubmission,
): Promise<CreateResult> {
  const submissionId = randomUUID();
  const receivedAt = Date.now();
  const screening = await screenSubmission(app.store, campaign, {
    id: submissionId,
    body,
    clientHash: clientDigest(app.settings.clientDigestKey, campaign.id, client),
    hasPhoto: photoBytes !== null,
    receivedAt,
  });
  let photo: NewPhoto | null = null;
  if (photoBytes) {
    const processed = await processPhoto(photoBytes, {
      maxPixels: app.settings.maxPhotoPixels,
      allowedTypes: campaign.limits.photoTypes,
    });
    photo = {
      record: {
        campaignId: campaign.id,
        id: `reader-${randomBytes(12).toString('base64url')}`,
        submissionId,
        width: processed.width,
        height: processed.height,
        widths: processed.widths,
        text: readerPhotoText(body.anonymous ? null : body.displayName),
      },
      files: processed.files,
    };
  }
  const result = await app.store.createSubmission({
    submission: {
      id: submissionId,
      campaignId: campaign.id,
      message: body.message,
      displayName: body.anonymous ? null : body.displayName,
      anonymous: body.anonymous,
      district: body.district,
      email: body.email,
      locale: body.locale,
      publishPermission: body.publishPermission,
      consentVersion: body.consentVersion,
      receivedAt,
      origin,
      photoPermission: photo !== null && body.photoPermission === true,
      receiptHash: body.receiptSecret ? receiptDigest(body.receiptSecret) : null,
      flags: screening.flags,
      clientHash: screening.clientHash,
      textHash: screening.textHash,
    },
    photo,
    idempotencyKey: key,
    bodyHash,
  });
  if (result.kind === 'created' && screening.outcome !== 'hold') {
    await applyScreening(app, campaign, submissionId, screening);
  }
  return result;
}

/**
 * The rules' decision, made as the campaign's rules in the audit trail: the external
 * check's rejection, or post-moderation's publication. It runs after the commit; if it
 * fails the submission simply waits for a person, which is the safe way round.
 */
async function applyScreening(
  app: FastifyInstance,
  campaign: CampaignRecord,
  id: string,
  screening: Screening,
): Promise<void> {
  try {
    await app.store.decide({
      campaignId: campaign.id,
      id,
      action: screening.outcome === 'reject' ? 'reject' : 'approve',
      now: Date.now(),
      actor: RULE_ACTOR,
      // As it was stored: if anyone decided meanwhile, the rules do not decide over them.
      expectedVersion: 1,
      // Rules read words only: a photo waits for a person to publish it.
      withPhoto: false,
      ...(screening.outcome === 'reject'
        ? {
            reason: 'other',
            note: `external check: ${screening.reason ?? 'rejected'}`.slice(0, 500),
          }
        : {}),
    });
  } catch (error) {
    app.log.error({ err: error, id }, 'the rules could not decide; the submission waits');
  }
}

const MULTIPART_BODY = {
  type: 'object',
  required: ['data'],
  properties: {
    data: ref(
      'SubmissionRequest',
      'The JSON body, as the bytes of a part (read whatever its type)',
    ),
    photo: {
      type: 'string',
      format: 'binary',
      description:
        'JPEG, PNG or WebP (judged by its bytes). Re-encoded as JPEG at a few widths; all ' +
        'metadata (EXIF, GPS) is dropped.',
    },
  },
};

/** The form's own fields, as a browser posts them without JavaScript (submission-page.ts). */
const FORM_BODY = {
  type: 'object',
  properties: {
    message: { type: 'string' },
    displayName: { type: 'string' },
    anonymous: { type: 'string', description: 'Present when ticked' },
    district: { type: 'string' },
    email: { type: 'string' },
    consentGiven: { type: 'string', description: 'Present when ticked' },
    consentVersion: { type: 'string' },
    publishPermission: { type: 'string', description: 'Present when ticked' },
    photoPermission: { type: 'string', description: 'Present when ticked' },
    photo: { type: 'string', format: 'binary', description: 'multipart/form-data only' },
    website: { type: 'string', description: 'Honeypot: people leave it empty' },
    idempotencyKey: {
      type: 'string',
      description:
        'Made when the form is rendered; without a valid one the form comes back (400) with a new one and nothing is stored',
    },
    return: {
      type: 'string',
      description:
        'The partner page; linked back to only when its origin may send to this campaign',
    },
    lang: { type: 'string', enum: ['en', 'zh-Hans'], description: "The page's language" },
  },
};

export default async function submissionRoutes(app: FastifyInstance): Promise<void> {
  app.addHook('onRequest', resolveCampaign);
  addFormBodyParser(app);
  // CORS for the partner routes only, for any origin: a page that may not send still
  // reads its `403 origin_not_allowed` (the POST is refused before its body is read,
  // and answers nothing else). The plugin's preflight catch-all also sees the staff
  // paths below it, which get none.
  await app.register(cors, () => (request: FastifyRequest, callback: CorsCallback) => {
    const partnerRoute =
      request.headers.origin !== undefined && PARTNER_ROUTES.has(request.routeOptions.url ?? '');
    callback(null, partnerRoute ? PARTNER_CORS : NO_CORS);
  });

  for (const [path, what] of [
    ['', 'a submission'],
    ['/:id/receipt', "a receipt's question"],
    ['/:id/withdraw', 'a withdrawal'],
  ] as const) {
    app.options(
      path,
      {
        schema: {
          summary: `CORS preflight for ${what}`,
          tags: ['submissions'],
          params: path ? ItemParams : CampaignParams,
          response: {
            204: { type: 'null', description: 'CORS headers for any origin' },
            ...errorAnswers(404),
          },
        },
      },
      // Any origin: the request itself is refused if its origin is not allowed.
      async (_request, reply) => reply.code(204).send(),
    );
  }

  await app.register(receiptRoutes);

  app.post(
    '',
    {
      schema: {
        summary: "Send a reader's words (and optionally a photo) for review",
        tags: ['submissions'],
        params: CampaignParams,
        description:
          'A script sends JSON (or multipart with a `data` part) and an Idempotency-Key header. ' +
          "A browser's plain post of the form (form-encoded, or multipart with `Accept: text/html`, " +
          'no Idempotency-Key header: the key is the `idempotencyKey` field) is answered with an ' +
          "HTML page in the reader's language: `200` thank you, or the form again with its problems " +
          '(`400`, `403`, `409`, `410`, `413`, `429`).',
        headers: {
          type: 'object',
          properties: {
            'idempotency-key': {
              type: 'string',
              pattern: IDEMPOTENCY_KEY.source,
              description:
                "Required, except on a browser's plain post of the form. " +
                '8–200 visible ASCII characters (a UUID fits). The same key with the same ' +
                'body answers the first answer and stores nothing new; with another body, `409`.',
            },
          },
        },
        consumes: ['application/json', 'multipart/form-data', 'application/x-www-form-urlencoded'],
        body: {
          content: {
            'application/json': { schema: ref('SubmissionRequest') },
            'multipart/form-data': { schema: { anyOf: [MULTIPART_BODY, FORM_BODY] } },
            'application/x-www-form-urlencoded': { schema: FORM_BODY },
          },
        },
        response: {
          200: {
            description: "A browser's plain post: the thank-you page",
            content: { 'text/html': { schema: { type: 'string' } } },
          },
          202: ref(
            'SubmissionAccepted',
            'Accepted, awaiting review. A filled-in honeypot (`website`) also answers 202 and stores nothing.',
          ),
          ...errorAnswers(400, 403, 404, 408, 409, 410, 413, 415, 422, 429, 503),
        },
      },
      onRequest: admitSubmission,
      // Every rule in this schema is enforced, but not by Fastify's validator: the
      // campaign by resolveCampaign (404), the Idempotency-Key by admitSubmission
      // (IDEMPOTENCY_KEY), the body by validateSubmission after the honeypot — exactly,
      // where Ajv would coerce types and drop unknown fields, and would tell a bot which
      // field gave it away. The schema documents them in the OpenAPI document.
      validatorCompiler: () => () => true,
    },
    async (request, reply) => {
      const { campaign } = request;
      if (isFormPost(request)) {
        return answerFormPost(request, reply, (checked) =>
          withRateLimitSlot(request, () => storeSubmission(app, campaign, checked)),
        );
      }
      const key = request.headers['idempotency-key'] as string;
      const { data, photo: photoBytes } = await readBody(request, campaign);

      // Honeypot bodies store nothing, so they count nothing either.
      if (isHoneypot(data)) return reply.code(202).send(decoyAnswer(key));
      const body = validateSubmission(data, campaign);
      const bodyHash = submissionHash(body, photoBytes);

      if (photoBytes || safetyOf(campaign).externalCheck) {
        // Spare a retry the photo work and the external check; createSubmission checks
        // the key again anyway.
        const earlier = await app.store.findIdempotent(campaign.id, key);
        if (earlier?.kind === 'deleted') throw submissionDeleted();
        if (earlier) {
          if (earlier.bodyHash !== bodyHash) throw idempotencyConflict();
          return reply.code(202).header('idempotent-replayed', 'true').send(earlier.accepted);
        }
      }

      const result = await withRateLimitSlot(request, () =>
        storeSubmission(app, campaign, {
          body,
          bodyHash,
          key,
          photoBytes,
          origin:
            request.headers.origin !== undefined && originAllowed(request, campaign)
              ? request.headers.origin
              : null,
          client: clientKey(request.ip),
        }),
      );
      if (result.kind === 'conflict') throw idempotencyConflict();
      if (result.kind === 'deleted') throw submissionDeleted();
      if (result.kind === 'replay') reply.header('idempotent-replayed', 'true');
      return reply.code(202).send(result.accepted);
    },
  );
}
