import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../src/define.js';
import { CampaignApiClient, apiRoot } from '../src/api/client.js';
import { CampaignElement } from '../src/base/campaign-element.js';
import { defineElement } from '../src/core/register.js';
import type { CampaignStoryTeaser } from '../src/story-teaser/story-teaser.js';
import { CAMPAIGN, apiUrl } from './support/content.js';

class ApiRootProbe extends CampaignElement {}
defineElement('cw-api-root-probe', ApiRootProbe);

// A partner may write the API's root with or without the `/v1` its paths start with.
const FORMS = ['', '/', '/v1', '/v1/'];

describe('the api attribute, with or without /v1', () => {
  it('names the same API root in each form', () => {
    for (const form of FORMS) {
      const c = new CampaignApiClient(`https://api.example.org${form}`, 'spirit-of-chongqing');
      expect(c.base, form).to.equal('https://api.example.org');
      expect(c.url('/quotes'), form).to.equal(
        'https://api.example.org/v1/campaigns/spirit-of-chongqing/quotes',
      );
      expect(c.quoteStreamUrl(7), form).to.equal(
        'https://api.example.org/v1/campaigns/spirit-of-chongqing/quotes/stream?lastEventId=7',
      );
    }
  });

  it('keeps a path in front of /v1, and a host or path merely ending in v1', () => {
    expect(apiRoot('https://example.org/campaign-api/v1/')).to.equal(
      'https://example.org/campaign-api',
    );
    expect(apiRoot('https://v1')).to.equal('https://v1');
    expect(apiRoot('https://example.org/apiv1')).to.equal('https://example.org/apiv1');
    expect(apiRoot('https://example.org/v10')).to.equal('https://example.org/v10');
    // Relative to the page: `/v1/` is the page's own origin.
    expect(new CampaignApiClient('/v1/', 'demo').url()).to.equal(
      `${location.origin}/v1/campaigns/demo`,
    );
    expect(new CampaignApiClient('/api/v1', 'demo').url()).to.equal(
      `${location.origin}/api/v1/campaigns/demo`,
    );
  });

  it('gives a widget one client per API, whichever form it was written in', async () => {
    const el = await fixture<ApiRootProbe>(
      html`<cw-api-root-probe
        api="https://api.example.org/v1/"
        campaign="demo"
      ></cw-api-root-probe>`,
    );
    const first = el.client;
    expect(first?.base).to.equal('https://api.example.org');
    // The same instance on every read: a new one each time would restart loads and streams.
    expect(el.client).to.equal(first);
    el.api = 'https://api.example.org';
    expect(el.client).to.equal(first);
    el.api = 'https://other.example.org/v1';
    expect(el.client).not.to.equal(first);
    expect(el.client?.base).to.equal('https://other.example.org');
  });

  for (const form of FORMS) {
    it(`shows a story from the real API with api="…${form}"`, async () => {
      const api = await apiUrl();
      const el = await fixture<CampaignStoryTeaser>(html`
        <campaign-story-teaser
          api=${api + form}
          campaign=${CAMPAIGN}
          story="spirit-of-chongqing-city"
        ></campaign-story-teaser>
      `);
      await waitUntil(
        () => el.shadowRoot!.querySelector('a[href$="/stories/spirit-of-chongqing-city"]'),
        `no story shown with api="…${form}"`,
        { timeout: 8000 },
      );
    });
  }
});
