import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import '../support/all-widgets.js';
import { CONTENT_API } from '../support/fake-content-api.js';
import { fakeQuoteApi } from '../support/fake-quote-api.js';
import { fakeSubmissionApi } from '../support/fake-submission-api.js';
import { inLocale } from '../support/locale.js';

// One partner theme for all four widgets: `--campaign-*` custom properties set once on
// a wrapper (the page's `body` would do the same), plus a few `::part` rules.
const THEME_CSS = `
.partner-theme {
  --campaign-font-family: Georgia, 'Times New Roman', serif;
  --campaign-color-text: #2b2118;
  --campaign-color-muted: #6b4f2a;
  --campaign-color-surface: #fffdf8;
  --campaign-color-border: #d9c7a7;
  --campaign-color-accent: #8a1c1c;
  --campaign-color-on-accent: #ffffff;
  --campaign-color-danger: #a4161a;
  --campaign-color-placeholder: #efe6d8;
  --campaign-radius: 2px;
  --campaign-space: 1.1rem;
  display: grid;
  gap: 2rem;
  max-width: 44rem;
  padding: 1.5rem;
  background: #fbf7f0;
  color: #2b2118;
  font-family: Georgia, 'Times New Roman', serif;
}
.partner-theme h2 { margin: 0; font-size: 1.4rem; }
.partner-theme campaign-photo::part(credit) { font-style: italic; }
.partner-theme campaign-story-teaser::part(headline) { font-size: 1.3rem; }
.partner-theme campaign-quote-wall::part(quote) { border-inline-start: 4px solid #8a1c1c; }
.partner-theme campaign-submission-form::part(button) {
  text-transform: uppercase;
  letter-spacing: 0.06em;
}
`;

const meta: Meta = {
  title: 'Guides/Theming',
  parameters: {
    docs: {
      description: {
        component: `Every widget reads the same \`--campaign-*\` custom properties, set on any
ancestor (a wrapper here; \`body\` themes the whole page), and exposes a few
\`::part\`s for structure. The stylesheet of this story:

\`\`\`css${THEME_CSS}\`\`\``,
      },
    },
  },
};
export default meta;

/** A newspaper theme: serif type, warm paper colours, a dark red accent, square corners. */
export const PartnerTheme: StoryObj = {
  render: (_args, context) => html`
    ${unsafeHTML(`<style>${THEME_CSS}</style>`)}
    <div class="partner-theme">
      <campaign-story-teaser
        api=${CONTENT_API.loaded}
        campaign="spirit-of-chongqing"
        story="spirit-of-chongqing-city"
        layout="horizontal"
        ><a href="#spirit-of-chongqing-city"
          >${inLocale(context, 'Spirit of Chongqing City', '重庆城市精神')}</a
        ></campaign-story-teaser
      >
      <campaign-photo
        api=${CONTENT_API.loaded}
        campaign="spirit-of-chongqing"
        photo="firewall"
        width="1600"
        height="1000"
        zoomable
      ></campaign-photo>
      <campaign-submission-form api=${fakeSubmissionApi('open')} campaign="spirit-of-chongqing">
        <h2>
          ${inLocale(
            context,
            'Tell us about the spirit of Chongqing City in your heart',
            '说说你心中的“重庆城市精神”',
          )}
        </h2>
      </campaign-submission-form>
      <campaign-quote-wall
        api=${fakeQuoteApi('theme', 4)}
        campaign="spirit-of-chongqing"
      ></campaign-quote-wall>
    </div>
  `,
};
