/**
 * Structured data (schema.org JSON-LD) for what the campaign publishes: a photo as an
 * `ImageObject` with the fields image search shows as its credit, and a reader's quote
 * as a `Quotation`. Pure functions of the store's records: the public pages and the
 * server-rendered widgets call the same ones, so the credits travel the same way from
 * every page that carries them.
 *
 * Why `Quotation` and not `Comment`: a quote is the newsroom's pick of a reader's words,
 * approved and published on its own with its author, not a reply in a thread. `Comment`
 * is read by search engines as part of a discussion (`parentItem`, a forum posting); the
 * wall has no thread and no replies, so `Quotation` says what it is.
 *
 * Only what the campaign publishes goes in: the name the reader chose to show (or "A
 * reader"), their district, their words and the date they were published. Never an
 * email, a receipt, an address or anything else a submission keeps.
 */
import type { Locale } from '../../src/api/wire.js';
import type { CampaignRecord, PhotoRecord, PhotoText, QuoteRecord } from './store/store.js';
import { districtToWire, iso } from './wire-mapping.js';

/** A JSON-LD object (the `@context` only on the outermost one). */
export type JsonLd = { [key: string]: JsonLdValue };
type JsonLdValue = string | number | boolean | null | JsonLd | JsonLdValue[];

const CONTEXT = 'https://schema.org';

/** The credit line as pages print it: "Photo/Long Fan from Visual Chongqing", "图/Long Fan，视觉重庆". */
export function creditLine(text: Pick<PhotoText, 'photographer' | 'organization'>, locale: Locale) {
  const by = `${locale === 'en' ? 'Photo' : '图'}/${text.photographer}`;
  if (!text.organization) return by;
  return `${by}${locale === 'en' ? ' from ' : '，'}${text.organization}`;
}

/** The reader as the wall names them: their chosen name, or "A reader". */
export function quoteAuthorName(quote: Pick<QuoteRecord, 'displayName'>, locale: Locale): string {
  return quote.displayName ?? (locale === 'en' ? 'A reader' : '一位读者');
}

const isHttpUrl = (value: string) => /^https?:\/\//i.test(value);

/**
 * schema.org's `license` is a URL or a `CreativeWork`: a record whose license is a
 * sentence (the demo's are) names it as a work, a URL stays a URL.
 */
function licenseOf(license: string): JsonLdValue {
  return isHttpUrl(license) ? license : { '@type': 'CreativeWork', name: license };
}

export interface PhotoLdOptions {
  /** The photo's public page (`@id` and `url`). */
  pageUrl: string;
  /** The image file search engines should index (the largest stored width). */
  contentUrl: string;
  /** When the photo was first published (epoch ms), e.g. the date of the story it runs in. */
  publishedAt?: number | null;
  /**
   * The notice to show as the photo's copyright. The records keep no separate notice,
   * so it defaults to the credit line the newsroom prints beside the photo.
   */
  copyrightNotice?: string;
  /** A page where a license can be asked for, when the campaign has one. */
  acquireLicensePage?: string | null;
}

/** A photo as `ImageObject`, in one locale. */
export function photoStructuredData(
  photo: PhotoRecord,
  locale: Locale,
  options: PhotoLdOptions,
): JsonLd {
  const text = photo.text[locale];
  const credit = creditLine(text, locale);
  const creator: JsonLd = { '@type': 'Person', name: text.photographer };
  if (text.organization) creator.affiliation = { '@type': 'Organization', name: text.organization };
  const data: JsonLd = {
    '@context': CONTEXT,
    '@type': 'ImageObject',
    '@id': options.pageUrl,
    url: options.pageUrl,
    contentUrl: options.contentUrl,
    width: photo.width,
    height: photo.height,
    inLanguage: locale,
    name: text.caption,
    caption: text.caption,
    description: text.alt,
    creditText: credit,
    creator,
    copyrightNotice: options.copyrightNotice ?? credit,
  };
  if (text.license) data.license = licenseOf(text.license);
  if (options.acquireLicensePage) data.acquireLicensePage = options.acquireLicensePage;
  if (options.publishedAt != null) data.datePublished = iso(options.publishedAt);
  return data;
}

export interface QuoteLdOptions {
  /** The quote's public page (`@id` and `url`). */
  pageUrl: string;
  /** Where the campaign itself is read (its lead story), if anywhere. */
  campaignUrl?: string | null;
}

/** A published quote as `Quotation`, its words in the reader's language, names in `locale`. */
export function quoteStructuredData(
  campaign: CampaignRecord,
  quote: QuoteRecord,
  locale: Locale,
  options: QuoteLdOptions,
): JsonLd {
  const author: JsonLd = { '@type': 'Person', name: quoteAuthorName(quote, locale) };
  const district = districtToWire(campaign, quote.districtId, locale);
  if (district) author.homeLocation = { '@type': 'Place', name: district.name };
  const title = (campaign.text[locale] ?? campaign.text[campaign.defaultLocale]).title;
  const isPartOf: JsonLd = { '@type': 'CreativeWork', name: title };
  if (options.campaignUrl) isPartOf.url = options.campaignUrl;
  return {
    '@context': CONTEXT,
    '@type': 'Quotation',
    '@id': options.pageUrl,
    url: options.pageUrl,
    text: quote.text,
    inLanguage: quote.locale,
    author,
    dateCreated: iso(quote.approvedAt),
    datePublished: iso(quote.approvedAt),
    isPartOf,
  };
}

/**
 * JSON for inside an HTML `<script>`: `<`, `>` and `&` as `\u003c`, `\u003e`, `\u0026`
 * (so no text can close the script or open a comment), and U+2028/U+2029 escaped too.
 * `JSON.parse` of the script's text gives back exactly the object.
 */
export function jsonForScript(data: unknown): string {
  return JSON.stringify(data)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** A `<script type="application/ld+json">` element holding `data`, safe to put in any page. */
export function jsonLdScript(data: JsonLd | JsonLd[]): string {
  return `<script type="application/ld+json">${jsonForScript(data)}</script>`;
}
