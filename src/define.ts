/**
 * Registers every widget's tag. Import this module (or load the single script) once;
 * importing it again, or alongside another copy of the library, never throws.
 */
import { defineElement } from './core/register.js';
import { watchPageLocale } from './i18n/locale.js';
import { CampaignPhoto } from './photo/photo.js';
import { CampaignQuoteWall } from './quote-wall/quote-wall.js';
import { CampaignStoryTeaser } from './story-teaser/story-teaser.js';
import { CampaignSubmissionForm } from './submission-form/submission-form.js';

export const TAGS = {
  'campaign-story-teaser': CampaignStoryTeaser,
  'campaign-photo': CampaignPhoto,
  'campaign-submission-form': CampaignSubmissionForm,
  'campaign-quote-wall': CampaignQuoteWall,
} as const;

// Pick the page's language before the first widget renders.
watchPageLocale();

for (const [tag, ctor] of Object.entries(TAGS)) defineElement(tag, ctor);

export * from './index.js';
