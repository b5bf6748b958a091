/**
 * A public page for each published quote and each public photo, the URLs a partner
 * pastes into a CMS to embed them (the oEmbed provider in oembed.ts reads the same
 * paths): `/campaigns/:campaign/quotes/:id` and `/campaigns/:campaign/photos/:id`,
 * the API's own item paths without `/v1`. Each page shows its item in one locale
 * (`?lang=`), carries its structured data (structured-data.ts), Open Graph and Twitter
 * meta, a canonical link and the oEmbed discovery link, under the pages' strict CSP.
 *
 * Only what is public is shown: an approved quote not hidden by reports, a newsroom
 * photo, or a reader's photo while its quote is published with it. Anything else is
 * the same localized 404, so a page never tells a pending item from a missing one.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Locale } from '../../../src/api/wire.js';
import { formatDate } from '../../../src/i18n/format.js';
import { ApiError } from '../errors.js';
import { matchesEtag } from '../http-cache.js';
import { etagOf } from '../images.js';
import { readerPhotoAlt } from '../reader-photo-alt.js';
import { ref } from '../schemas.js';
import type { CampaignRecord, PhotoRecord, QuoteRecord, SubmissionRecord } from '../store/store.js';
import {
  creditLine,
  jsonLdScript,
  photoStructuredData,
  quoteAuthorName,
  quoteStructuredData,
} from '../structured-data.js';
import { absolute, districtToWire, photoFileUrl, resolveLocale } from '../wire-mapping.js';
import { CONTENT_CACHE_CONTROL, READER_PHOTO_CACHE_CONTROL } from './content.js';
import { PAGE_CSP, escapeHtml } from './pages.js';

export type PageKind = 'quotes' | 'photos';

/** One item's page, as a URL names it. */
export interface PageRef {
  kind: PageKind;
  campaignId: string;
  id: string;
  /** `?lang=` as given (resolved against the campaign's locales later). */
  lang: string | undefined;
}

/** The stylesheet the item pages add to the demo site's own (`/demo.css`). */
export const PAGES_CSS_PATH = '/pages.css';

/** The public page of an item, in `locale` (the campaign's default locale needs no `lang`). */
export function itemPageUrl(
  base: string,
  campaign: Pick<CampaignRecord, 'id' | 'defaultLocale'>,
  kind: PageKind,
  id: string,
  locale: Locale,
): string {
  const path = `${base}/campaigns/${encodeURIComponent(campaign.id)}/${kind}/${encodeURIComponent(id)}`;
  return locale === campaign.defaultLocale ? path : `${path}?lang=${encodeURIComponent(locale)}`;
}

/** The oEmbed answer for a page URL, as discovery links name it. */
export const oembedUrl = (base: string, pageUrl: string) =>
  `${base}/v1/oembed?url=${encodeURIComponent(pageUrl)}&format=json`;

const ITEM_PATH = /^\/campaigns\/([^/]+)\/(quotes|photos)\/([^/]+)\/?$/;

/**
 * The item a URL names, when it is one of this server's item pages under its public
 * base `base`; null for any other URL (another host, scheme, port or path). Only
 * parses: nothing here, nor anything that calls it, ever fetches the URL.
 */
export function parseItemPageUrl(url: URL, base: string): PageRef | null {
  const home = new URL(`${base}/`);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.origin !== home.origin || url.username || url.password) return null;
  const prefix = home.pathname.replace(/\/$/, '');
  if (!url.pathname.startsWith(`${prefix}/`)) return null;
  const match = ITEM_PATH.exec(url.pathname.slice(prefix.length));
  if (!match) return null;
  try {
    return {
      campaignId: decodeURIComponent(match[1]),
      kind: match[2] as PageKind,
      id: decodeURIComponent(match[3]),
      lang: url.searchParams.get('lang') ?? undefined,
    };
  } catch {
    return null; // a broken %-escape names nothing here
  }
}

/** The quote a submission shows while it is published (approved, not hidden by reports), else null. */
export function publishedQuoteOf(submission: SubmissionRecord | null): QuoteRecord | null {
  if (!submission || submission.status !== 'approved' || submission.hiddenAt !== null) return null;
  const photoPublic =
    submission.photoPublished && submission.photoPermission && submission.photoId !== null;
  return {
    id: submission.id,
    text: submission.message,
    displayName: submission.anonymous ? null : submission.displayName,
    districtId: submission.district,
    locale: submission.locale,
    approvedAt: submission.approvedAt ?? submission.decidedAt ?? submission.receivedAt,
    photoId: photoPublic ? submission.photoId : null,
    photoAlt: photoPublic ? submission.photoAlt : null,
    featured: submission.featured,
    wallSeq: submission.wallSeq ?? 0,
  };
}

/** A quote while it is published, or null (unknown, pending, rejected, removed, hidden). */
export async function findPublishedQuote(
  app: FastifyInstance,
  campaign: CampaignRecord,
  id: string,
): Promise<QuoteRecord | null> {
  return publishedQuoteOf(await app.store.getSubmission(campaign.id, id));
}

export interface PublicPhoto {
  photo: PhotoRecord;
  /** The reader's quote it was sent with (reader photos only). */
  quote: QuoteRecord | null;
  /** When it was first published: its quote's approval, or the first story carrying it. */
  publishedAt: number | null;
}

/**
 * A photo while it is public, described as the photo route describes it: a reader's
 * photo by the alt text staff wrote, or else by what is known about it.
 */
export async function findPublicPhoto(
  app: FastifyInstance,
  campaign: CampaignRecord,
  id: string,
): Promise<PublicPhoto | null> {
  const photo = await app.store.getPhoto(campaign.id, id, true);
  if (!photo) return null;
  if (photo.submissionId) {
    const submission = await app.store.getSubmission(campaign.id, photo.submissionId);
    const quote = publishedQuoteOf(submission);
    if (!submission || !quote || quote.photoId !== photo.id) return null;
    const alt = submission.photoAlt;
    const known = readerPhotoAlt(campaign, submission);
    const text = {
      en: { ...photo.text.en, alt: alt || known.en },
      'zh-Hans': { ...photo.text['zh-Hans'], alt: alt || known['zh-Hans'] },
    };
    return { photo: { ...photo, text }, quote, publishedAt: quote.approvedAt };
  }
  // A newsroom photo is published with the first story that carries it; one no story
  // carries runs in the campaign's lead story (the demo's article has four such photos).
  const stories = await app.store.listStories(campaign.id);
  const carrying = stories.filter((story) => story.photoId === photo.id);
  const first = (carrying.length ? carrying : stories.slice(0, 1)).reduce<number | null>(
    (earliest, story) =>
      earliest === null ? story.publishedAt : Math.min(earliest, story.publishedAt),
    null,
  );
  return { photo, quote: null, publishedAt: first };
}

/** Where the campaign itself is read: its lead story, when it has one. */
export async function campaignHomeUrl(
  app: FastifyInstance,
  campaign: CampaignRecord,
): Promise<string | null> {
  const [lead] = await app.store.listStories(campaign.id);
  return lead ? absolute(lead.url, app.publicUrl) : null;
}

// ---- the pages ----

/** What a quote's page is called: "Words from Li Lei", "李雷的心声", or from a reader. */
export const quoteHeading = (quote: Pick<QuoteRecord, 'displayName'>, locale: Locale) =>
  TEXT[locale].quoteHeading(quote.displayName);

interface PageText {
  quoteHeading: (name: string | null) => string;
  photoKicker: string;
  photoBy: (photographer: string) => string;
  license: string;
  withWords: (name: string) => string;
  more: string;
  language: string;
  notFoundTitle: string;
  notFoundBody: string;
  ogLocale: string;
}

const TEXT: Record<Locale, PageText> = {
  en: {
    quoteHeading: (name) => (name ? `Words from ${name}` : 'Words from a reader'),
    photoKicker: 'Photo',
    photoBy: (photographer) => `Photo by ${photographer}`,
    license: 'Licence',
    withWords: (name) => `Sent with the words of ${name}`,
    more: 'More from the campaign',
    language: 'Language',
    notFoundTitle: 'Not found',
    notFoundBody:
      'There is nothing published at this address. It may be waiting for review, or it may have been withdrawn.',
    ogLocale: 'en_US',
  },
  'zh-Hans': {
    quoteHeading: (name) => (name ? `${name}的心声` : '一位读者的心声'),
    photoKicker: '图片',
    photoBy: (photographer) => `摄影：${photographer}`,
    license: '使用许可',
    withWords: (name) => `随${name}的留言一同发送`,
    more: '查看活动的更多内容',
    language: '语言',
    notFoundTitle: '未找到内容',
    notFoundBody: '此地址下没有已发布的内容。它可能正在等待审核，也可能已被撤回。',
    ogLocale: 'zh_CN',
  },
};

const LANGUAGE_NAMES: Record<Locale, string> = { en: 'English', 'zh-Hans': '简体中文' };

interface PageParts {
  locale: Locale;
  campaign: CampaignRecord;
  title: string;
  description: string;
  canonical: string;
  /** The page in each of the campaign's locales. */
  alternates: Record<string, string>;
  oembed: string;
  /** `<meta property="og:…">` / `<meta name="twitter:…">` pairs, beyond the common ones. */
  meta: [string, string][];
  jsonLd: string;
  body: string;
}

const attr = (value: string | number) => escapeHtml(String(value));

/** One `<meta>`: Open Graph names go in `property`, Twitter's in `name`. */
const metaTag = ([key, value]: [string, string]) =>
  `<meta ${key.startsWith('og:') ? 'property' : 'name'}="${attr(key)}" content="${attr(value)}">`;

function langSwitch(locale: Locale, alternates: Record<string, string>, label: string): string {
  const links = Object.entries(alternates).map(
    ([lang, href]) =>
      `<a href="${attr(href)}" hreflang="${attr(lang)}" lang="${attr(lang)}"${lang === locale ? ' aria-current="true"' : ''}>${LANGUAGE_NAMES[lang as Locale] ?? lang}</a>`,
  );
  return `<nav class="lang-switch" aria-label="${attr(label)}">${links.join('\n')}</nav>`;
}

function layout(parts: PageParts): string {
  const { locale, campaign } = parts;
  const text = TEXT[locale];
  const siteName = campaign.text[locale]?.title ?? campaign.text[campaign.defaultLocale].title;
  const meta: [string, string][] = [
    ['og:site_name', siteName],
    ['og:title', parts.title],
    ['og:description', parts.description],
    ['og:url', parts.canonical],
    ['og:locale', text.ogLocale],
    ...parts.meta,
    ['twitter:title', parts.title],
    ['twitter:description', parts.description],
  ];
  const alternates = Object.entries(parts.alternates)
    .map(([lang, href]) => `<link rel="alternate" hreflang="${attr(lang)}" href="${attr(href)}">`)
    .join('\n');
  return `<!doctype html>
<html lang="${attr(locale)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(parts.title)} — ${escapeHtml(siteName)}</title>
<meta name="description" content="${attr(parts.description)}">
<link rel="icon" href="data:,">
<link rel="canonical" href="${attr(parts.canonical)}">
${alternates}
<link rel="alternate" type="application/json+oembed" href="${attr(parts.oembed)}" title="${attr(parts.title)}">
${meta.map(metaTag).join('\n')}
<link rel="stylesheet" href="/demo.css">
<link rel="stylesheet" href="${PAGES_CSS_PATH}">
${parts.jsonLd}
</head>
<body>
<header class="masthead">
  <span class="brand">${escapeHtml(siteName)}</span>
  ${langSwitch(locale, parts.alternates, `${text.language} / ${locale === 'en' ? '语言' : 'Language'}`)}
</header>
<main class="story item-page">
${parts.body}
</main>
</body>
</html>
`;
}

/** Every locale the campaign has, each with its page URL. */
function alternatesOf(base: string, campaign: CampaignRecord, kind: PageKind, id: string) {
  return Object.fromEntries(
    campaign.locales.map((locale) => [locale, itemPageUrl(base, campaign, kind, id, locale)]),
  );
}

/** The words of a quote, its lines kept, as one paragraph each. */
function paragraphs(words: string): string {
  return words
    .split(/\n{2,}/)
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => `<p>${escapeHtml(part).replace(/\n/g, '<br>')}</p>`)
    .join('');
}

/** At most `max` characters of one line of `text`, for a description. */
function excerpt(text: string, max = 160): string {
  const line = text.replace(/\s+/g, ' ').trim();
  const chars = [...line];
  return chars.length <= max ? line : `${chars.slice(0, max - 1).join('')}…`;
}

export function quotePage(
  base: string,
  campaign: CampaignRecord,
  quote: QuoteRecord,
  locale: Locale,
  homeUrl: string | null,
): string {
  const text = TEXT[locale];
  const canonical = itemPageUrl(base, campaign, 'quotes', quote.id, locale);
  const name = quoteAuthorName(quote, locale);
  const district = districtToWire(campaign, quote.districtId, locale)?.name ?? null;
  const heading = quoteHeading(quote, locale);
  const when = `<time datetime="${new Date(quote.approvedAt).toISOString()}">${formatDate(quote.approvedAt, locale)}</time>`;
  const where = district ? `${locale === 'en' ? ', ' : '，'}${escapeHtml(district)}` : '';
  const title = campaign.text[locale]?.title ?? campaign.text[campaign.defaultLocale].title;
  const body = `<p class="kicker">${escapeHtml(title)}</p>
<h1>${escapeHtml(heading)}</h1>
<figure class="item-quote">
  <blockquote lang="${attr(quote.locale)}" cite="${attr(canonical)}">${paragraphs(quote.text)}</blockquote>
  <figcaption>— <cite>${escapeHtml(name)}</cite>${where} · ${when}</figcaption>
</figure>
${homeUrl ? `<p class="item-more"><a href="${attr(homeUrl)}">${escapeHtml(text.more)}</a></p>` : ''}`;
  return layout({
    locale,
    campaign,
    title: heading,
    description: excerpt(quote.text),
    canonical,
    alternates: alternatesOf(base, campaign, 'quotes', quote.id),
    oembed: oembedUrl(base, canonical),
    meta: [
      ['og:type', 'article'],
      ['twitter:card', 'summary'],
    ],
    jsonLd: jsonLdScript(
      quoteStructuredData(campaign, quote, locale, { pageUrl: canonical, campaignUrl: homeUrl }),
    ),
    body,
  });
}

/** The stored width of a photo's file nearest above `wanted`, else its largest. */
export function photoWidthFor(photo: PhotoRecord, wanted: number): number {
  return photo.widths.find((width) => width >= wanted) ?? photo.widths[photo.widths.length - 1];
}

export function photoPage(
  base: string,
  campaign: CampaignRecord,
  found: PublicPhoto,
  locale: Locale,
  homeUrl: string | null,
): string {
  const { photo, quote } = found;
  const text = TEXT[locale];
  const photoText = photo.text[locale];
  const canonical = itemPageUrl(base, campaign, 'photos', photo.id, locale);
  const file = (width: number) => photoFileUrl(base, photo.campaignId, photo.id, width);
  const largest = photo.widths[photo.widths.length - 1];
  const srcset = photo.widths.map((width) => `${file(width)} ${width}w`).join(', ');
  const credit = creditLine(photoText, locale);
  const heading = photoText.caption || text.photoBy(photoText.photographer);
  const title = campaign.text[locale]?.title ?? campaign.text[campaign.defaultLocale].title;
  const quoteLink = quote
    ? `<p class="item-more"><a href="${attr(itemPageUrl(base, campaign, 'quotes', quote.id, locale))}">${escapeHtml(text.withWords(quoteAuthorName(quote, locale)))}</a></p>`
    : '';
  const body = `<p class="kicker">${escapeHtml(text.photoKicker)} · ${escapeHtml(title)}</p>
<figure class="fallback-photo item-photo">
  <img src="${attr(file(photoWidthFor(photo, 1024)))}" srcset="${attr(srcset)}"
    sizes="(min-width: 760px) 720px, 100vw" width="${photo.width}" height="${photo.height}"
    alt="${attr(photoText.alt)}" fetchpriority="high">
  <figcaption>
    <h1>${escapeHtml(heading)}</h1>
    <small class="credit">${escapeHtml(credit)}</small>
    ${photoText.license ? `<small class="license">${escapeHtml(text.license)}${locale === 'en' ? ': ' : '：'}${escapeHtml(photoText.license)}</small>` : ''}
  </figcaption>
</figure>
${quoteLink}
${homeUrl ? `<p class="item-more"><a href="${attr(homeUrl)}">${escapeHtml(text.more)}</a></p>` : ''}`;
  return layout({
    locale,
    campaign,
    title: heading,
    description:
      locale === 'en'
        ? `${excerpt(photoText.alt)} (${credit})`
        : `${excerpt(photoText.alt)}（${credit}）`,
    canonical,
    alternates: alternatesOf(base, campaign, 'photos', photo.id),
    oembed: oembedUrl(base, canonical),
    meta: [
      ['og:type', 'article'],
      ['og:image', file(largest)],
      ['og:image:width', String(photo.width)],
      ['og:image:height', String(photo.height)],
      ['og:image:alt', photoText.alt],
      ['twitter:card', 'summary_large_image'],
      ['twitter:image', file(largest)],
      ['twitter:image:alt', photoText.alt],
    ],
    jsonLd: jsonLdScript(
      photoStructuredData(photo, locale, {
        pageUrl: canonical,
        contentUrl: file(largest),
        publishedAt: found.publishedAt,
      }),
    ),
    body,
  });
}

function notFoundPage(locale: Locale, homeUrl: string | null): string {
  const text = TEXT[locale];
  const more = homeUrl
    ? `\n<p class="item-more"><a href="${attr(homeUrl)}">${escapeHtml(text.more)}</a></p>`
    : '';
  return `<!doctype html>
<html lang="${attr(locale)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(text.notFoundTitle)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/demo.css">
<link rel="stylesheet" href="${PAGES_CSS_PATH}">
</head>
<body>
<main class="story item-page">
<h1>${escapeHtml(text.notFoundTitle)}</h1>
<p>${escapeHtml(text.notFoundBody)}</p>${more}
</main>
</body>
</html>
`;
}

/** The item pages' own rules, beside the demo site's `/demo.css`. */
export const PAGES_CSS = `/* Item pages: one quote or one photo. */
.item-page { overflow-wrap: anywhere; }
.item-quote { margin: 1.5rem 0; padding: 0 0 0 1rem; border-left: 4px solid var(--accent, #b3261e); }
.item-quote blockquote { margin: 0; font-size: 1.25rem; line-height: 1.55; }
.item-quote blockquote p { margin: 0 0 0.75rem; }
.item-quote figcaption { color: var(--muted, #5b5b66); }
.item-quote cite { font-style: normal; font-weight: 600; color: var(--ink, #1d1d1f); }
.item-photo { margin: 1rem 0; }
.item-photo figcaption h1 { font-size: 1.1rem; font-weight: 600; line-height: 1.45; margin: 0.5rem 0 0.25rem; color: var(--ink, #1d1d1f); }
.item-photo .credit { font-weight: 600; color: var(--ink, #1d1d1f); }
.item-photo .license { margin-top: 0.25rem; }
.item-more { margin: 1rem 0 0; }
`;
const PAGES_CSS_ETAG = etagOf(PAGES_CSS);

/** Pages of things readers sent may be taken down: caches keep them no longer than photos. */
const cacheControlFor = (readerContent: boolean) =>
  readerContent ? READER_PHOTO_CACHE_CONTROL : CONTENT_CACHE_CONTROL;

function sendPage(
  request: FastifyRequest,
  reply: FastifyReply,
  body: string,
  cacheControl: string,
): FastifyReply {
  const etag = etagOf(body);
  reply
    .header('etag', etag)
    .header('cache-control', cacheControl)
    .header('vary', 'Accept')
    .header('content-security-policy', PAGE_CSP)
    .header('referrer-policy', 'strict-origin-when-cross-origin')
    .header('x-content-type-options', 'nosniff');
  if (matchesEtag(request, etag)) return reply.code(304).send();
  return reply.type('text/html; charset=utf-8').send(body);
}

/** A browser gets the localized page; a client asking for JSON the API's error shape. */
function wantsJson(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? '';
  return /application\/(?:[\w.+-]*\+)?json/i.test(accept) && !/text\/html/i.test(accept);
}

async function sendNotFound(
  app: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply,
  campaign: CampaignRecord | null,
  locale: Locale,
): Promise<FastifyReply> {
  if (wantsJson(request)) throw new ApiError(404, 'not_found', 'Nothing is published here');
  return reply
    .code(404)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('vary', 'Accept')
    .header('content-security-policy', PAGE_CSP)
    .header('x-content-type-options', 'nosniff')
    .send(notFoundPage(locale, campaign ? await campaignHomeUrl(app, campaign) : null));
}

/** `?lang=` against the campaign; for an unknown campaign, the tag's own nearest locale. */
function localeFor(campaign: CampaignRecord | null, lang: string | undefined): Locale {
  if (campaign) return resolveLocale(lang, campaign);
  return lang && /^zh/i.test(lang) ? 'zh-Hans' : 'en';
}

const ItemPageParams = Type.Object({
  campaign: Type.String({ minLength: 1, maxLength: 100 }),
  id: Type.String({ minLength: 1, maxLength: 100 }),
});
const LangQuery = Type.Object({ lang: Type.Optional(Type.String({ maxLength: 35 })) });
const PAGE_ANSWERS = {
  200: {
    description:
      'The item’s page (HTML) with its JSON-LD, Open Graph meta, canonical and oEmbed discovery links. Sends `ETag`.',
    content: { 'text/html': { schema: Type.String() } },
  },
  304: Type.Null({ description: 'Not modified' }),
  404: {
    description:
      'Not published (unknown, pending, rejected, withdrawn or hidden): a localized HTML page, or `not_found` as JSON to a client that asks for JSON only',
    content: {
      'text/html': { schema: Type.String() },
      'application/json': { schema: ref('ApiErrorBody') },
    },
  },
};

type PageRequest = FastifyRequest<{
  Params: { campaign: string; id: string };
  Querystring: { lang?: string };
}>;

export default async function publicPageRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Params: { campaign: string; id: string }; Querystring: { lang?: string } }>(
    '/campaigns/:campaign/quotes/:id',
    {
      schema: {
        tags: ['pages'],
        summary: 'A published quote’s public page (embed it by this URL through oEmbed)',
        params: ItemPageParams,
        querystring: LangQuery,
        response: PAGE_ANSWERS,
      },
    },
    async (request: PageRequest, reply) => {
      const campaign = app.campaigns.get(request.params.campaign) ?? null;
      const locale = localeFor(campaign, request.query.lang);
      const quote = campaign ? await findPublishedQuote(app, campaign, request.params.id) : null;
      if (!campaign || !quote) return sendNotFound(app, request, reply, campaign, locale);
      const home = await campaignHomeUrl(app, campaign);
      const body = quotePage(app.publicUrl, campaign, quote, locale, home);
      return sendPage(request, reply, body, cacheControlFor(true));
    },
  );

  app.get<{ Params: { campaign: string; id: string }; Querystring: { lang?: string } }>(
    '/campaigns/:campaign/photos/:id',
    {
      schema: {
        tags: ['pages'],
        summary: 'A public photo’s page with its credit (embed it by this URL through oEmbed)',
        params: ItemPageParams,
        querystring: LangQuery,
        response: PAGE_ANSWERS,
      },
    },
    async (request: PageRequest, reply) => {
      const campaign = app.campaigns.get(request.params.campaign) ?? null;
      const locale = localeFor(campaign, request.query.lang);
      const found = campaign ? await findPublicPhoto(app, campaign, request.params.id) : null;
      if (!campaign || !found) return sendNotFound(app, request, reply, campaign, locale);
      const home = await campaignHomeUrl(app, campaign);
      const body = photoPage(app.publicUrl, campaign, found, locale, home);
      return sendPage(request, reply, body, cacheControlFor(found.quote !== null));
    },
  );

  app.get(
    PAGES_CSS_PATH,
    {
      schema: {
        tags: ['pages'],
        summary: 'The stylesheet of the quote and photo pages',
        response: {
          200: { description: 'CSS', content: { 'text/css': { schema: Type.String() } } },
          304: Type.Null({ description: 'Not modified' }),
        },
      },
    },
    async (request, reply) => {
      reply.header('etag', PAGES_CSS_ETAG).header('cache-control', 'no-cache');
      if (matchesEtag(request, PAGES_CSS_ETAG)) return reply.code(304).send();
      return reply.type('text/css; charset=utf-8').send(PAGES_CSS);
    },
  );
}
