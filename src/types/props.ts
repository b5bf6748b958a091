/**
 * What a page may set on each widget from a framework, by tag: the element's public
 * properties (as props) and its typed events (as `(event) => void` handlers). Shared
 * by the React and Vue declarations. Generated from custom-elements.json
 * (src/generated/widget-types.ts, `npm run manifest`); two differences stay here, so
 * partners' code that compiled before still does.
 */
import type { CampaignErrorDetail } from '../core/events.js';
import type {
  CampaignWidgetEvents as GeneratedEvents,
  CampaignWidgetProperties as GeneratedProperties,
} from '../generated/widget-types.js';

/** Settable properties of each widget. */
export type CampaignWidgetProperties = Omit<GeneratedProperties, 'campaign-submission-form'> & {
  /** The form's `state` is reflected for styling; the form sets it, a page does not. */
  'campaign-submission-form': Omit<GeneratedProperties['campaign-submission-form'], 'state'>;
};

/** The typed events each widget fires: event name → detail. */
export type CampaignWidgetEvents = Omit<GeneratedEvents, 'campaign-quote-wall'> & {
  /** The wall fires no `campaign-error`; its handler prop was typed before and stays. */
  'campaign-quote-wall': GeneratedEvents['campaign-quote-wall'] & {
    'campaign-error': CampaignErrorDetail;
  };
};

export type CampaignWidgetTag = keyof CampaignWidgetProperties;
