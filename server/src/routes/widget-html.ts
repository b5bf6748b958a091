/**
 * The widgets as HTML, for partners who include markup on their own server (SSI/ESI, a
 * CMS include, a build step): `GET /v1/campaigns/:campaign/html/{story-teaser, photo,
 * quote-wall, submission-form}`. Each answer is a fragment (no `<html>`): the widget's
 * tag with its Declarative Shadow DOM, rendered by `campaign-widgets/ssr` from what the
 * JSON routes would answer, in `?lang=` or else the `Accept-Language` language.
 *
 * Only what is published goes in (stories, public photos, approved quotes). Every
 * answer carries a strong `ETag` of its body and `304`s a matching `If-None-Match`;
 * a render is kept per input (the data it was made from, hashed), so a flood of the
 * same request re-renders nothing, and the number of different renders is bounded by
 * the campaign's content (ids that exist × locales × the capped `limit`).
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import cors from '@fastify/cors';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Worker } from 'node:worker_threads';
import type { Locale } from '../../../src/api/wire.js';
import { ApiError, validation } from '../errors.js';
import { BoundedCache, matchesEtag } from '../http-cache.js';
import { etagOf } from '../images.js';
import { publicPhoto as readPublicPhoto } from '../reader-photo-alt.js';
import { errorAnswers } from '../schemas.js';
import { jsonLdScript, photoStructuredData, quoteStructuredData } from '../structured-data.js';
import type { CampaignRecord } from '../store/store.js';
import {
  acceptedLocale,
  campaignToWire,
  photoToWire,
  quoteToWire,
  resolveLocale,
  storyToWire,
} from '../wire-mapping.js';
import { resolveCampaign } from './campaign-scope.js';
import { CONTENT_CACHE_CONTROL, READER_PHOTO_CACHE_CONTROL } from './content.js';
import { escapeHtml } from './pages.js';
import { OPEN_CORS } from './public.js';
import { QUOTES_CACHE_CONTROL } from './quotes.js';

/** Most quotes a wall fragment holds; a larger `limit` is cut to it. */
export const WALL_HTML_MAX = 50;
export const WALL_HTML_DEFAULT = 12;

/** `campaign-widgets/ssr`'s render options, as this file uses them. */
interface RenderOptions {
  attributes?: Record<string, string | number | boolean | null | undefined>;
  snapshot?: unknown;
  locale?: string;
  content?: string;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(here, '../../..');

/** Renders made in this process (not answers from the kept ones): what a flood costs. */
export const htmlRenders = { count: 0 };

/** Longest a render may take before its request answers `503`. */
const RENDER_TIMEOUT_MS = 10_000;

/**
 * The renderer runs in a worker thread, started on first use (a process that never
 * renders HTML pays nothing) and shared by every app in the process: loading the
 * widgets and rendering them are synchronous work that would otherwise hold the API's
 * event loop (the first load alone held it past the `under-pressure` limit), and
 * `@lit/localize`'s one locale per process stays the worker's, not the API's. The
 * widgets' sources compile with the library's own TypeScript settings (legacy
 * decorators), not the server's, hence `tsImport` with that tsconfig.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
import(workerData.tsx)
  .then(({ tsImport }) => tsImport(workerData.entry, { parentURL: workerData.parent, tsconfig: workerData.tsconfig }))
  .then(({ renderWidget }) => {
    parentPort.on('message', ({ id, tag, options }) => {
      renderWidget(tag, options).then(
        (html) => parentPort.postMessage({ id, html }),
        (error) => parentPort.postMessage({ id, error: String(error) }),
      );
    });
    parentPort.postMessage({ ready: true });
  }, (error) => parentPort.postMessage({ failed: String(error) }));
`;

interface Pending {
  resolve: (html: string) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

let worker: Worker | undefined;
/** Apps in this process with the HTML routes: the last one to close stops the worker. */
let users = 0;
let nextId = 0;
const pending = new Map<number, Pending>();

function failAll(error: Error): void {
  for (const [id, job] of pending) {
    clearTimeout(job.timer);
    job.reject(error);
    pending.delete(id);
  }
}

function startWorker(): Worker {
  const started = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      tsx: import.meta.resolve('tsx/esm/api'),
      entry: path.join(REPO, 'src/ssr/index.ts'),
      parent: import.meta.url,
      tsconfig: path.join(REPO, 'tsconfig.json'),
    },
  });
  started.unref();
  started.on(
    'message',
    (message: { id?: number; html?: string; error?: string; failed?: string }) => {
      if (message.failed) {
        failAll(new Error(`The widget renderer did not load: ${message.failed}`));
        void started.terminate();
        return;
      }
      const job = message.id === undefined ? undefined : pending.get(message.id);
      if (!job) return;
      pending.delete(message.id!);
      clearTimeout(job.timer);
      if (message.error !== undefined) job.reject(new Error(message.error));
      else job.resolve(message.html!);
    },
  );
  const gone = (error: Error) => {
    if (worker === started) worker = undefined;
    failAll(error);
  };
  started.on('error', gone);
  started.on('exit', () => gone(new Error('The widget renderer stopped')));
  return started;
}

/** Renders one widget in the worker: `campaign-widgets/ssr`'s `renderWidget`. */
function renderWidget(tag: string, options: RenderOptions): Promise<string> {
  worker ??= startWorker();
  const id = ++nextId;
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      pending.delete(id);
      reject(new Error('The widget renderer took too long'));
    }, RENDER_TIMEOUT_MS);
    pending.set(id, { resolve, reject, timer });
    worker!.postMessage({ id, tag, options });
  });
}

const NOT_FOUND: Record<string, Record<Locale, string>> = {
  story: { en: 'Story not found', 'zh-Hans': '找不到这篇报道' },
  photo: { en: 'Photo not found', 'zh-Hans': '找不到这张照片' },
};

const notFoundIn = (what: 'story' | 'photo', locale: Locale) =>
  new ApiError(404, 'not_found', NOT_FOUND[what][locale]);

const HTML = (description: string) => ({
  description,
  content: { 'text/html': { schema: Type.String() } },
});
const FRAGMENT =
  'An HTML fragment: the widget with its Declarative Shadow DOM, in the reader’s language. ' +
  'Sends a strong `ETag` and `Cache-Control`; `304` to a matching `If-None-Match`.';

const Lang = Type.Optional(
  Type.String({
    maxLength: 35,
    description:
      '`en` or `zh-Hans` (other tags map to the nearest); else the `Accept-Language` header, ' +
      'else the campaign’s default',
  }),
);
const Id = Type.String({ minLength: 1, maxLength: 100 });
const CampaignParams = Type.Object({ campaign: Type.String({ maxLength: 100 }) });
const TeaserQuery = Type.Object({
  story: Id,
  layout: Type.Optional(Type.Union(['card', 'horizontal', 'compact'].map((v) => Type.Literal(v)))),
  lang: Lang,
});
const PhotoQuery = Type.Object({
  photo: Id,
  loading: Type.Optional(
    Type.Union([Type.Literal('lazy'), Type.Literal('eager')], {
      description: '`eager` for a lead photo in the first screen (default `lazy`)',
    }),
  ),
  fetchpriority: Type.Optional(
    Type.Union(
      ['high', 'low', 'auto'].map((v) => Type.Literal(v)),
      {
        description: 'Passed to the image: `high` for the page’s largest image',
      },
    ),
  ),
  lang: Lang,
});
const WallQuery = Type.Object({
  limit: Type.Optional(
    Type.Integer({
      minimum: 1,
      default: WALL_HTML_DEFAULT,
      description: `Latest approved quotes to show; more than ${WALL_HTML_MAX} shows ${WALL_HTML_MAX}`,
    }),
  ),
  lang: Lang,
});
const FormQuery = Type.Object({
  lang: Lang,
  return: Type.Optional(
    Type.String({
      maxLength: 2048,
      description:
        'The partner page the no-script thank-you links back to (checked against the campaign’s partner origins when the form is posted).',
    }),
  ),
});

/**
 * The form's per-reader fields. The render is kept once per language; each answer gets
 * its own idempotency key (two readers sharing one would see each other's send as a
 * replay) and its own return address, written into the kept HTML. So the form is never
 * cached by a browser or a shared cache, and distinct return addresses cost no render.
 */
const FORM_KEY = /(<input type="hidden" name="idempotencyKey" value=")[^"]*(")/;
const FORM_RETURN = /(<input type="hidden" name="return" value=")[^"]*(")/;
const personalize = (body: string, returnUrl: string) =>
  body
    .replace(FORM_KEY, (_, open: string, close: string) => open + randomUUID() + close)
    .replace(FORM_RETURN, (_, open: string, close: string) => open + escapeHtml(returnUrl) + close);

export default async function widgetHtmlRoutes(app: FastifyInstance): Promise<void> {
  // Unreferenced, the worker still holds its message port open; stop it with the last app.
  users++;
  app.addHook('onClose', async () => {
    if (--users > 0 || !worker) return;
    const stopping = worker;
    worker = undefined;
    await stopping.terminate();
  });
  await app.register(cors, OPEN_CORS);
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('cross-origin-resource-policy', 'cross-origin');
    resolveCampaign(request, reply, done);
  });

  /** Renders kept by input: the digest of everything a render depends on → its HTML. */
  const renders = new BoundedCache<{ body: string; etag: string }>(500);

  const localeOf = (request: FastifyRequest): Locale => {
    const { lang } = request.query as { lang?: string };
    if (lang) return resolveLocale(lang, request.campaign);
    return acceptedLocale(request.headers['accept-language'], request.campaign);
  };

  async function send(
    request: FastifyRequest,
    reply: FastifyReply,
    input: {
      tag: string;
      attributes: Record<string, string | undefined>;
      snapshot: unknown;
      locale: Locale;
      content?: string;
      after?: string;
    },
    cacheControl: string,
    perReader?: (body: string) => string,
  ): Promise<FastifyReply> {
    const key = etagOf(JSON.stringify(input));
    let cached = renders.get(key);
    if (!cached) {
      let widget: string;
      htmlRenders.count++;
      try {
        widget = await renderWidget(input.tag, {
          attributes: input.attributes,
          snapshot: input.snapshot,
          locale: input.locale,
          ...(input.content ? { content: input.content } : {}),
        });
      } catch (error) {
        request.log.error({ err: error }, 'widget render failed');
        throw new ApiError(503, 'unavailable', 'The widget could not be rendered; try again soon', {
          headers: { 'retry-after': '5' },
        });
      }
      const body = widget + (input.after ?? '');
      cached = { body, etag: etagOf(body) };
      renders.set(key, cached);
    }
    reply
      .header('cache-control', perReader ? 'no-store' : cacheControl)
      .header('vary', 'Accept-Language')
      .header('content-language', input.locale)
      .header('x-content-type-options', 'nosniff');
    if (perReader) return reply.type('text/html; charset=utf-8').send(perReader(cached.body));
    reply.header('etag', cached.etag);
    if (matchesEtag(request, cached.etag)) return reply.code(304).send();
    return reply.type('text/html; charset=utf-8').send(cached.body);
  }

  const common = (campaign: CampaignRecord) => ({ api: app.publicUrl, campaign: campaign.id });

  /** A published photo in one locale, described as the JSON route describes it. */
  const publicPhoto = (campaign: CampaignRecord, id: string) =>
    readPublicPhoto(app.store, campaign, id);

  const photoPage = (campaign: CampaignRecord, id: string) =>
    `${app.publicUrl}/campaigns/${encodeURIComponent(campaign.id)}/photos/${encodeURIComponent(id)}`;
  const quotePage = (campaign: CampaignRecord, id: string) =>
    `${app.publicUrl}/campaigns/${encodeURIComponent(campaign.id)}/quotes/${encodeURIComponent(id)}`;

  app.get<{ Querystring: Static<typeof TeaserQuery> }>(
    '/story-teaser',
    {
      schema: {
        summary: 'A story teaser as server-rendered HTML',
        tags: ['html'],
        params: CampaignParams,
        querystring: TeaserQuery,
        response: { 200: HTML(FRAGMENT), ...errorAnswers(304, 400, 404) },
      },
    },
    async (request, reply) => {
      const { campaign } = request;
      const locale = localeOf(request);
      const story = await app.store.getStory(campaign.id, request.query.story);
      if (!story) throw notFoundIn('story', locale);
      const wire = storyToWire(story, locale, app.publicUrl);
      const photo = wire.photoId ? await publicPhoto(campaign, wire.photoId) : null;
      const snapshot = { ...wire, photo: photo && photoToWire(photo, locale, app.publicUrl) };
      const attributes = { ...common(campaign), story: story.id, layout: request.query.layout };
      return send(
        request,
        reply,
        { tag: 'campaign-story-teaser', attributes, snapshot, locale },
        CONTENT_CACHE_CONTROL,
      );
    },
  );

  app.get<{ Querystring: Static<typeof PhotoQuery> }>(
    '/photo',
    {
      schema: {
        summary: 'A photo with its credit as server-rendered HTML, with its JSON-LD',
        tags: ['html'],
        params: CampaignParams,
        querystring: PhotoQuery,
        response: { 200: HTML(FRAGMENT), ...errorAnswers(304, 400, 404) },
      },
    },
    async (request, reply) => {
      const { campaign } = request;
      const locale = localeOf(request);
      const photo = await publicPhoto(campaign, request.query.photo);
      if (!photo) throw notFoundIn('photo', locale);
      const snapshot = photoToWire(photo, locale, app.publicUrl);
      const largest = snapshot.srcset.at(-1)?.src ?? snapshot.src;
      const after = jsonLdScript(
        photoStructuredData(photo, locale, {
          pageUrl: photoPage(campaign, photo.id),
          contentUrl: largest,
        }),
      );
      const { loading, fetchpriority } = request.query;
      const attributes = { ...common(campaign), photo: photo.id, loading, fetchpriority };
      const cacheControl = photo.submissionId ? READER_PHOTO_CACHE_CONTROL : CONTENT_CACHE_CONTROL;
      return send(
        request,
        reply,
        { tag: 'campaign-photo', attributes, snapshot, locale, after },
        cacheControl,
      );
    },
  );

  app.get<{ Querystring: Static<typeof WallQuery> }>(
    '/quote-wall',
    {
      schema: {
        summary: 'The latest approved quotes as a server-rendered wall, with their JSON-LD',
        description:
          'The snapshot the wall renders from carries `lastEventId`: the live stream resumes ' +
          'after it (`…/quotes/stream?lastEventId=`), so nothing published later is missed.',
        tags: ['html'],
        params: CampaignParams,
        querystring: WallQuery,
        response: { 200: HTML(FRAGMENT), ...errorAnswers(304, 400, 404) },
      },
    },
    async (request, reply) => {
      const { campaign } = request;
      const locale = localeOf(request);
      const limit = Math.min(request.query.limit ?? WALL_HTML_DEFAULT, WALL_HTML_MAX);
      const page = await app.store.listQuotes(campaign.id, { limit });
      const quotes = page.items.map((quote) => quoteToWire(campaign, quote, locale));
      // The wall renders its own list from the snapshot, on the server and again in the
      // browser, where its stream resumes after `lastEventId`.
      const snapshot = {
        items: quotes,
        lastEventId: page.lastEventId,
        nextBefore: page.nextBefore === null ? null : String(page.nextBefore),
      };
      const after = page.items.length
        ? jsonLdScript(
            page.items.map((quote) =>
              quoteStructuredData(campaign, quote, locale, {
                pageUrl: quotePage(campaign, quote.id),
              }),
            ),
          )
        : '';
      const attributes = { ...common(campaign) };
      return send(
        request,
        reply,
        { tag: 'campaign-quote-wall', attributes, snapshot, locale, after },
        QUOTES_CACHE_CONTROL,
      );
    },
  );

  app.get<{ Querystring: Static<typeof FormQuery> }>(
    '/submission-form',
    {
      schema: {
        summary: 'The submission form as server-rendered HTML',
        tags: ['html'],
        params: CampaignParams,
        querystring: FormQuery,
        response: { 200: HTML(FRAGMENT), ...errorAnswers(400, 404) },
      },
    },
    async (request, reply) => {
      const { campaign } = request;
      const locale = localeOf(request);
      const returnUrl = request.query.return ?? '';
      if (returnUrl && !/^https?:\/\//i.test(returnUrl)) {
        throw validation(
          [{ field: 'return', code: 'invalid' }],
          'return must be an http(s) address',
        );
      }
      const wire = campaignToWire(campaign, locale, app.publicUrl, Date.now());
      const attributes = { ...common(campaign), 'return-url': '' };
      return send(
        request,
        reply,
        { tag: 'campaign-submission-form', attributes, snapshot: wire, locale },
        CONTENT_CACHE_CONTROL,
        (body) => personalize(body, returnUrl),
      );
    },
  );
}
