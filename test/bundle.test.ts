// Smoke tests of the built single script (dist/), loaded the way a partner loads it:
// each case is a fresh page in an iframe, so module instances and registries do not
// leak between cases. Run `npm run build` first (`npm test` does).
import { expect, waitUntil } from '@open-wc/testing';

interface Frame {
  win: Window & typeof globalThis & { CampaignWidgets?: Record<string, unknown> };
  doc: Document;
  errors: string[];
  warnings: string[];
  remove(): void;
}

const TAGS = [
  'campaign-story-teaser',
  'campaign-photo',
  'campaign-submission-form',
  'campaign-quote-wall',
];

async function page(head: string, body = '', lang = 'en'): Promise<Frame> {
  const iframe = document.createElement('iframe');
  const errors: string[] = [];
  const warnings: string[] = [];
  // Listeners are installed by a classic script that runs before anything else.
  iframe.srcdoc = `<!doctype html><html lang="${lang}"><head>
    <script>
      window.__errors = []; window.__warnings = [];
      addEventListener('error', (e) => __errors.push(String(e.message)));
      addEventListener('unhandledrejection', (e) => __errors.push(String(e.reason)));
      const warn = console.warn.bind(console);
      console.warn = (...a) => { __warnings.push(a.join(' ')); warn(...a); };
    </script>${head}</head><body>${body}</body></html>`;
  document.body.append(iframe);
  await new Promise((resolve) => iframe.addEventListener('load', resolve, { once: true }));
  const win = iframe.contentWindow as Frame['win'];
  await waitUntil(() => TAGS.every((t) => win.customElements.get(t)), 'tags defined', {
    timeout: 5000,
  });
  const w = win as unknown as { __errors: string[]; __warnings: string[] };
  return {
    win,
    doc: iframe.contentDocument!,
    get errors() {
      return errors.concat(w.__errors);
    },
    get warnings() {
      return warnings.concat(w.__warnings);
    },
    remove: () => iframe.remove(),
  };
}

const ESM =
  '<script type="module" src="/dist/campaign-widgets.js" data-api="https://api.example" data-campaign="from-script"></script>';
const IIFE =
  '<script src="/dist/campaign-widgets.iife.js" data-api="https://api.example" data-campaign="from-script"></script>';

function localeOf(frame: Frame): string {
  const el = frame.doc.createElement('campaign-photo') as HTMLElement & { locale: string };
  frame.doc.body.append(el);
  const locale = el.locale;
  el.remove();
  return locale;
}

for (const [name, script] of [
  ['module', ESM],
  ['classic script', IIFE],
] as const) {
  describe(`dist bundle as a ${name}`, () => {
    let frame: Frame;
    afterEach(() => frame?.remove());

    it('defines all four tags with no error and no warning', async () => {
      frame = await page(script);
      expect(frame.errors).to.deep.equal([]);
      expect(frame.warnings).to.deep.equal([]);
    });

    it('takes api and campaign from its script tag', async () => {
      frame = await page(
        script,
        '<campaign-photo></campaign-photo><campaign-photo campaign="own"></campaign-photo>',
      );
      const [a, b] = Array.from(frame.doc.querySelectorAll('campaign-photo')) as unknown as {
        resolvedApi: string;
        resolvedCampaign: string;
      }[];
      expect(a.resolvedApi).to.equal('https://api.example');
      expect(a.resolvedCampaign).to.equal('from-script');
      expect(b.resolvedCampaign).to.equal('own');
    });

    it('follows <html lang> at start and when the page changes it', async () => {
      frame = await page(script, '', 'zh-CN');
      await waitUntil(() => localeOf(frame) === 'zh-Hans', 'starts in zh-Hans');
      const changed = new Promise<CustomEvent>((resolve) =>
        frame.doc.addEventListener('campaign-locale-change', (e) => resolve(e as CustomEvent), {
          once: true,
        }),
      );
      frame.doc.documentElement.lang = 'en';
      expect((await changed).detail.locale).to.equal('en');
      expect(localeOf(frame)).to.equal('en');
    });

    it('needs no request beyond the script itself', async () => {
      frame = await page(script, '', 'zh-Hans');
      const requests = frame.win.performance
        .getEntriesByType('resource')
        .map((e) => new URL(e.name).pathname);
      expect(requests.filter((p) => !p.endsWith('.map'))).to.deep.equal([
        script === ESM ? '/dist/campaign-widgets.js' : '/dist/campaign-widgets.iife.js',
      ]);
    });
  });
}

describe('dist bundles together', () => {
  let frame: Frame;
  afterEach(() => frame?.remove());

  it('loads module and classic script and the module twice without an error or warning', async () => {
    frame = await page(
      `${ESM}${IIFE}<script type="module" src="/dist/campaign-widgets.js?copy=2"></script>`,
    );
    await new Promise((r) => setTimeout(r, 200));
    expect(frame.errors).to.deep.equal([]);
    expect(frame.warnings).to.deep.equal([]);
    expect(frame.win.CampaignWidgets?.VERSION).to.be.a('string');
  });

  it('keeps an older copy defined first, warns once, and does not throw', async () => {
    frame = await page(
      `<script>
        globalThis[Symbol.for('campaign-widgets.registry')] = { tags: new Map(), warned: new Set() };
        for (const tag of ${JSON.stringify(TAGS)}) {
          customElements.define(tag, class extends HTMLElement { old = true; });
          globalThis[Symbol.for('campaign-widgets.registry')].tags.set(tag, '0.0.1');
        }
      </script>${IIFE}`,
    );
    expect(frame.errors).to.deep.equal([]);
    expect(frame.warnings).to.have.length(1);
    expect(frame.warnings[0]).to.contain('0.0.1');
    const el = frame.doc.createElement('campaign-photo') as HTMLElement & { old?: boolean };
    expect(el.old).to.equal(true);
  });
});
