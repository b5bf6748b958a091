/**
 * Server rendering of the four widgets, for a partner's Node server (Next, Nuxt, Astro,
 * Express) and for the campaign API's HTML endpoints. Each widget comes out as
 * Declarative Shadow DOM (`<template shadowrootmode="open">`) with the styles, parts and
 * custom properties it has in the browser, in the reader's locale, rendered from the
 * data it is given (`snapshot`) without a request.
 *
 * Needs `@lit-labs/ssr` (an optional peer dependency of this package). No global DOM shim
 * is installed: Lit's Node build brings the minimal one it needs, and nothing here sets
 * `window`, `document` or `fetch` for the rest of the process.
 */
import { render } from '@lit-labs/ssr';
import { collectResultSync } from '@lit-labs/ssr/lib/render-result.js';
import { html, unsafeStatic } from 'lit/static-html.js';
import { defineElement } from '../core/register.js';
import { getLocale, matchLocale, setLocale } from '../i18n/locale.js';
import { CampaignPhoto } from '../photo/photo.js';
import { CampaignQuoteWall } from '../quote-wall/quote-wall.js';
import { CampaignStoryTeaser } from '../story-teaser/story-teaser.js';
import { CampaignSubmissionForm } from '../submission-form/submission-form.js';
import type { Locale } from '../api/wire.js';

/** The tags `renderWidget` renders, with their classes. */
export const SSR_TAGS = {
  'campaign-story-teaser': CampaignStoryTeaser,
  'campaign-photo': CampaignPhoto,
  'campaign-quote-wall': CampaignQuoteWall,
  'campaign-submission-form': CampaignSubmissionForm,
} as const;

export type WidgetTag = keyof typeof SSR_TAGS;

for (const [tag, ctor] of Object.entries(SSR_TAGS)) defineElement(tag, ctor);

export interface RenderOptions {
  /**
   * Attributes of the widget's tag, as a partner would write them (`story`, `layout`,
   * `api`, `campaign`, …). `true` writes a boolean attribute, `false`/`undefined` none.
   */
  attributes?: Record<string, string | number | boolean | null | undefined>;
  /**
   * What the widget renders from instead of asking the API: the story (optionally with
   * its `photo` record), the photo, the wall's page (`{ quotes, lastEventId }`), or the
   * campaign settings for the form.
   */
  snapshot?: unknown;
  /** `en` or `zh-Hans` (any tag; see `matchLocale`). Default `en`. */
  locale?: string;
  /**
   * HTML put inside the tag as it is, not escaped: the no-script fallback a partner
   * writes (a link, an image, a list), shown through the widget's slot.
   */
  content?: string;
}

const NAME = /^[a-z][a-z0-9-]*$/;

/** Escapes text for a double-quoted attribute value or element content. */
export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

function attributeText(attributes: RenderOptions['attributes'], locale: Locale): string {
  // `data-ssr` tells the browser's widget to wait for its declarative shadow root.
  const out: string[] = [`lang="${locale}"`, 'data-ssr'];
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (!NAME.test(name)) throw new TypeError(`Not an attribute name: ${name}`);
    if (
      name === 'lang' ||
      name === 'data-ssr' ||
      value === false ||
      value === null ||
      value === undefined
    )
      continue;
    out.push(value === true ? name : `${name}="${escapeHtml(String(value))}"`);
  }
  return out.join(' ');
}

/**
 * The locale is page-wide in `@lit/localize` (one per process here), and switching it is
 * asynchronous, so renders take turns: each switches to its locale, then renders
 * synchronously, and the next waits. Two renders in different locales never mix.
 */
let turn: Promise<unknown> = Promise.resolve();

async function switchLocale(locale: Locale): Promise<void> {
  if (getLocale() === locale) return;
  // A switch is announced on `window` (`@lit/localize`) and `document` (ours). Where the
  // process has neither (plain Node), each is lent a bare event target for the switch
  // alone and taken away after, so code that tells server from browser by
  // `typeof window` or `typeof document` is not misled.
  const g = globalThis as { window?: unknown; document?: unknown };
  const lent = (['window', 'document'] as const).filter((name) => g[name] === undefined);
  for (const name of lent) g[name] = new EventTarget();
  try {
    await setLocale(locale);
  } finally {
    for (const name of lent) delete g[name];
  }
}

function renderNow(tag: WidgetTag, options: RenderOptions, locale: Locale): string {
  const attrs = attributeText(options.attributes, locale);
  // The tag is one of four known names and every attribute value is escaped above, so
  // both go in as static markup (lit/static-html), which the template linter cannot read.
  const t = unsafeStatic(tag);
  const a = unsafeStatic(attrs);
  const c = unsafeStatic(options.content ?? '');
  const template =
    options.snapshot === undefined
      ? // eslint-disable-next-line lit/binding-positions, lit/no-invalid-html
        html`<${t} ${a}>${c}</${t}>`
      : // eslint-disable-next-line lit/binding-positions, lit/no-invalid-html
        html`<${t} ${a} .snapshot=${options.snapshot}>${c}</${t}>`;
  const out = collectResultSync(render(template));
  if (options.snapshot === undefined) return out;
  // The snapshot goes with the render, for the widget to start from in the browser
  // (`CampaignElement`): a data block, which no Content-Security-Policy runs or blocks,
  // with `<` escaped so no text in it can close the element.
  const data = JSON.stringify(options.snapshot).replace(/</g, '\\u003c');
  const end = out.lastIndexOf('</');
  return `${out.slice(0, end)}<script type="application/json" data-campaign-snapshot data-locale="${locale}">${data}</script>${out.slice(end)}`;
}

/**
 * Renders one widget as HTML (its tag with a Declarative Shadow DOM template inside), in
 * `options.locale`, from `options.snapshot`. The answer is a fragment to put in a page;
 * every value in it is escaped.
 */
export function renderWidget(tag: WidgetTag, options: RenderOptions = {}): Promise<string> {
  if (!Object.hasOwn(SSR_TAGS, tag)) {
    return Promise.reject(new TypeError(`Not a campaign widget: ${String(tag)}`));
  }
  const locale = matchLocale(options.locale ?? 'en');
  const run = turn.then(async () => {
    await switchLocale(locale);
    return renderNow(tag, options, locale);
  });
  turn = run.catch(() => undefined);
  return run;
}
