import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import '../support/all-widgets.js';
import { CONTENT_API } from '../support/fake-content-api.js';
import { fakeQuoteApi } from '../support/fake-quote-api.js';
import { fakeSubmissionApi } from '../support/fake-submission-api.js';
import { inLocale } from '../support/locale.js';

// The four widgets in a partner's article, as the snippet on the "Embed on your page"
// page puts them. On a real page one `data-api` on the script tag serves all four;
// here each widget names the in-browser stand-in API it uses.
const meta: Meta = {
  title: 'Guides/Embed on your page',
  tags: ['!autodocs'],
};
export default meta;

/** A partner article with a teaser, a credited photo, the call to readers and the wall. */
export const PartnerArticle: StoryObj = {
  render: (_args, context) => html`
    <article
      style="max-width: 42rem; display: grid; gap: 1.5rem; font-family: system-ui, sans-serif"
    >
      <h1 style="margin: 0; font-size: 1.8rem">
        ${inLocale(
          context,
          "Cultivating the Essence to Refine the 'Spirit of Chongqing City'",
          '涵养城市精髓 提炼“重庆城市精神”',
        )}
      </h1>
      <campaign-photo
        api=${CONTENT_API.loaded}
        campaign="spirit-of-chongqing"
        photo="grand-theater-night"
        width="1600"
        height="1000"
      ></campaign-photo>
      <p style="margin: 0">
        ${inLocale(
          context,
          'Old lanes and new towers share the same riverbanks. What holds the city together?',
          '老街巷与新高楼共享同一片江岸。是什么把这座城市凝聚在一起？',
        )}
      </p>
      <campaign-submission-form api=${fakeSubmissionApi('open')} campaign="spirit-of-chongqing">
        <h2 style="margin: 0">
          ${inLocale(
            context,
            'Tell us about the spirit of Chongqing City in your heart',
            '说说你心中的“重庆城市精神”',
          )}
        </h2>
      </campaign-submission-form>
      <section>
        <h2>${inLocale(context, 'What readers say', '读者心声')}</h2>
        <campaign-quote-wall
          api=${fakeQuoteApi('embed', 6)}
          campaign="spirit-of-chongqing"
          max-items="4"
        ></campaign-quote-wall>
      </section>
      <campaign-story-teaser
        api=${CONTENT_API.loaded}
        campaign="spirit-of-chongqing"
        story="spirit-of-chongqing-city"
        layout="horizontal"
        ><a href="#spirit-of-chongqing-city"
          >${inLocale(context, 'Spirit of Chongqing City', '重庆城市精神')}</a
        ></campaign-story-teaser
      >
    </article>
  `,
};
