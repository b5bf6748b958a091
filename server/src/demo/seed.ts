import { randomUUID } from 'node:crypto';
import { processPhoto } from '../images.js';
import type { Store } from '../store/store.js';
import {
  DEMO_CAMPAIGN,
  DEMO_CAMPAIGN_ID,
  DEMO_PHOTOS,
  DEMO_QUOTES,
  DEMO_STORIES,
} from './content.js';
import { renderIllustration } from './illustrations.js';

/** Where the demo's submissions came from: two partner pages, and none known. */
const DEMO_ORIGINS = ['https://partner.example', null, 'https://news.partner.example'];

/**
 * Creates and fills the demo campaign unless it exists. Returns whether it seeded.
 * Quotes go through the same path as a reader's: submitted, then approved by staff.
 */
export async function seedDemo(
  store: Store,
  options: { force?: boolean; now?: number } = {},
): Promise<boolean> {
  if (!options.force && (await store.getCampaign(DEMO_CAMPAIGN_ID))) return false;
  // The quotes' times count back from this first start and are stored with them, so
  // the wall looks alive on a fresh demo and a restart (which seeds nothing) keeps them.
  const seededAt = options.now ?? Date.now();
  await store.putCampaign(DEMO_CAMPAIGN);
  for (const story of DEMO_STORIES) await store.putStory(story);
  for (const photo of DEMO_PHOTOS) {
    const processed = await processPhoto(await renderIllustration(photo.id), {
      maxPixels: 40_000_000,
      allowedTypes: ['image/png'],
    });
    await store.putPhoto({
      record: {
        campaignId: DEMO_CAMPAIGN_ID,
        id: photo.id,
        submissionId: null,
        width: processed.width,
        height: processed.height,
        widths: processed.widths,
        text: photo.text,
      },
      files: processed.files,
    });
  }
  for (const [index, quote] of DEMO_QUOTES.entries()) {
    const approvedAt = seededAt - quote.approvedMinutesAgo * 60_000;
    const id = randomUUID();
    await store.createSubmission({
      submission: {
        id,
        campaignId: DEMO_CAMPAIGN_ID,
        message: quote.message,
        displayName: quote.displayName,
        anonymous: quote.displayName === null,
        district: quote.district,
        email: null,
        locale: quote.locale,
        publishPermission: true,
        consentVersion: DEMO_CAMPAIGN.consentVersion,
        receivedAt: approvedAt - 3_600_000,
        // Sent from a partner's page, or from no page the browser named.
        origin: DEMO_ORIGINS[index % DEMO_ORIGINS.length],
      },
      photo: null,
      idempotencyKey: `demo-seed-${index}`,
      bodyHash: `demo-seed-${index}`,
    });
    await store.transition(DEMO_CAMPAIGN_ID, id, 'approve', approvedAt);
  }
  return true;
}
