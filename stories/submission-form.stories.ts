import type { Meta, StoryContext, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { defineElement } from '../src/core/register.js';
import {
  CampaignSubmissionForm,
  SUBMISSION_FORM_STATES,
} from '../src/submission-form/submission-form.js';
import { fakeSubmissionApi } from './support/fake-submission-api.js';
import { inLocale } from './support/locale.js';

// The stories run against an in-browser stand-in for the campaign API
// (stories/support/fake-submission-api.ts). Drafts are kept in this browser's IndexedDB
// per scenario, as on a partner's page: what you type in one story comes back next time.
defineElement('campaign-submission-form', CampaignSubmissionForm);

interface Args {
  scenario: string;
}

type Root = HTMLElement & { shadowRoot: ShadowRoot };
const form = (canvas: HTMLElement) =>
  canvas.querySelector('campaign-submission-form') as CampaignSubmissionForm & Root;

async function ready(canvas: HTMLElement): Promise<CampaignSubmissionForm & Root> {
  const el = form(canvas);
  for (let i = 0; i < 100 && !el.shadowRoot?.querySelector('option[value=yuzhong]'); i++) {
    if (el.state === 'closed') break;
    await new Promise((r) => setTimeout(r, 20));
  }
  return el;
}

function fill(el: Root, id: string, value: string | boolean) {
  const input = el.shadowRoot.querySelector<HTMLInputElement>(`#${id}`)!;
  if (typeof value === 'boolean') input.checked = value;
  else input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
}

/** Waits (up to 10 s) until `done` holds, so a story ends in the state it shows. */
async function until(el: CampaignSubmissionForm & Root, done: () => boolean) {
  for (let i = 0; i < 500 && !done(); i++) await new Promise((r) => setTimeout(r, 20));
  await el.updateComplete;
}

/** The answer came back and the form shows its problems again. */
const showsErrors = (el: CampaignSubmissionForm & Root) => () =>
  el.state === 'idle' && !!el.shadowRoot.querySelector('#summary');

/** Fills the form as a reader of the story's language would, and sends it. */
async function fillAndSend(canvas: HTMLElement, context: Pick<StoryContext, 'globals'>) {
  const el = await ready(canvas);
  fill(
    el,
    'message',
    inLocale(
      context,
      'Hot pot, steep stairs and neighbours who help: that is the spirit of this city.',
      '火锅、陡峭的石梯，还有随时搭把手的邻居：这就是这座城市的精神。',
    ),
  );
  fill(el, 'displayName', inLocale(context, 'Chen Jing', '陈静'));
  fill(el, 'district', 'yuzhong');
  fill(el, 'consentGiven', true);
  fill(el, 'publishPermission', true);
  el.shadowRoot.querySelector<HTMLButtonElement>('#send')!.click();
}

const meta: Meta<Args> = {
  title: 'Widgets/Submission form',
  component: 'campaign-submission-form',
  argTypes: {
    scenario: {
      control: 'select',
      options: ['open', 'slow', 'offline', 'busy', 'invalid', 'closed'],
    },
  },
  args: { scenario: 'open' },
  render: ({ scenario }, context) => html`
    <campaign-submission-form api=${fakeSubmissionApi(scenario)} campaign="spirit-of-chongqing">
      <h2>
        ${inLocale(
          context,
          'Tell us about the spirit of Chongqing City in your heart',
          '说说你心中的“重庆城市精神”',
        )}
      </h2>
    </campaign-submission-form>
  `,
  parameters: {
    docs: {
      description: {
        component: `States: ${SUBMISSION_FORM_STATES.join(', ')} (the \`state\` attribute).`,
      },
    },
  },
};
export default meta;

type Story = StoryObj<Args>;

/** Ready for the reader: fields from the campaign's settings, nothing sent yet. */
export const Idle: Story = {};

/** Without an API: the fields render at once from built-in defaults. */
export const Defaults: Story = {
  render: () => html`<campaign-submission-form></campaign-submission-form>`,
};

/** Send pressed with nothing filled in: the error summary takes focus and links to each field. */
export const Errors: Story = {
  play: async ({ canvasElement }) => {
    const el = await ready(canvasElement);
    el.shadowRoot.querySelector<HTMLButtonElement>('#send')!.click();
    await until(el, showsErrors(el));
  },
};

/** Sending: the button is switched off and the upload's progress shows. */
export const Sending: Story = {
  args: { scenario: 'slow' },
  play: async ({ canvasElement, globals }) => {
    await fillAndSend(canvasElement, { globals });
    const el = form(canvasElement);
    await until(el, () => el.state === 'sending');
  },
};

/** Accepted: a thank-you in a status region, and a way to send another. */
export const Sent: Story = {
  play: async ({ canvasElement, globals }) => {
    await fillAndSend(canvasElement, { globals });
    const el = form(canvasElement);
    await until(el, () => el.state === 'sent');
  },
};

/** The network failed: the draft stays on the device and the form keeps trying. */
export const Retrying: Story = {
  args: { scenario: 'offline' },
  play: async ({ canvasElement, globals }) => {
    await fillAndSend(canvasElement, { globals });
    const el = form(canvasElement);
    await until(el, () => el.state === 'retrying');
  },
};

/** Too many attempts: the server says when to try again. */
export const RateLimited: Story = {
  args: { scenario: 'busy' },
  play: async ({ canvasElement, globals }) => {
    await fillAndSend(canvasElement, { globals });
    const el = form(canvasElement);
    await until(el, showsErrors(el));
  },
};

/** The server refused fields the form could not check itself: each error at its field. */
export const ServerErrors: Story = {
  args: { scenario: 'invalid' },
  play: async ({ canvasElement, globals }) => {
    await fillAndSend(canvasElement, { globals });
    const el = form(canvasElement);
    await until(el, showsErrors(el));
  },
};

/** The campaign is closed: a notice instead of the form. */
export const Closed: Story = { args: { scenario: 'closed' } };
