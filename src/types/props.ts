/**
 * What a page may set on each widget from a framework, by tag: the element's public
 * properties (as props) and its typed events (as `(event) => void` handlers). Shared
 * by the React and Vue declarations.
 */
import type { CampaignPhoto } from '../photo/photo.js';
import type {
  CampaignQuoteWall,
  LiveStatusDetail,
  QuoteReportDetail,
} from '../quote-wall/quote-wall.js';
import type { CampaignStoryTeaser, StoryOpenDetail } from '../story-teaser/story-teaser.js';
import type {
  CampaignSubmissionForm,
  SubmitDetail,
  SubmitErrorDetail,
  SubmittedDetail,
} from '../submission-form/submission-form.js';
import type { CampaignErrorDetail } from '../core/events.js';

type Shared = 'api' | 'campaign';

/** Settable properties of each widget. */
export interface CampaignWidgetProperties {
  'campaign-story-teaser': Pick<
    CampaignStoryTeaser,
    | Shared
    | 'story'
    | 'layout'
    | 'href'
    | 'target'
    | 'headline'
    | 'byline'
    | 'date'
    | 'excerpt'
    | 'photo'
    | 'src'
    | 'srcset'
    | 'alt'
    | 'photographer'
    | 'organization'
  >;
  'campaign-photo': Pick<
    CampaignPhoto,
    | Shared
    | 'photo'
    | 'src'
    | 'srcset'
    | 'sizes'
    | 'width'
    | 'height'
    | 'alt'
    | 'caption'
    | 'photographer'
    | 'organization'
    | 'loading'
    | 'fetchpriority'
    | 'zoomable'
  >;
  'campaign-submission-form': Pick<CampaignSubmissionForm, Shared>;
  'campaign-quote-wall': Pick<
    CampaignQuoteWall,
    Shared | 'layout' | 'maxItems' | 'interval' | 'hideStatus' | 'paused' | 'hideReport'
  >;
}

/** The typed events each widget fires: event name → detail. */
export interface CampaignWidgetEvents {
  'campaign-story-teaser': {
    'campaign-story-open': StoryOpenDetail;
    'campaign-error': CampaignErrorDetail;
  };
  'campaign-photo': { 'campaign-error': CampaignErrorDetail };
  'campaign-submission-form': {
    'campaign-submit': SubmitDetail;
    'campaign-submitted': SubmittedDetail;
    'campaign-submit-error': SubmitErrorDetail;
  };
  'campaign-quote-wall': {
    'campaign-live-status': LiveStatusDetail;
    'campaign-report': QuoteReportDetail;
    'campaign-error': CampaignErrorDetail;
  };
}

export type CampaignWidgetTag = keyof CampaignWidgetProperties;
