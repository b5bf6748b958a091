// Server-rendered widgets on the page: the same demo article, loaded four ways from one
// loopback server of the bench's own, in alternation so drifting machine load hits all
// alike:
//   alone       — the demo page as the API serves it, the widget script answered by an
//                 empty module (the tags show their fallback content: the page alone);
//   client      — the same page with the widget script (today's client-rendered page);
//   ssr         — the page with each widget tag replaced by the API's HTML fragment for
//                 it (GET /v1/campaigns/:campaign/html/…: Declarative Shadow DOM), the
//                 widget script answered by an empty module (no script runs);
//   ssr+script  — the same server-rendered page with the widget script: each widget
//                 upgrades and takes over from the snapshot its fragment carries (one
//                 render from it replaces the declarative shadow root in the same task;
//                 no data is read again, the wall streams from the snapshot's event id).
// Every other request (styles, the bundle, demo.js) is passed to the API unchanged; images
// and the widgets' data come from the API's own origin in every variant.
//
// Per variant, from a trace of each load (the same analysis as the page row): main-thread
// time added over the page alone, the longest task; from the page: layout shift, and the
// time from navigation start until every widget in the first viewport shows its content
// (and every widget on the page, which the client-rendered wall never reaches without
// scrolling: it waits until it comes near the viewport). "Shows its content" is polled on
// every animation frame from navigation start, on the shadow roots' content (element
// timing reports nothing inside shadow trees): a photo's <img> (or its failed state), a
// teaser or photo not busy, the form's district list filled, the wall's quotes (its own
// list, or the snapshot's quotes slotted into it). The poll runs in every variant, the
// page alone included, so its cost cancels in the differences. Unthrottled and at 4× CPU;
// medians over the same number of loads as the page row.
import { createServer } from 'node:http';
import { Readable } from 'node:stream';
import { CATEGORIES, analyse } from './page.mjs';
import { median, sleep } from './util.mjs';

export const VARIANTS = ['alone', 'client', 'ssr', 'ssr+script'];

/**
 * Installed before any page script: layout shifts and when widgets show their content.
 * The poll (not on the page alone, which has no widget content to wait for) stops once every widget has shown its content (and, with the widget script,
 * once the script has defined the widgets and they show their content again), so it
 * costs the variants only up to there, as the page row's probe does.
 */
function probe(expected, script, poll) {
  const cw = { cls: 0, visibleAt: null, allAt: null, lost: 0, settledAt: null };
  window.__cw = cw;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (!e.hadRecentInput) cw.cls += e.value;
  }).observe({ type: 'layout-shift', buffered: true });
  const TAGS = [
    'campaign-photo',
    'campaign-story-teaser',
    'campaign-quote-wall',
    'campaign-submission-form',
  ];
  const onScreen = (el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.bottom > 0 && r.top < innerHeight;
  };
  const shown = (el) => {
    const root = el.shadowRoot;
    if (!root || root.querySelector('[aria-busy="true"], .sk')) return false;
    switch (el.localName) {
      case 'campaign-photo':
        return !!root.querySelector('img, .failed');
      case 'campaign-submission-form':
        return (root.querySelector('select#district')?.options.length ?? 0) > 1;
      case 'campaign-quote-wall': {
        if (root.querySelector('blockquote')) return true;
        const slots = [...root.querySelectorAll('slot')];
        return slots.some((s) => s.assignedElements().some((a) => a.querySelector('blockquote')));
      }
      default:
        return [...root.children].some((c) => c.localName !== 'style');
    }
  };
  let wasVisible = false;
  let allAfterScript = false;
  const check = () => {
    const all = [...document.querySelectorAll(TAGS.join(', '))];
    if (all.length >= expected) {
      const now = performance.now();
      const visible = all.filter(onScreen);
      const visibleShown = visible.length > 0 && visible.every(shown);
      if (visibleShown && cw.visibleAt === null) {
        cw.visibleAt = now;
        cw.visible = visible.map((el) => el.localName);
      }
      if (visibleShown && !wasVisible) cw.settledAt = now;
      if (!visibleShown && wasVisible) cw.lost += 1;
      wasVisible = visibleShown;
      const allShown = all.every(shown);
      if (cw.allAt === null && allShown) cw.allAt = now;
      if (allShown && TAGS.every((t) => customElements.get(t))) allAfterScript = true;
    }
    const done = cw.visibleAt !== null && cw.allAt !== null && (!script || allAfterScript);
    if (!done && !cw.stop) requestAnimationFrame(check);
  };
  if (poll) requestAnimationFrame(check);
}

/** GET with retries: the API answers 503 while its renderer starts. */
async function fetchText(url) {
  for (let attempt = 0; ; attempt++) {
    const response = await fetch(url);
    if (response.ok) return response.text();
    if (response.status !== 503 || attempt >= 30) {
      throw new Error(`${url}: ${response.status} ${await response.text()}`);
    }
    await sleep(1000);
  }
}

/**
 * The demo page with each widget tag (and its fallback content) replaced by the API's
 * HTML fragment for that widget, in the page's language.
 */
export async function serverRenderedPage(apiUrl, page) {
  const campaign = /<meta name="campaign-widgets:campaign" content="([^"]+)"/.exec(page)?.[1];
  const lang = /<html lang="([^"]+)"/.exec(page)?.[1] ?? 'en';
  if (!campaign) throw new Error('the demo page names no campaign');
  const base = `${apiUrl}/v1/campaigns/${encodeURIComponent(campaign)}/html`;
  const pattern =
    /<(campaign-photo|campaign-story-teaser|campaign-quote-wall|campaign-submission-form)\b([^>]*)>[\s\S]*?<\/\1>/g;
  const found = [...page.matchAll(pattern)];
  const fragments = [];
  for (const [whole, tag, attrs] of found) {
    const attr = (name) => new RegExp(`\\b${name}="([^"]*)"`).exec(attrs)?.[1];
    const q = new URLSearchParams({ lang });
    let path;
    if (tag === 'campaign-photo') {
      q.set('photo', attr('photo'));
      path = 'photo';
    } else if (tag === 'campaign-story-teaser') {
      q.set('story', attr('story'));
      path = 'story-teaser';
    } else if (tag === 'campaign-quote-wall') {
      // The page's own fallback shows six quotes: the snapshot holds the same number.
      q.set('limit', '6');
      path = 'quote-wall';
    } else path = 'submission-form';
    fragments.push([whole, await fetchText(`${base}/${path}?${q}`)]);
  }
  let out = page;
  for (const [whole, html] of fragments) out = out.replace(whole, () => html);
  return { html: out, widgets: found.length };
}

/** The bench's loopback server: the two pages, everything else passed to the API. */
async function startPageServer(apiUrl, pages) {
  const server = createServer(async (req, res) => {
    const path = req.url.split('?')[0];
    if (pages[path]) {
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
      });
      res.end(pages[path]);
      return;
    }
    try {
      const upstream = await fetch(new URL(req.url, apiUrl), {
        method: req.method,
        headers: { accept: req.headers.accept ?? '*/*' },
      });
      const headers = {};
      for (const name of ['content-type', 'cache-control', 'etag']) {
        const value = upstream.headers.get(name);
        if (value) headers[name] = value;
      }
      res.writeHead(upstream.status, headers);
      if (upstream.body) Readable.fromWeb(upstream.body).pipe(res);
      else res.end();
    } catch (error) {
      res.writeHead(502).end(String(error));
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(r)) };
}

/** Trace event names summed per phase, on the page's renderer main thread. */
const PHASES = {
  parse: ['ParseHTML'],
  style: ['UpdateLayoutTree'],
  layout: ['Layout'],
  paint: ['Paint', 'PrePaint', 'Layerize'],
};

/** Time per phase (parse, style, layout, paint) on the thread that parsed the page. */
function phases(events) {
  const mains = new Set(
    events
      .filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
      .map((e) => `${e.pid}:${e.tid}`),
  );
  const parse = events.find((e) => e.name === 'ParseHTML' && mains.has(`${e.pid}:${e.tid}`));
  const out = {};
  for (const [phase, names] of Object.entries(PHASES)) {
    out[phase] =
      events
        .filter(
          (e) =>
            e.ph === 'X' &&
            parse &&
            e.pid === parse.pid &&
            e.tid === parse.tid &&
            names.includes(e.name),
        )
        .reduce((sum, e) => sum + e.dur, 0) / 1000;
  }
  return out;
}

async function loadOnce(browser, url, { script, throttle, expected, poll }) {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  try {
    await page.setViewport({ width: 1280, height: 900 });
    const cdp = await page.createCDPSession();
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    if (throttle > 1) await cdp.send('Emulation.setCPUThrottlingRate', { rate: throttle });
    // The page alone has no widget content to wait for: no poll there.
    await page.evaluateOnNewDocument(probe, expected, script, poll);
    const bundleUrl = new URL('/campaign-widgets.js', url).href;
    if (!script) {
      await page.setRequestInterception(true);
      page.on('request', (request) => {
        if (request.url() === bundleUrl) {
          void request.respond({ status: 200, contentType: 'text/javascript', body: '' });
        } else void request.continue();
      });
    }
    await page.tracing.start({ categories: CATEGORIES });
    await page.goto(url, { waitUntil: 'load', timeout: 60_000 });
    if (poll) {
      await page.waitForFunction(() => window.__cw.visibleAt !== null, {
        timeout: 60_000,
        polling: 100,
      });
    }
    // As the page row: let trailing work (streams, lazy images, idle callbacks) finish.
    await sleep(1500);
    const cw = await page.evaluate(() => {
      window.__cw.stop = true;
      return window.__cw;
    });
    const trace = JSON.parse(Buffer.from(await page.tracing.stop()).toString('utf8'));
    const events = trace.traceEvents ?? trace;
    const figures = analyse(events, bundleUrl);
    return {
      phasesMs: phases(events),
      mainThreadMs: figures.mainThreadMs,
      scriptMs: figures.scriptMs,
      longestTaskMs: figures.longestTaskMs,
      cls: cw.cls,
      visibleMs: cw.visibleAt ?? null,
      settledMs: cw.settledAt ?? null,
      allMs: cw.allAt ?? null,
      lost: cw.lost,
      visible: cw.visible ?? [],
    };
  } finally {
    await context.close().catch(() => undefined);
  }
}

export async function measureSsrPage(browser, apiUrl, { runs = 5, log = console.error } = {}) {
  const clientPage = await fetchText(`${apiUrl}/?lang=en`);
  const ssr = await serverRenderedPage(apiUrl, clientPage);
  const server = await startPageServer(apiUrl, {
    '/client.html': clientPage,
    '/ssr.html': ssr.html,
  });
  const how = {
    alone: ['/client.html', false],
    client: ['/client.html', true],
    ssr: ['/ssr.html', false],
    'ssr+script': ['/ssr.html', true],
  };
  const out = {
    source: 'the API’s HTML endpoints (GET /v1/campaigns/:campaign/html/…), lang=en',
    widgets: ssr.widgets,
    pageBytes: { client: Buffer.byteLength(clientPage), ssr: Buffer.byteLength(ssr.html) },
  };
  try {
    for (const throttle of [1, 4]) {
      const samples = Object.fromEntries(VARIANTS.map((v) => [v, []]));
      for (let i = 0; i < runs; i++) {
        for (const variant of VARIANTS) {
          const [path, script] = how[variant];
          samples[variant].push(
            await loadOnce(browser, `${server.url}${path}`, {
              script,
              throttle,
              expected: ssr.widgets,
              poll: variant !== 'alone',
            }),
          );
        }
        log(`  server-rendered page ${throttle}×: run ${i + 1}/${runs}`);
      }
      const row = { runs };
      for (const variant of VARIANTS) {
        const s = samples[variant];
        const pick = (key) => median(s.map((x) => x[key]));
        const reachedAll = s.filter((x) => x.allMs !== null).length;
        row[variant] = {
          mainThreadMs: pick('mainThreadMs'),
          // Per load, minus the page alone of the same round, then the median of that.
          mainThreadDeltaMs: median(
            s.map((x, i) => x.mainThreadMs - samples.alone[i].mainThreadMs),
          ),
          scriptDeltaMs: median(s.map((x, i) => x.scriptMs - samples.alone[i].scriptMs)),
          longestTaskMs: pick('longestTaskMs'),
          cls: Math.max(...s.map((x) => x.cls)),
          visibleMs: pick('visibleMs'),
          settledMs: pick('settledMs'),
          // Loads in which what was shown in the first viewport went away again (a widget
          // emptied and rendered again), out of `runs`.
          lostLoads: s.filter((x) => x.lost > 0).length,
          allMs: reachedAll === s.length ? pick('allMs') : null,
          allReached: reachedAll,
          visible: s[0].visible,
          // Parse, style, layout and paint on the main thread, minus the page alone's
          // of the same round, medians: where the time added goes when no script runs.
          phasesDeltaMs: Object.fromEntries(
            Object.keys(PHASES).map((k) => [
              k,
              median(s.map((x, i) => x.phasesMs[k] - samples.alone[i].phasesMs[k])),
            ]),
          ),
        };
      }
      out[`${throttle}x`] = row;
    }
  } finally {
    await server.close();
  }
  return out;
}
