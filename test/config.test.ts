import { expect, fixture, html } from '@open-wc/testing';
import {
  configure,
  configureFromScript,
  pageConfig,
  resetConfig,
  resolveSetting,
} from '../src/core/config.js';
import { CampaignElement } from '../src/base/campaign-element.js';
import { defineElement } from '../src/core/register.js';

class ConfigProbe extends CampaignElement {}
defineElement('cw-config-probe', ConfigProbe);

function addMeta(name: string, content: string): HTMLMetaElement {
  const meta = document.createElement('meta');
  meta.name = `campaign-widgets:${name}`;
  meta.content = content;
  document.head.append(meta);
  return meta;
}

describe('page-wide configuration', () => {
  const added: Element[] = [];
  afterEach(() => {
    for (const el of added.splice(0)) el.remove();
    resetConfig();
  });

  it('is empty on a page that sets nothing', () => {
    expect(pageConfig()).to.deep.equal({});
    expect(resolveSetting('api', null)).to.equal(undefined);
  });

  it('reads <meta name="campaign-widgets:…">', () => {
    added.push(addMeta('api', 'https://meta.example'), addMeta('campaign', 'from-meta'));
    expect(pageConfig()).to.deep.equal({ api: 'https://meta.example', campaign: 'from-meta' });
  });

  it('resolves element → configure() → script tag → meta, strongest first', () => {
    added.push(addMeta('api', 'https://meta.example'), addMeta('campaign', 'meta-campaign'));
    const script = document.createElement('script');
    script.dataset.api = 'https://script.example';
    script.dataset.locale = 'zh-CN';
    configureFromScript(script);
    expect(resolveSetting('api', undefined)).to.equal('https://script.example');
    expect(resolveSetting('campaign', undefined)).to.equal('meta-campaign');
    expect(resolveSetting('locale', undefined)).to.equal('zh-CN');

    configure({ api: 'https://configure.example' });
    expect(resolveSetting('api', undefined)).to.equal('https://configure.example');
    expect(resolveSetting('api', 'https://element.example')).to.equal('https://element.example');
    // Blank attributes do not override the page.
    expect(resolveSetting('api', '  ')).to.equal('https://configure.example');

    configure({ api: undefined });
    expect(resolveSetting('api', undefined)).to.equal('https://script.example');
  });

  it('gives an element its own attribute over the page setting, and follows page changes', async () => {
    configure({ api: 'https://page.example', campaign: 'page-campaign' });
    const own = await fixture<ConfigProbe>(
      html`<cw-config-probe api="https://own.example/"></cw-config-probe>`,
    );
    const inherits = await fixture<ConfigProbe>(html`<cw-config-probe></cw-config-probe>`);
    expect(own.resolvedApi).to.equal('https://own.example/');
    expect(own.client?.base).to.equal('https://own.example');
    expect(own.resolvedCampaign).to.equal('page-campaign');
    expect(inherits.resolvedApi).to.equal('https://page.example');

    configure({ campaign: 'next-campaign' });
    expect(inherits.resolvedCampaign).to.equal('next-campaign');
    expect(inherits.client?.campaign).to.equal('next-campaign');
    expect(inherits.isUpdatePending).to.equal(true);
  });

  it('gives no client while the API or campaign is unknown', async () => {
    const el = await fixture<ConfigProbe>(html`<cw-config-probe api="/x"></cw-config-probe>`);
    expect(el.client).to.equal(undefined);
  });
});
