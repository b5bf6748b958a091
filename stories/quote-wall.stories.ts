import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { defineElement } from '../src/core/register.js';
import { CampaignQuoteWall, QUOTE_WALL_LAYOUTS } from '../src/quote-wall/quote-wall.js';
import { approve, fakeQuoteApi } from './support/fake-quote-api.js';
import { inLocale } from './support/locale.js';

// The stories run against an in-browser stand-in for the campaign API
// (stories/support/fake-quote-api.ts), so every state shows without a server.
// The preview's bare `import '../src/define.js'` is dropped by the Storybook build
// (package.json "sideEffects" does not list src/), so the tag is defined here too.
defineElement('campaign-quote-wall', CampaignQuoteWall);

interface Args {
  layout: (typeof QUOTE_WALL_LAYOUTS)[number];
  'max-items': number;
  interval: number;
  'hide-status': boolean;
  'hide-report': boolean;
  paused: boolean;
}

const render = (api: string, args: Args, fallback = html``) => html`
  <campaign-quote-wall
    api=${api}
    campaign="spirit-of-chongqing"
    layout=${args.layout}
    max-items=${args['max-items']}
    interval=${args.interval}
    ?hide-status=${args['hide-status']}
    ?hide-report=${args['hide-report']}
    ?paused=${args.paused}
    >${fallback}</campaign-quote-wall
  >
`;

const meta: Meta<Args> = {
  title: 'Widgets/Quote wall',
  component: 'campaign-quote-wall',
  argTypes: {
    layout: { control: 'inline-radio', options: [...QUOTE_WALL_LAYOUTS] },
    'max-items': { control: { type: 'number', min: 1, max: 200 } },
    interval: { control: { type: 'number', min: 1, max: 60 } },
  },
  args: {
    layout: 'grid',
    'max-items': 24,
    interval: 8,
    'hide-status': false,
    'hide-report': false,
    paused: false,
  },
  render: (args) => render(fakeQuoteApi('loaded', 6), args),
};
export default meta;

type Story = StoryObj<Args>;

/** The newest approved quotes, each in its own language, with name (or "Anonymous"), district and time. */
export const Grid: Story = {};

/** One moving line; it stops on hover, focus, pause, and under `prefers-reduced-motion`. */
export const Ticker: Story = { args: { layout: 'ticker' } };

/** One large quote at a time, turning every `interval` seconds. */
export const Spotlight: Story = { args: { layout: 'spotlight', interval: 5 } };

/** A new quote is approved every four seconds and slides in; a polite live region sums them up. */
export const Live: Story = {
  render: (args) => {
    const api = fakeQuoteApi('live', 3);
    const timer = setInterval(() => {
      if (!document.querySelector('campaign-quote-wall')) clearInterval(timer);
      else approve('live');
    }, 4000);
    return render(api, args);
  },
};

/** Paused (or while the reader is inside the wall): arrivals wait behind an "N new quotes" button. */
export const NewQuotesWaiting: Story = {
  args: { paused: true },
  render: (args) => {
    const api = fakeQuoteApi('waiting', 3);
    setTimeout(() => {
      approve('waiting');
      approve('waiting');
    }, 800);
    return render(api, args);
  },
};

/** `max-items` caps the quotes on the page; "Show more" pages through older ones. */
export const ShowMore: Story = {
  args: { 'max-items': 4 },
  render: (args) => render(fakeQuoteApi('many', 30), args),
};

/** No approved quotes yet: the wall says so and fills in live. */
export const Empty: Story = {
  render: (args) => render(fakeQuoteApi('empty', 0), args),
};

/** The first quotes have not arrived: the wall stays empty (no status, no controls) until they do. */
export const Loading: Story = {
  tags: ['renders-nothing'],
  render: (args) => render(fakeQuoteApi('loading', 3, { loading: true }), args),
};

/** The API cannot be reached: the partner's own fallback markup shows. */
export const Offline: Story = {
  render: (args, context) =>
    render(
      fakeQuoteApi('down', 0, { down: true }),
      args,
      html`<p>
        <a href="https://www.ichongqing.info/"
          >${inLocale(context, "Read readers' quotes on iChongqing", '在 iChongqing 阅读读者留言')}</a
        >
      </p>`,
    ),
};

/** The live stream dropped after the first quotes: the status says "Reconnecting…" while the browser retries. */
export const Reconnecting: Story = {
  render: (args) => render(fakeQuoteApi('drops', 6, { drops: true }), args),
};

/** The status indicator hidden (`campaign-live-status` still fires). */
export const StatusHidden: Story = { args: { 'hide-status': true } };
