/**
 * The oEmbed provider (https://oembed.com), `GET /v1/oembed?url=…&format=json`: a CMS
 * given the URL of a quote's or a photo's public page (public-pages.ts) asks here how
 * to embed it. A photo answers `type: "photo"` with an image file that fits
 * `maxwidth`/`maxheight` and its credit; a quote answers `type: "rich"` with HTML.
 *
 * This provider never fetches the URL it is given: it parses it, and answers only for
 * this server's own item pages under its public base (`app.publicUrl`, configured or
 * the address it listens on, never a request header). Any other host, port, scheme or
 * path is `404` without one byte sent anywhere, so `url` cannot make the server reach
 * an internal address.
 *
 * The quote's HTML is a `<figure>` holding the `<blockquote>` (with the reader's words,
 * in their language) and a `<figcaption>` attribution with a link to the quote's page:
 * plain markup that reads well unstyled, in the host page's own fonts. It carries no
 * `<script>` and no widget tag: most CMSs strip scripts from embeds (WordPress keeps
 * only an untrusted provider's `<iframe>`, `<blockquote>` and `<a>`), a script would
 * run with the partner page's rights, and a quote needs none to be read.
 */
import cors from '@fastify/cors';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Locale } from '../../../src/api/wire.js';
import { clientKey } from '../client-address.js';
import { ApiError, notFound, validation } from '../errors.js';
import { cachedBody, sendJson } from '../http-cache.js';
import { limiterFor, type RateLimitOptions } from '../rate-limit.js';
import { errorAnswers, ref } from '../schemas.js';
import type { CampaignRecord, PhotoRecord, QuoteRecord } from '../store/store.js';
import { creditLine, quoteAuthorName } from '../structured-data.js';
import { districtToWire, photoFileUrl, resolveLocale } from '../wire-mapping.js';
import { CONTENT_CACHE_CONTROL, READER_PHOTO_CACHE_CONTROL } from './content.js';
import { escapeHtml } from './pages.js';
import {
  campaignHomeUrl,
  findPublicPhoto,
  findPublishedQuote,
  itemPageUrl,
  parseItemPageUrl,
  type PublicPhoto,
  quoteHeading,
} from './public-pages.js';
import { OPEN_CORS } from './public.js';

/**
 * Lookups per client address and window. A CMS asks once when an author pastes a URL
 * and keeps the answer (WordPress for a day); a newsroom's whole class of editors
 * behind one address stays far below it.
 */
export const OEMBED_LIMIT: RateLimitOptions = { max: 300, windowMs: 600_000 };
/** The longest `url` read. Item page URLs are well under 300 characters. */
export const OEMBED_URL_MAX = 2048;
/** Width of a quote's HTML when the consumer sets none (and the most it takes). */
export const QUOTE_WIDTH = 550;
/** Seconds a consumer may keep an answer: reader content may be taken down. */
const READER_CACHE_AGE = 60;
const NEWSROOM_CACHE_AGE = 3600;

export interface OEmbedQuery {
  url: string;
  format?: string;
  maxwidth?: number;
  maxheight?: number;
}

interface OEmbedCommon {
  version: '1.0';
  title: string;
  author_name: string;
  provider_name: string;
  provider_url: string;
  cache_age: number;
}
export interface OEmbedPhoto extends OEmbedCommon {
  type: 'photo';
  url: string;
  width: number;
  height: number;
  thumbnail_url: string;
  thumbnail_width: number;
  thumbnail_height: number;
}
export interface OEmbedRich extends OEmbedCommon {
  type: 'rich';
  html: string;
  width: number;
  height: number;
}

const OEmbedAnswer = Type.Object(
  {
    version: Type.Literal('1.0'),
    type: Type.Union([Type.Literal('photo'), Type.Literal('rich')]),
    title: Type.String({ description: 'Photo: caption and credit. Quote: who said it.' }),
    author_name: Type.String({
      description: 'The photographer, or the reader as the wall names them',
    }),
    provider_name: Type.String(),
    provider_url: Type.String(),
    cache_age: Type.Integer(),
    url: Type.Optional(Type.String({ description: 'photo: the image file' })),
    html: Type.Optional(
      Type.String({ description: 'rich: a `<figure>` with the `<blockquote>`, no script' }),
    ),
    width: Type.Integer(),
    height: Type.Integer(),
    thumbnail_url: Type.Optional(Type.String()),
    thumbnail_width: Type.Optional(Type.Integer()),
    thumbnail_height: Type.Optional(Type.Integer()),
  },
  {
    description:
      'oEmbed 1.0 answer. Sends `ETag` and `Cache-Control`; `304` to a matching `If-None-Match`.',
  },
);

/** The size to show a photo at within the limits, and the stored file to show. */
export function fitPhoto(
  photo: Pick<PhotoRecord, 'width' | 'height' | 'widths'>,
  maxwidth?: number,
  maxheight?: number,
): { file: number; width: number; height: number } {
  const heightAt = (width: number) => Math.max(1, Math.round((width * photo.height) / photo.width));
  const fits = (width: number) =>
    (!maxwidth || width <= maxwidth) && (!maxheight || heightAt(width) <= maxheight);
  const stored = [...photo.widths].reverse().find(fits);
  if (stored) return { file: stored, width: stored, height: heightAt(stored) };
  // Smaller than any stored file: the smallest one, to be shown at a size that fits.
  const smallest = photo.widths[0];
  const scale = Math.min(
    maxwidth ? maxwidth / smallest : 1,
    maxheight ? maxheight / heightAt(smallest) : 1,
  );
  return {
    file: smallest,
    width: Math.max(1, Math.floor(smallest * scale)),
    height: Math.max(1, Math.floor(heightAt(smallest) * scale)),
  };
}

/**
 * The height a quote's HTML needs at `width`, estimated: lines of the words at a
 * 17 px font (a CJK character about one em wide, Latin about half) plus the attribution.
 */
export function quoteHeight(words: string, width: number): number {
  const perLine = (em: number) => Math.max(1, Math.floor((width - 24) / (17 * em)));
  const lines = words
    .split(/\n+/)
    .map((line) => {
      const chars = [...line];
      const wide = chars.filter((char) => /[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]/u.test(char));
      const ems = wide.length + (chars.length - wide.length) * 0.5;
      return Math.max(1, Math.ceil(ems / perLine(1)));
    })
    .reduce((sum, count) => sum + count, 0);
  return Math.ceil(lines * 17 * 1.55 + 2 * 17 * 1.5 + 32);
}

function campaignTitle(campaign: CampaignRecord, locale: Locale): string {
  return (campaign.text[locale] ?? campaign.text[campaign.defaultLocale]).title;
}

/** The quote as HTML any CMS keeps: words, attribution, a link to its page. No script. */
export function quoteHtml(
  campaign: CampaignRecord,
  quote: QuoteRecord,
  locale: Locale,
  pageUrl: string,
): string {
  const district = districtToWire(campaign, quote.districtId, locale)?.name;
  const where = district ? `${locale === 'en' ? ', ' : '，'}${escapeHtml(district)}` : '';
  const words = quote.text
    .split(/\n{2,}/)
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => `<p>${escapeHtml(part).replace(/\n/g, '<br>')}</p>`)
    .join('');
  return (
    `<figure class="campaign-quote" lang="${escapeHtml(locale)}">` +
    `<blockquote lang="${escapeHtml(quote.locale)}" cite="${escapeHtml(pageUrl)}">${words}</blockquote>` +
    `<figcaption>— <cite>${escapeHtml(quoteAuthorName(quote, locale))}</cite>${where} · ` +
    `<a href="${escapeHtml(pageUrl)}">${escapeHtml(campaignTitle(campaign, locale))}</a></figcaption>` +
    `</figure>`
  );
}

function photoAnswer(
  base: string,
  campaign: CampaignRecord,
  found: PublicPhoto,
  locale: Locale,
  providerUrl: string,
  query: OEmbedQuery,
): OEmbedPhoto {
  const { photo } = found;
  const text = photo.text[locale];
  const fit = fitPhoto(photo, query.maxwidth, query.maxheight);
  const thumb = fitPhoto(
    photo,
    Math.min(photo.widths[0], query.maxwidth ?? Infinity),
    query.maxheight,
  );
  const file = (width: number) => photoFileUrl(base, photo.campaignId, photo.id, width);
  const credit = creditLine(text, locale);
  return {
    version: '1.0',
    type: 'photo',
    // The credit travels in the title too: many consumers show only the title.
    title: text.caption ? `${text.caption} (${credit})` : credit,
    author_name: text.organization
      ? `${text.photographer} / ${text.organization}`
      : text.photographer,
    provider_name: campaignTitle(campaign, locale),
    provider_url: providerUrl,
    cache_age: found.quote ? READER_CACHE_AGE : NEWSROOM_CACHE_AGE,
    url: file(fit.file),
    width: fit.width,
    height: fit.height,
    thumbnail_url: file(thumb.file),
    thumbnail_width: thumb.width,
    thumbnail_height: thumb.height,
  };
}

function quoteAnswer(
  campaign: CampaignRecord,
  quote: QuoteRecord,
  locale: Locale,
  pageUrl: string,
  providerUrl: string,
  query: OEmbedQuery,
): OEmbedRich {
  const width = Math.min(query.maxwidth ?? QUOTE_WIDTH, QUOTE_WIDTH);
  const needed = quoteHeight(quote.text, width);
  const name = quoteAuthorName(quote, locale);
  return {
    version: '1.0',
    type: 'rich',
    title: quoteHeading(quote, locale),
    author_name: name,
    provider_name: campaignTitle(campaign, locale),
    provider_url: providerUrl,
    cache_age: READER_CACHE_AGE,
    html: quoteHtml(campaign, quote, locale, pageUrl),
    width,
    height: query.maxheight ? Math.min(needed, query.maxheight) : needed,
  };
}

/** `url` as an absolute URL, or `400`. */
function parseUrl(value: string): URL {
  try {
    return new URL(value);
  } catch {
    throw validation([{ field: 'url', code: 'invalid', message: 'Give an absolute URL' }]);
  }
}

export default async function oembedRoutes(app: FastifyInstance): Promise<void> {
  await app.register(cors, OPEN_CORS);
  const limiter = limiterFor(app.store, OEMBED_LIMIT);

  app.get<{ Querystring: OEmbedQuery; Headers: { 'if-none-match'?: string } }>(
    '',
    {
      schema: {
        tags: ['content'],
        summary: 'oEmbed: how to embed a quote’s or a photo’s public page, by its URL',
        description:
          'The URL is parsed, never fetched: only this server’s own item pages ' +
          '(`/campaigns/{campaign}/quotes/{id}`, `/campaigns/{campaign}/photos/{id}`, with ' +
          '`?lang=`) under its public base have an answer. JSON only.',
        querystring: Type.Object({
          url: Type.String({ minLength: 1, maxLength: OEMBED_URL_MAX }),
          format: Type.Optional(Type.String({ maxLength: 16 })),
          maxwidth: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
          maxheight: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
        }),
        response: {
          200: OEmbedAnswer,
          ...errorAnswers(304, 400, 404, 429),
          501: ref('ApiErrorBody', 'A format other than `json` (`unsupported_media_type`)'),
        },
      },
    },
    async (request: FastifyRequest<{ Querystring: OEmbedQuery }>, reply) => {
      const { query } = request;
      const format = query.format?.toLowerCase() ?? 'json';
      if (format !== 'json') {
        throw new ApiError(501, 'unsupported_media_type', 'Only format=json is served');
      }
      const url = parseUrl(query.url);
      const base = app.publicUrl;
      const item = parseItemPageUrl(url, base);
      if (!item) throw notFound('Embeddable item');
      // Only a lookup counts: refusals above cost nothing to answer.
      const wait = await limiter.take(`oembed:${clientKey(request.ip)}`);
      if (wait !== null) {
        throw new ApiError(429, 'rate_limited', 'Too many oEmbed lookups; try again later', {
          headers: { 'retry-after': String(wait) },
        });
      }
      const campaign = app.campaigns.get(item.campaignId);
      if (!campaign) throw notFound('Embeddable item');
      const locale = resolveLocale(item.lang, campaign);
      const providerUrl = (await campaignHomeUrl(app, campaign)) ?? `${base}/`;
      reply.header('cross-origin-resource-policy', 'cross-origin');
      if (item.kind === 'quotes') {
        const quote = await findPublishedQuote(app, campaign, item.id);
        if (!quote) throw notFound('Embeddable item');
        const pageUrl = itemPageUrl(base, campaign, 'quotes', quote.id, locale);
        const answer = quoteAnswer(campaign, quote, locale, pageUrl, providerUrl, query);
        return sendJson(request, reply, cachedBody(answer), READER_PHOTO_CACHE_CONTROL);
      }
      const found = await findPublicPhoto(app, campaign, item.id);
      if (!found) throw notFound('Embeddable item');
      const answer = photoAnswer(base, campaign, found, locale, providerUrl, query);
      const cacheControl = found.quote ? READER_PHOTO_CACHE_CONTROL : CONTENT_CACHE_CONTROL;
      return sendJson(request, reply, cachedBody(answer), cacheControl);
    },
  );
}
