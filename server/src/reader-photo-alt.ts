/**
 * The text alternative of a reader's photo until staff write one: what is known about
 * it — the reader's district and the start of the words it came with — in the
 * reader's language. Never empty, and never the same sentence for every photo.
 */
import type { Locale } from '../../src/api/wire.js';
import type { CampaignRecord, PhotoRecord, Store, SubmissionRecord } from './store/store.js';
import { districtToWire } from './wire-mapping.js';

/** Characters of the reader's words an alt text quotes, at most. */
export const ALT_WORDS = 60;

/** The first `ALT_WORDS` characters of `text` on one line, cut at a word where there is one. */
export function startOfWords(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  const chars = [...line];
  if (chars.length <= ALT_WORDS) return line;
  const cut = chars.slice(0, ALT_WORDS).join('');
  const space = cut.lastIndexOf(' ');
  // Latin script breaks at a space; Chinese has none and breaks at any character.
  return `${(space > ALT_WORDS / 2 ? cut.slice(0, space) : cut).replace(/[\s,.;:，。；：、]+$/u, '')}…`;
}

/** The alt text of a reader's photo in every locale. */
export function readerPhotoAlt(
  campaign: CampaignRecord,
  submission: Pick<SubmissionRecord, 'message' | 'district'>,
): Record<Locale, string> {
  const words = startOfWords(submission.message);
  const district = (locale: Locale) => districtToWire(campaign, submission.district, locale)?.name;
  const en = district('en');
  const zh = district('zh-Hans');
  return {
    en: en
      ? `Photo a reader from ${en} sent with the words “${words}”`
      : `Photo a reader sent with the words “${words}”`,
    'zh-Hans': zh ? `来自${zh}的读者随留言“${words}”发来的照片` : `读者随留言“${words}”发来的照片`,
  };
}

/**
 * A photo as the public sees it, or null when it is not public: a reader's photo is
 * described by the alt text staff wrote for it, when they did, and until then by its
 * reader's district and the start of their words (`readerPhotoAlt`).
 */
export async function publicPhoto(
  store: Pick<Store, 'getPhoto' | 'getSubmission'>,
  campaign: CampaignRecord,
  id: string,
): Promise<PhotoRecord | null> {
  const photo = await store.getPhoto(campaign.id, id, true);
  if (!photo?.submissionId) return photo;
  const submission = await store.getSubmission(campaign.id, photo.submissionId);
  if (!submission) return photo;
  const alt = submission.photoAlt;
  const known = alt ? undefined : readerPhotoAlt(campaign, submission);
  return {
    ...photo,
    text: {
      en: { ...photo.text.en, alt: alt || known!.en },
      'zh-Hans': { ...photo.text['zh-Hans'], alt: alt || known!['zh-Hans'] },
    },
  };
}
