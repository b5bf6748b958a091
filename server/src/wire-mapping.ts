/** From store records to the wire types, in one locale, with absolute URLs. */
import { safetyOf } from './safety/settings.js';
import type {
  Campaign,
  District,
  Locale,
  Photo,
  Quote,
  StaffSubmission,
  Story,
} from '../../src/api/wire.js';
import { LOCALES } from '../../src/api/wire.js';
import type {
  CampaignRecord,
  PhotoRecord,
  QuoteRecord,
  StoryRecord,
  SubmissionRecord,
} from './store/store.js';

/** The campaign's locale nearest to a requested tag, else its default. */
export function resolveLocale(requested: string | undefined, campaign: CampaignRecord): Locale {
  const pick = (locale: Locale) =>
    campaign.locales.includes(locale) ? locale : campaign.defaultLocale;
  if (!requested) return campaign.defaultLocale;
  const exact = LOCALES.find((locale) => locale.toLowerCase() === requested.toLowerCase());
  if (exact) return pick(exact);
  const tag = requested.toLowerCase();
  if (tag === 'zh' || tag.startsWith('zh-hans') || tag === 'zh-cn' || tag === 'zh-sg') {
    return pick('zh-Hans');
  }
  if (tag === 'en' || tag.startsWith('en-')) return pick('en');
  return campaign.defaultLocale;
}

export const absolute = (url: string, base: string) => new URL(url, `${base}/`).href;

export const iso = (ms: number) => new Date(ms).toISOString();

export function isOpen(campaign: CampaignRecord, now: number): boolean {
  return campaign.status === 'open' && (campaign.closesAt === null || campaign.closesAt > now);
}

export function campaignToWire(
  campaign: CampaignRecord,
  locale: Locale,
  base: string,
  now: number,
): Campaign {
  const text = campaign.text[locale] ?? campaign.text[campaign.defaultLocale];
  const safety = safetyOf(campaign);
  return {
    id: campaign.id,
    locale,
    defaultLocale: campaign.defaultLocale,
    locales: campaign.locales,
    title: text.title,
    summary: text.summary,
    status: isOpen(campaign, now) ? 'open' : 'closed',
    closesAt: campaign.closesAt === null ? null : iso(campaign.closesAt),
    privacyPolicyUrl: absolute(campaign.privacyPolicyUrl, base),
    consent: { version: campaign.consentVersion, text: text.consentText },
    limits: campaign.limits,
    districts: campaign.districts.map((district) => ({
      id: district.id,
      name: district.names[locale] ?? district.names[campaign.defaultLocale],
    })),
    reportContact: safety.reportContact
      ? {
          kind: safety.reportContact.kind,
          value: safety.reportContact.value,
          label: safety.reportContact.label[locale] ?? safety.reportContact.label.en,
        }
      : null,
    reportsOptional: safety.reportsOptional,
  };
}

export function districtToWire(
  campaign: CampaignRecord,
  id: string | null,
  locale: Locale,
): District | null {
  if (id === null) return null;
  const district = campaign.districts.find((candidate) => candidate.id === id);
  if (!district) return { id, name: id };
  return { id, name: district.names[locale] ?? district.names[campaign.defaultLocale] };
}

export function storyToWire(story: StoryRecord, locale: Locale, base: string): Story {
  const text = story.text[locale];
  return {
    id: story.id,
    locale,
    headline: text.headline,
    byline: story.byline,
    publishedAt: iso(story.publishedAt),
    excerpt: text.excerpt,
    url: absolute(story.url, base),
    photoId: story.photoId,
  };
}

export const photoFileUrl = (base: string, campaignId: string, photoId: string, width: number) =>
  `${base}/v1/campaigns/${encodeURIComponent(campaignId)}/photos/${encodeURIComponent(photoId)}/${width}.jpg`;

export function photoToWire(photo: PhotoRecord, locale: Locale, base: string): Photo {
  const text = photo.text[locale];
  const srcset = photo.widths.map((width) => ({
    src: photoFileUrl(base, photo.campaignId, photo.id, width),
    width,
  }));
  const middle = srcset.find((source) => source.width >= 640) ?? srcset[srcset.length - 1];
  return {
    id: photo.id,
    locale,
    src: middle.src,
    srcset,
    width: photo.width,
    height: photo.height,
    alt: text.alt,
    caption: text.caption,
    credit: { photographer: text.photographer, organization: text.organization },
    license: text.license,
  };
}

export function quoteToWire(campaign: CampaignRecord, quote: QuoteRecord, locale: Locale): Quote {
  return {
    id: quote.id,
    text: quote.text,
    displayName: quote.displayName,
    district: districtToWire(campaign, quote.districtId, locale),
    locale: quote.locale,
    approvedAt: iso(quote.approvedAt),
    photoId: quote.photoId,
    ...(quote.featured ? { featured: true } : {}),
  };
}

export function staffSubmissionToWire(
  campaign: CampaignRecord,
  submission: SubmissionRecord,
  locale: Locale,
): StaffSubmission {
  return {
    id: submission.id,
    status: submission.status,
    message: submission.message,
    displayName: submission.displayName,
    anonymous: submission.anonymous,
    district: districtToWire(campaign, submission.district, locale),
    email: submission.email,
    locale: submission.locale,
    publishPermission: submission.publishPermission,
    consentVersion: submission.consentVersion,
    receivedAt: iso(submission.receivedAt),
    decidedAt: submission.decidedAt === null ? null : iso(submission.decidedAt),
    photoId: submission.photoId,
  };
}

/** The locale an `Accept-Language` tag asks for, when it is one the widgets speak. */
function localeOfTag(tag: string): Locale | undefined {
  const lower = tag.toLowerCase();
  if (lower === 'en' || lower.startsWith('en-')) return 'en';
  if (lower === 'zh' || lower === 'zh-cn' || lower === 'zh-sg') return 'zh-Hans';
  if (lower === 'zh-hans' || lower.startsWith('zh-hans-')) return 'zh-Hans';
  return undefined;
}

/** The reader's most preferred language (by `q`, then order) the campaign has, else its default. */
export function acceptedLocale(header: string | undefined, campaign: CampaignRecord): Locale {
  const tags = (header ?? '')
    .slice(0, 500)
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find(Boolean);
      return { locale: localeOfTag(tag.trim()), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((entry) => entry.locale && entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { locale } of tags) if (campaign.locales.includes(locale!)) return locale!;
  return campaign.defaultLocale;
}
