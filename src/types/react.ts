/**
 * JSX types for React 19, which passes props to custom elements as properties and
 * `on<event-name>` props as event listeners:
 *
 *   import 'campaign-widgets/react';
 *   <campaign-quote-wall maxItems={6} oncampaign-live-status={(e) => e.detail.status} />
 *
 * Importing this module (types only) adds the four tags to `JSX.IntrinsicElements`.
 */
import type { DetailedHTMLProps, HTMLAttributes } from 'react';
import type { CampaignWidgetEvents, CampaignWidgetProperties, CampaignWidgetTag } from './props.js';

/** Props of one widget in JSX: HTML attributes, its properties and its event handlers. */
export type CampaignWidgetJsxProps<K extends CampaignWidgetTag> = DetailedHTMLProps<
  HTMLAttributes<HTMLElementTagNameMap[K]>,
  HTMLElementTagNameMap[K]
> &
  Partial<CampaignWidgetProperties[K]> & {
    [E in keyof CampaignWidgetEvents[K] as `on${E & string}`]?: (
      event: CustomEvent<CampaignWidgetEvents[K][E]>,
    ) => void;
  } & { class?: string };

declare module 'react' {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace JSX {
    interface IntrinsicElements {
      'campaign-story-teaser': CampaignWidgetJsxProps<'campaign-story-teaser'>;
      'campaign-photo': CampaignWidgetJsxProps<'campaign-photo'>;
      'campaign-submission-form': CampaignWidgetJsxProps<'campaign-submission-form'>;
      'campaign-quote-wall': CampaignWidgetJsxProps<'campaign-quote-wall'>;
    }
  }
}
