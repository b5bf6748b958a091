/**
 * Pages served next to the API: the demo partner article (`/`), the newsroom console
 * (`/moderate`, which loads `/console/console.js`), story and privacy stand-ins, the
 * widget bundle and the console's script from the root `dist/`, and the OpenAPI
 * document. HTML pages carry a strict Content-Security-Policy.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import cors from '@fastify/cors';
import fastifyStatic from '@fastify/static';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Locale } from '../../../src/api/wire.js';
import { formatDate } from '../../../src/i18n/format.js';
import { DEMO_CAMPAIGN_ID, MAIN_STORY_ID } from '../demo/content.js';
import { notFound } from '../errors.js';
import { matchesEtag } from '../http-cache.js';
import { errorAnswers } from '../schemas.js';
import { OPEN_CORS, type CorsCallback } from './public.js';
import type { CampaignRecord, PhotoRecord, QuoteRecord, StoryRecord } from '../store/store.js';
import { photoFileUrl, resolveLocale } from '../wire-mapping.js';

export const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const escapeHtml = (value: string) =>
  value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

function html(reply: FastifyReply, body: string): FastifyReply {
  return reply
    .type('text/html; charset=utf-8')
    .header('content-security-policy', PAGE_CSP)
    .header('referrer-policy', 'strict-origin-when-cross-origin')
    .header('cache-control', 'no-cache')
    .send(body);
}

/**
 * Text in both languages; the one not shown is `hidden` until the switch shows it.
 * Ids go on an element around the pair (e.g. a heading around two spans), never in
 * `attrs`: they would be doubled, and `aria-labelledby` would find the English one.
 */
function both(tag: string, locale: Locale, en: string, zh: string, attrs = ''): string {
  const hide = (l: Locale) => (l === locale ? '' : ' hidden');
  return (
    `<${tag} lang="en" data-l10n${hide('en')}${attrs}>${en}</${tag}>` +
    `<${tag} lang="zh-Hans" data-l10n${hide('zh-Hans')}${attrs}>${zh}</${tag}>`
  );
}

/** The article's byline, its date written as the widgets write dates (`formatDate`). */
function byline(story: StoryRecord, locale: Locale): string {
  const when = (l: Locale) =>
    `<time datetime="${new Date(story.publishedAt).toISOString()}">${formatDate(story.publishedAt, l)}</time>`;
  const by = escapeHtml(story.byline);
  return both(
    'p',
    locale,
    `By ${by} · ${when('en')}`,
    `${by} · ${when('zh-Hans')}`,
    ' class="byline"',
  );
}

function fallbackPhoto(
  photo: PhotoRecord | null,
  locale: Locale,
  base: string,
  lead = false,
): string {
  if (!photo) return '';
  const top = photo.widths[photo.widths.length - 1];
  const mid = photo.widths.find((width) => width >= 640) ?? top;
  const srcset = photo.widths
    .map((width) => `${photoFileUrl(base, photo.campaignId, photo.id, width)} ${width}w`)
    .join(', ');
  const text = photo.text[locale];
  const credit = (l: Locale) =>
    escapeHtml(
      `${l === 'en' ? 'Photo' : '图'}/${photo.text[l].photographer}${
        photo.text[l].organization
          ? (l === 'en' ? ' from ' : '，') + photo.text[l].organization
          : ''
      }`,
    );
  return `<figure class="fallback-photo">
      <img src="${photoFileUrl(base, photo.campaignId, photo.id, mid)}" srcset="${srcset}"
        sizes="(min-width: 760px) 720px, 100vw" width="${photo.width}" height="${photo.height}"
        alt="${escapeHtml(text.alt)}" ${lead ? 'fetchpriority="high"' : 'loading="lazy" decoding="async"'}>
      <figcaption>${both('span', locale, escapeHtml(photo.text.en.caption), escapeHtml(photo.text['zh-Hans'].caption))}
        ${both('small', locale, credit('en'), credit('zh-Hans'))}</figcaption>
    </figure>`;
}

function fallbackTeaser(story: StoryRecord | null, locale: Locale, base: string): string {
  if (!story) return '';
  const url = new URL(story.url, `${base}/`).href;
  return `<a class="fallback-teaser" href="${escapeHtml(url)}">${both(
    'span',
    locale,
    escapeHtml(story.text.en.headline),
    escapeHtml(story.text['zh-Hans'].headline),
  )}</a>`;
}

function fallbackQuotes(campaign: CampaignRecord, quotes: QuoteRecord[], locale: Locale): string {
  const items = quotes
    .map((quote) => {
      const district = campaign.districts.find((d) => d.id === quote.districtId);
      const who = [
        quote.displayName ?? (locale === 'en' ? 'A reader' : '一位读者'),
        district?.names[locale],
      ]
        .filter(Boolean)
        .join(locale === 'en' ? ', ' : '，');
      return `<li><blockquote lang="${quote.locale}">${escapeHtml(quote.text)}</blockquote><p>— ${escapeHtml(who)}</p></li>`;
    })
    .join('\n');
  return `<ul class="fallback-quotes">${items}</ul>`;
}

async function demoPage(app: FastifyInstance, locale: Locale): Promise<string> {
  const campaign = app.campaigns.get(DEMO_CAMPAIGN_ID);
  if (!campaign) throw notFound('Demo campaign');
  const { store } = app;
  const base = app.publicUrl;
  const photo = (id: string) => store.getPhoto(DEMO_CAMPAIGN_ID, id, true);
  const story = (id: string) => store.getStory(DEMO_CAMPAIGN_ID, id);
  const [theater, hongyan, firewall, train] = await Promise.all([
    photo('grand-theater-night'),
    photo('hongyan-museum'),
    photo('firewall'),
    photo('tuanjie-village-train'),
  ]);
  const [tour, land] = await Promise.all([
    story('a-tour-in-chongqing'),
    story('a-land-of-natural-beauty'),
  ]);
  const quotes = (await store.listQuotes(DEMO_CAMPAIGN_ID, { limit: 6 })).items;
  const main = await story(MAIN_STORY_ID);
  const p = (en: string, zh: string) => both('p', locale, en, zh);
  // The first photo is above the fold on phones: loaded at once and first.
  const photoTag = (record: PhotoRecord | null, id: string, lead = false) =>
    `<campaign-photo photo="${id}"${lead ? ' loading="eager" fetchpriority="high"' : ''}>${fallbackPhoto(record, locale, base, lead)}</campaign-photo>`;

  return `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${locale === 'en' ? 'Spirit of Chongqing City — partner demo' : '重庆城市精神 — 合作页面演示'}</title>
<link rel="icon" href="data:,">
<meta name="campaign-widgets:api" content="${escapeHtml(base)}">
<meta name="campaign-widgets:campaign" content="${DEMO_CAMPAIGN_ID}">
<link rel="stylesheet" href="/demo.css">
<script type="module" src="/campaign-widgets.js" data-api="${escapeHtml(base)}" data-campaign="${DEMO_CAMPAIGN_ID}"></script>
<script type="module" src="/demo.js"></script>
</head>
<body>
<header class="masthead">
  <a class="brand" href="/">${both('span', locale, 'The Riverside Gazette', '江岸日报')}</a>
  <nav class="lang-switch" aria-label="Language / 语言">
    <a href="/?lang=en" hreflang="en" lang="en" data-lang="en"${locale === 'en' ? ' aria-current="true"' : ''}>English</a>
    <a href="/?lang=zh-Hans" hreflang="zh-Hans" lang="zh-Hans" data-lang="zh-Hans"${locale === 'zh-Hans' ? ' aria-current="true"' : ''}>简体中文</a>
  </nav>
</header>
<main>
<article class="story">
  ${both('p', locale, 'Partner demo · Spirit of Chongqing City campaign', '合作页面演示 · “重庆城市精神”征集活动', ' class="kicker"')}
  ${both('h1', locale, escapeHtml(main?.text.en.headline ?? ''), escapeHtml(main?.text['zh-Hans'].headline ?? ''))}
  ${main ? byline(main, locale) : ''}
  ${photoTag(theater, 'grand-theater-night', true)}
  ${p(
    'Chongqing is a city where centuries-old alleys open onto glass towers and where the old ways and the new share the same steep streets. This spring a campaign sets out to name what ties it all together: the Spirit of Chongqing City, something residents carry with them down every lane.',
    '在重庆，百年老巷的尽头就是玻璃幕墙的高楼，传统与创新挤在同一条陡峭的街上。今年春天，一项征集活动想要说清楚把这一切连在一起的东西——“重庆城市精神”，它就藏在每一条巷子里，也装在每一个重庆人的心里。',
  )}
  ${p(
    'Any search for that spirit starts with history. Bayu culture, the culture of the Three Gorges and Hongyan culture are the foundations the city builds its identity on, and the Hongyan Spirit in particular speaks of people who hold firm and keep going.',
    '寻找这种精神，要从历史说起。巴渝文化、三峡文化和红岩文化是这座城市认同感的根基，其中红岩精神尤其代表着坚守与奋进的品格。',
  )}
  ${photoTag(hongyan, 'hongyan-museum')}
  ${p(
    'It shows in daily life too: in openness, in a sense of responsibility, in people pulling together. When fire swept the mountains, residents and volunteers went up the slopes to fight it; in quieter ways, ordinary people help one another every day.',
    '它也体现在日常生活里：开放、担当、团结、奉献。山火蔓延时，市民和志愿者奔上山坡与火魔较量；平日里，普通人也在以更安静的方式彼此相助。',
  )}
  ${photoTag(firewall, 'firewall')}
  ${p(
    'And it keeps changing. With the Chengdu-Chongqing Economic Circle growing and the New International Land-Sea Trade Corridor carrying goods far beyond the city, Chongqing is opening up, welcoming newcomers and going digital — giving its spirit a present-day meaning.',
    '这种精神也在不断生长。随着成渝地区双城经济圈建设推进、西部陆海新通道把货物运往更远的地方，重庆正在扩大开放、兼容并包、拥抱数字化，为城市精神注入新的时代内涵。',
  )}
  ${photoTag(train, 'tuanjie-village-train')}
  ${p(
    'The campaign treats the city’s spirit as a bridge between past and future, and asks everyone to help shape it. Which is where you come in.',
    '这项活动把城市精神看作连接过去与未来的桥梁，邀请每个人一起来提炼它。现在，轮到你了。',
  )}
  <section class="call" aria-labelledby="call-heading">
    <h2 id="call-heading">${both('span', locale, 'Tell us about the Spirit of Chongqing City in your heart', '说说你心中的“重庆城市精神”')}</h2>
    <campaign-submission-form>
      <noscript>${both('p', locale, 'The form to send your words needs JavaScript. Please enable it, or try again later.', '提交表单需要启用 JavaScript，请开启后再试。', ' class="fallback-note"')}</noscript>
    </campaign-submission-form>
  </section>
  <section class="wall" aria-labelledby="wall-heading">
    <h2 id="wall-heading">${both('span', locale, 'What readers say', '读者心声')}</h2>
    <campaign-quote-wall>${fallbackQuotes(campaign, quotes, locale)}</campaign-quote-wall>
  </section>
  <section class="related" aria-labelledby="related-heading">
    <h2 id="related-heading">${both('span', locale, 'Related stories', '相关报道')}</h2>
    <div class="teasers">
      <campaign-story-teaser story="a-tour-in-chongqing">${fallbackTeaser(tour, locale, base)}</campaign-story-teaser>
      <campaign-story-teaser story="a-land-of-natural-beauty">${fallbackTeaser(land, locale, base)}</campaign-story-teaser>
    </div>
  </section>
</article>
</main>
<footer class="site-footer">
  ${both('p', locale, 'This page is a demo of a partner site carrying the campaign. The pictures are illustrations drawn for the demo; the credits name the photographers of the original photographs.', '本页演示合作网站如何嵌入活动组件。图片为演示绘制的示意插图，署名为原照片的摄影师。')}
  <p><a href="/moderate">Moderation · 审核</a> · <a href="/v1/openapi.json">OpenAPI</a> · <a href="/privacy">Privacy · 隐私</a></p>
</footer>
</body>
</html>
`;
}

function simplePage(title: string, body: string, lang: Locale = 'en'): string {
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/demo.css">
</head>
<body><main class="story">${body}<p><a href="/">← Back to the demo article · 返回</a></p></main></body>
</html>
`;
}

/** Files served as they are: the demo page's assets, the bundle and the console's script. */
const PUBLIC_FILES = new Set(['/demo.css', '/demo.js']);
const BUNDLE_FILES = new Set([
  '/campaign-widgets.js',
  '/campaign-widgets.js.map',
  '/campaign-widgets.iife.js',
  '/campaign-widgets.iife.js.map',
]);
/** dist/console/: the newsroom console's own script, for /moderate only (no CORS). */
const CONSOLE_FILES = new Set(['/console/console.js', '/console/console.js.map']);

/**
 * The console's page: nothing inline (the CSP allows none), the app sets `<html lang>`
 * to the signed-in person's language and styles the page itself.
 */
const CONSOLE_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Newsroom console · 编辑部审核台</title>
<link rel="icon" href="data:,">
<script type="module" src="/console/console.js"></script>
</head>
<body>
<newsroom-console></newsroom-console>
<noscript><p>The newsroom console needs JavaScript. <span lang="zh-Hans">编辑部审核台需要启用 JavaScript。</span></p></noscript>
</body>
</html>
`;
const CONSOLE_PAGE_ETAG = `"${createHash('sha256').update(CONSOLE_PAGE).digest('base64url').slice(0, 27)}"`;

const PAGE = { tags: ['pages'] };
const HTML = { description: 'HTML', content: { 'text/html': { schema: Type.String() } } };

export default async function pageRoutes(app: FastifyInstance): Promise<void> {
  // The bundle is loaded by partner pages on other origins; nothing else here is theirs.
  await app.register(cors, () => (request: FastifyRequest, callback: CorsCallback) => {
    const bundle = BUNDLE_FILES.has(request.url.split('?')[0]);
    callback(null, { ...OPEN_CORS, origin: bundle ? '*' : false });
  });
  // Only the files named above, revalidated on every use (they change with each build).
  await app.register(fastifyStatic, {
    root: [app.settings.publicDir, app.settings.distDir],
    allowedPath: (pathName) =>
      PUBLIC_FILES.has(pathName) || BUNDLE_FILES.has(pathName) || CONSOLE_FILES.has(pathName),
    cacheControl: false,
    index: false,
    serveDotFiles: false,
    setHeaders: (reply, file) => {
      reply.header('cache-control', 'no-cache');
      if (BUNDLE_FILES.has(`/${path.basename(file)}`)) {
        reply.header('cross-origin-resource-policy', 'cross-origin');
      }
    },
  });

  app.get<{ Querystring: { lang?: string } }>(
    '/',
    {
      schema: {
        ...PAGE,
        summary: 'The demo partner page, server-rendered, with every widget',
        querystring: Type.Object({ lang: Type.Optional(Type.String({ maxLength: 35 })) }),
        response: { 200: HTML },
      },
    },
    async (request, reply) => {
      const campaign = app.campaigns.get(DEMO_CAMPAIGN_ID);
      const locale = campaign ? resolveLocale(request.query.lang, campaign) : 'en';
      return html(reply, await demoPage(app, locale));
    },
  );

  app.get<{ Headers: { 'if-none-match'?: string } }>(
    '/moderate',
    {
      schema: {
        ...PAGE,
        summary: 'The newsroom console (loads /console/console.js)',
        response: { 200: HTML, ...errorAnswers(304) },
      },
    },
    async (request, reply) => {
      reply.header('x-frame-options', 'DENY').header('etag', CONSOLE_PAGE_ETAG);
      if (matchesEtag(request, CONSOLE_PAGE_ETAG)) {
        return reply
          .code(304)
          .header('cache-control', 'no-cache')
          .header('content-security-policy', PAGE_CSP)
          .send();
      }
      return html(reply, CONSOLE_PAGE);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/stories/:id',
    {
      schema: {
        ...PAGE,
        summary: 'A stand-in for a story on the publisher’s site',
        params: Type.Object({ id: Type.String({ maxLength: 100 }) }),
        response: { 200: HTML },
      },
    },
    async (request, reply) => {
      if (request.params.id === MAIN_STORY_ID) return reply.redirect('/', 302);
      const story = await app.store.getStory(DEMO_CAMPAIGN_ID, request.params.id);
      if (!story) throw notFound('Story');
      return html(
        reply,
        simplePage(
          story.text.en.headline,
          `<h1 lang="en">${escapeHtml(story.text.en.headline)}</h1>
         <p lang="en">${escapeHtml(story.text.en.excerpt)}</p>
         <h2 lang="zh-Hans">${escapeHtml(story.text['zh-Hans'].headline)}</h2>
         <p lang="zh-Hans">${escapeHtml(story.text['zh-Hans'].excerpt)}</p>
         <p><em>Demo stand-in: the full story lives on the publisher's site. 演示页面：完整报道见发布方网站。</em></p>`,
        ),
      );
    },
  );

  app.get(
    '/privacy',
    { schema: { ...PAGE, summary: 'The demo campaign’s privacy notice', response: { 200: HTML } } },
    async (_request, reply) =>
      html(
        reply,
        simplePage(
          'Privacy — Spirit of Chongqing City',
          `<h1>Privacy</h1>
         <p>What you send is kept by the newsroom for this campaign. Only your words, the name you
         chose (unless you stay anonymous), your district and your photo are ever published, and
         only after staff approve them. Photos are re-encoded: location and camera data are removed.
         Your email, if you give it, is never published. Ask the newsroom to delete your
         submission at any time: it is then removed for good, photo included.</p>
         <h2 lang="zh-Hans">隐私说明</h2>
         <p lang="zh-Hans">你提交的内容由编辑部为本活动保存。只有你的文字、你选择的署名（匿名除外）、所在区县和照片会在工作人员审核通过后公开。照片会被重新编码，位置和相机信息会被删除。你留下的电子邮箱绝不公开。你可以随时要求编辑部彻底删除你的投稿（包括照片）。</p>`,
        ),
      ),
  );

  app.get(
    '/healthz',
    {
      schema: {
        tags: ['meta'],
        summary: 'Liveness: the store in use and the open live streams',
        response: {
          200: Type.Object({ ok: Type.Boolean(), store: Type.String(), live: Type.Integer() }),
        },
      },
    },
    async () => ({ ok: true, store: app.store.kind, live: app.hub.clientCount }),
  );
}
