// Registers the four widgets for stories that show them together. (The preview's bare
// `import '../src/define.js'` is dropped by the Storybook build, so stories define
// the tags they use themselves.)
import { defineElement } from '../../src/core/register.js';
import { CampaignPhoto } from '../../src/photo/photo.js';
import { CampaignQuoteWall } from '../../src/quote-wall/quote-wall.js';
import { CampaignStoryTeaser } from '../../src/story-teaser/story-teaser.js';
import { CampaignSubmissionForm } from '../../src/submission-form/submission-form.js';

defineElement('campaign-story-teaser', CampaignStoryTeaser);
defineElement('campaign-photo', CampaignPhoto);
defineElement('campaign-submission-form', CampaignSubmissionForm);
defineElement('campaign-quote-wall', CampaignQuoteWall);
