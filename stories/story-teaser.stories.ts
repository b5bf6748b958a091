import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { defineElement } from '../src/core/register.js';
import { CampaignPhoto } from '../src/photo/photo.js';
import { CampaignStoryTeaser, TEASER_LAYOUTS } from '../src/story-teaser/story-teaser.js';
import { CONTENT_API } from './support/fake-content-api.js';
import { inLocale } from './support/locale.js';

// Against an in-browser stand-in for the campaign API (stories/support/fake-content-api.ts).
defineElement('campaign-photo', CampaignPhoto);
defineElement('campaign-story-teaser', CampaignStoryTeaser);

interface Args {
  layout: (typeof TEASER_LAYOUTS)[number];
  api: string;
  width: string;
}

const teaser = (args: Args, context: Parameters<typeof inLocale>[0]) => html`
  <div style="max-width: ${args.width}">
    <campaign-story-teaser
      api=${args.api}
      campaign="spirit-of-chongqing"
      story="spirit-of-chongqing-city"
      layout=${args.layout}
      ><a href="#spirit-of-chongqing-city"
        >${inLocale(context, 'Spirit of Chongqing City', '重庆城市精神')}</a
      ></campaign-story-teaser
    >
  </div>
`;

const meta: Meta<Args> = {
  title: 'Widgets/Story teaser',
  component: 'campaign-story-teaser',
  args: { layout: 'card', api: CONTENT_API.loaded, width: '22rem' },
  argTypes: { layout: { control: 'inline-radio', options: [...TEASER_LAYOUTS] } },
  render: teaser,
};
export default meta;

type Story = StoryObj<Args>;

/** Card: credited image, headline (the one link), byline and date, excerpt. */
export const Card: Story = {};

/** Image beside the text. */
export const Horizontal: Story = { args: { layout: 'horizontal', width: '40rem' } };

/** Headline and date only, for lists and sidebars. */
export const Compact: Story = { args: { layout: 'compact' } };

/** The API has not answered: a skeleton of the final size, with the partner's link in it. */
export const Loading: Story = { args: { api: CONTENT_API.loading } };

/** The API failed: the partner's link stays, with a short message; `campaign-error` fires. */
export const ErrorWithFallback: Story = { args: { api: CONTENT_API.down } };

/** Without the API: everything from attributes. */
export const AttributesOnly: Story = {
  render: (_args, context) => html`
    <div style="max-width: 22rem">
      <campaign-story-teaser
        href="#a-tour-in-chongqing"
        headline=${inLocale(context, 'A Tour in Chongqing, A Gain in Vision', '游重庆，长见识')}
        byline="iChongqing"
        date="2024-03-24"
        excerpt=${inLocale(
          context,
          'From riverside cable cars to freight trains bound for Europe.',
          '从江上索道到开往欧洲的货运班列。',
        )}
        photo="firewall"
        api=${CONTENT_API.loaded}
        campaign="spirit-of-chongqing"
      ></campaign-story-teaser>
    </div>
  `,
};

/** A partner theme through `--campaign-*` on an ancestor. */
export const PartnerTheme: Story = {
  render: (args, context) => html`
    <div
      style="font-family: Georgia, serif; --campaign-color-surface: #fbf7f0;
        --campaign-color-border: #d9c7a7; --campaign-color-muted: #6b4f2a; --campaign-radius: 2px;
        --campaign-teaser-ratio: 16 / 9"
    >
      ${teaser(args, context)}
    </div>
  `,
};
