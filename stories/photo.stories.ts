import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { defineElement } from '../src/core/register.js';
import { CampaignPhoto } from '../src/photo/photo.js';
import { CONTENT_API } from './support/fake-content-api.js';
import { inLocale } from './support/locale.js';

// Against an in-browser stand-in for the campaign API (stories/support/fake-content-api.ts).
// The preview's bare define import is dropped by the Storybook build, so define here too.
defineElement('campaign-photo', CampaignPhoto);

interface Args {
  photo: string;
  api: string;
  zoomable: boolean;
  loading: 'lazy' | 'eager';
}

const fallback = (alt: string) =>
  html`<img
    src="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 10'%3E%3Crect width='16' height='10' fill='%23c8d1db'/%3E%3C/svg%3E"
    width="1600"
    height="1000"
    alt=${alt}
  />`;

const meta: Meta<Args> = {
  title: 'Widgets/Photo',
  component: 'campaign-photo',
  args: { photo: 'grand-theater-night', api: CONTENT_API.loaded, zoomable: false, loading: 'lazy' },
  argTypes: { loading: { control: 'inline-radio', options: ['lazy', 'eager'] } },
  render: (args, context) => html`
    <div style="max-width: 40rem">
      <campaign-photo
        api=${args.api}
        campaign="spirit-of-chongqing"
        photo=${args.photo}
        width="1600"
        height="1000"
        loading=${args.loading}
        ?zoomable=${args.zoomable}
        >${fallback(inLocale(context, 'Chongqing Grand Theater at night', '夜色中的重庆大剧院'))}</campaign-photo
      >
    </div>
  `,
};
export default meta;

type Story = StoryObj<Args>;

/** From the API: image, caption and the credit "Photo/Long Fan from Visual Chongqing". */
export const Loaded: Story = {};

/** The API has not answered: the box is reserved and shows the partner's fallback image. */
export const Loading: Story = { args: { api: CONTENT_API.loading } };

/** The API failed (503): the partner's slotted image stays, and `campaign-error` fires. */
export const ErrorWithFallback: Story = { args: { api: CONTENT_API.down } };

/** No API at all: everything from attributes, credit without an organization. */
export const AttributesOnly: Story = {
  render: (_args, context) => html`
    <div style="max-width: 32rem">
      <campaign-photo
        src="data:image/jpeg;base64,AAAA"
        width="4"
        height="3"
        alt=${inLocale(context, 'A freight train leaving Tuanjie Village', '从团结村出发的货运班列')}
        caption=${inLocale(
          context,
          'A freight train sets off from Tuanjie Village. (Its image fails on purpose: the box, caption and credit stay.)',
          '一列货运班列从团结村出发。（图片故意加载失败：图框、图片说明和署名仍保留。）',
        )}
        photographer="Zhang Jinhui"
      ></campaign-photo>
    </div>
  `,
};

/** `zoomable`: the button in the corner opens the photo in a dialog; Escape or Close shuts it. */
export const Zoomable: Story = { args: { zoomable: true } };

/** Opened: the enlarged photo with caption and credit. */
export const Zoomed: Story = {
  args: { zoomable: true },
  play: async ({ canvasElement }) => {
    const el = canvasElement.querySelector('campaign-photo')!;
    await el.updateComplete;
    const zoom = () => el.shadowRoot!.querySelector<HTMLButtonElement>('.zoom');
    for (let i = 0; i < 50 && !zoom(); i++) await new Promise((r) => setTimeout(r, 20));
    zoom()?.click();
  },
};

/** A partner theme: its own font, colours and square corners through `--campaign-*`. */
export const PartnerTheme: Story = {
  render: (args) => html`
    <div
      style="max-width: 40rem; padding: 1rem; background: #fbf7f0; font-family: Georgia, serif;
        --campaign-color-muted: #6b4f2a; --campaign-color-placeholder: #efe6d8; --campaign-radius: 0"
    >
      <campaign-photo
        api=${args.api}
        campaign="spirit-of-chongqing"
        photo="firewall"
        width="1600"
        height="1000"
      ></campaign-photo>
    </div>
  `,
};
