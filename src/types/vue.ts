/**
 * Template types for Vue 3 (with `compilerOptions.isCustomElement` accepting the
 * `campaign-` tags). Vue sets a bound value as a property when the element has one,
 * and `@campaign-…` listens for the widget's event:
 *
 *   import 'campaign-widgets/vue';
 *   <campaign-quote-wall :max-items="6" @campaign-live-status="(e) => e.detail.status" />
 *
 * Importing this module (types only) adds the four tags to Vue's `GlobalComponents`.
 */
import type { AllowedComponentProps, DefineComponent, VNodeProps } from 'vue';
import type { CampaignWidgetEvents, CampaignWidgetProperties, CampaignWidgetTag } from './props.js';

/** `campaign-live-status` → `campaignLiveStatus`, as Vue names a listener prop. */
type Camel<S extends string> = S extends `${infer Head}-${infer Tail}`
  ? `${Head}${Capitalize<Camel<Tail>>}`
  : S;

/** Props of one widget in a Vue template: its properties and its event handlers. */
export type CampaignWidgetVueProps<K extends CampaignWidgetTag> = Partial<
  CampaignWidgetProperties[K]
> & {
  [E in keyof CampaignWidgetEvents[K] as `on${Capitalize<Camel<E & string>>}`]?: (
    event: CustomEvent<CampaignWidgetEvents[K][E]>,
  ) => void;
} & AllowedComponentProps &
  VNodeProps;

/** A widget as a Vue component type. */
export type CampaignWidgetComponent<K extends CampaignWidgetTag> = DefineComponent<
  CampaignWidgetVueProps<K>
>;

declare module 'vue' {
  interface GlobalComponents {
    'campaign-story-teaser': CampaignWidgetComponent<'campaign-story-teaser'>;
    'campaign-photo': CampaignWidgetComponent<'campaign-photo'>;
    'campaign-submission-form': CampaignWidgetComponent<'campaign-submission-form'>;
    'campaign-quote-wall': CampaignWidgetComponent<'campaign-quote-wall'>;
  }
}
