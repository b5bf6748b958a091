// Benchmark of <campaign-quote-wall> in headless Chromium, against the built single
// script (run `npm run build` first). Not a test: it prints figures and exits 0.
//
//   1. Time to render 1,000 quotes, compared in the same run with a hand-written DOM
//      baseline that builds the same markup (goal: wall ≤ 1.5× baseline).
//   2. Longest task and longest frame gap while 50 quotes/s arrive over a real
//      Server-Sent Events stream for 10 s (goal: no task ≥ 50 ms).
//   3. DOM nodes and JS heap after 1,000 and after 10,000 streamed quotes (goal: bounded
//      by max-items, not by what the stream delivered).
//
// Usage: node scripts/bench-wall.mjs [--runs=N] [--json] [--trace]
// --trace records the streaming phase and prints what each task over 50 ms did.
// `npm run bench` imports measureWall() and folds the figures into its table.
import { createServer } from 'node:http';
import { readFileSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { CHROMIUM_ARGS, INSTALL_HINT, findChromium } from './browsers.mjs';

const bundle = fileURLToPath(new URL('../dist/campaign-widgets.js', import.meta.url));

/**
 * Runs the three measurements and resolves with their figures (milliseconds, bytes,
 * counts). Throws when the bundle or Chromium is missing.
 */
export async function measureWall({ runs = 7, trace = false } = {}) {
  if (!existsSync(bundle))
    throw new Error('dist/campaign-widgets.js is missing: run `npm run build` first.');
  const chromium = findChromium();
  if (!chromium) throw new Error(`bench-wall: ${INSTALL_HINT.chromium}`);

  // ---- a tiny quotes API with a real SSE stream ----
  const quotes = []; // newest first
  let seq = 0;
  const clients = new Set();
  const quote = (text) => ({
    id: `q${++seq}`,
    text,
    displayName: seq % 3 ? `Reader ${seq}` : null,
    district: seq % 2 ? { id: 'yuzhong', name: 'Yuzhong' } : null,
    locale: seq % 4 ? 'en' : 'zh-Hans',
    approvedAt: new Date(Date.now() - 1000).toISOString(),
    photoId: null,
  });
  function publish(n) {
    for (let i = 0; i < n; i++) {
      const q = quote(
        `Quote ${seq + 1}: the Spirit of Chongqing City is open, warm and tenacious.`,
      );
      quotes.unshift(q);
      if (quotes.length > 200) quotes.length = 200;
      const frame = `id: ${seq}\nevent: quote\ndata: ${JSON.stringify(q)}\n\n`;
      for (const res of clients) res.write(frame);
    }
  }

  const page = `<!doctype html><html lang="en"><head><meta charset="utf-8">
<link rel="icon" href="data:,"><script type="module" src="/campaign-widgets.js"></script></head>
<body><div id="host"></div></body></html>`;

  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/') return res.end(page);
    if (url.pathname === '/campaign-widgets.js') {
      res.setHeader('content-type', 'text/javascript');
      return res.end(readFileSync(bundle));
    }
    if (url.pathname === '/v1/campaigns/bench/quotes') {
      const limit = Number(url.searchParams.get('limit') ?? 20);
      res.setHeader('content-type', 'application/json');
      return res.end(
        JSON.stringify({ items: quotes.slice(0, limit), nextBefore: null, lastEventId: seq }),
      );
    }
    if (url.pathname === '/v1/campaigns/bench/quotes/stream') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
      res.write('retry: 1000\n\n');
      clients.add(res);
      req.on('close', () => clients.delete(res));
      return;
    }
    res.statusCode = 404;
    res.end();
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;

  const browser = await puppeteer.launch({
    executablePath: chromium,
    headless: true,
    args: [
      ...CHROMIUM_ARGS,
      `--user-data-dir=${mkdtempSync(join(tmpdir(), 'cw-bench-'))}`,
      '--js-flags=--expose-gc',
      '--enable-precise-memory-info',
    ],
  });
  const tab = await browser.newPage();
  await tab.setViewport({ width: 1280, height: 900 });
  await tab.goto(origin, { waitUntil: 'networkidle0' });
  await tab.waitForFunction(() => customElements.get('campaign-quote-wall'));

  // ---- 1. render 1,000 quotes: the wall vs hand-written DOM ----
  const render = await tab.evaluate(async (runs) => {
    const data = Array.from({ length: 1000 }, (_, i) => ({
      id: `r${i}`,
      text: `Quote ${i}: the Spirit of Chongqing City is open, warm and tenacious.`,
      displayName: i % 3 ? `Reader ${i}` : null,
      district: i % 2 ? { id: 'yuzhong', name: 'Yuzhong' } : null,
      locale: i % 4 ? 'en' : 'zh-Hans',
      approvedAt: new Date(Date.now() - i * 60_000).toISOString(),
      photoId: null,
    }));
    const host = document.getElementById('host');
    const rtf = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
    const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r)));

    // The baseline: the same markup, built by hand in a shadow root.
    function baseline() {
      const el = document.createElement('div');
      const root = el.attachShadow({ mode: 'open' });
      const ul = document.createElement('ul');
      const now = Date.now();
      for (const q of data) {
        const li = document.createElement('li');
        li.tabIndex = -1;
        const figure = document.createElement('figure');
        figure.setAttribute('part', 'quote');
        const bq = document.createElement('blockquote');
        bq.lang = q.locale;
        bq.textContent = q.text;
        const cap = document.createElement('figcaption');
        const b = document.createElement('b');
        b.textContent = q.displayName ?? 'Anonymous';
        cap.append(b);
        if (q.district) {
          const span = document.createElement('span');
          span.textContent = q.district.name;
          cap.append(span);
        }
        const time = document.createElement('time');
        time.dateTime = q.approvedAt;
        time.textContent = rtf.format(
          Math.round((Date.parse(q.approvedAt) - now) / 60_000),
          'minute',
        );
        cap.append(time);
        figure.append(bq, cap);
        li.append(figure);
        ul.append(li);
      }
      root.append(ul);
      host.append(el);
      return el;
    }

    // The wall, given the same 1,000 quotes as its feed's content.
    async function wall() {
      const el = document.createElement('campaign-quote-wall');
      el.setAttribute('api', location.origin);
      el.setAttribute('campaign', 'bench');
      el.setAttribute('max-items', '1000');
      el.setAttribute('hide-status', '');
      host.append(el);
      await new Promise((r) => {
        const check = () => (el.live.feed?.loaded ? r() : setTimeout(check, 5));
        check();
      });
      await el.updateComplete;
      return el;
    }

    const out = { wall: [], baseline: [] };
    for (let i = 0; i < runs; i++) {
      const el = await wall();
      await frame();
      let t = performance.now();
      el.live.feed.items = data.slice();
      el.requestUpdate();
      await el.updateComplete;
      el.shadowRoot.querySelector('li:last-child').getBoundingClientRect();
      out.wall.push(performance.now() - t);
      if (el.shadowRoot.querySelectorAll('li').length !== 1000) throw new Error('wall: not 1000');
      el.remove();
      await frame();

      t = performance.now();
      const b = baseline();
      b.shadowRoot.querySelector('li:last-child').getBoundingClientRect();
      out.baseline.push(performance.now() - t);
      b.remove();
      await frame();
    }
    return out;
  }, runs);
  const wallMs = median(render.wall);
  const baseMs = median(render.baseline);

  // ---- 2 and 3. a live wall under load ----
  await tab.evaluate(() => {
    window.__long = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__long.push(e.duration);
    }).observe({ type: 'longtask', buffered: false });
    window.__gaps = [];
    let last = performance.now();
    const tick = (t) => {
      window.__gaps.push(t - last);
      last = t;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    const el = document.createElement('campaign-quote-wall');
    el.setAttribute('api', location.origin);
    el.setAttribute('campaign', 'bench');
    el.setAttribute('max-items', '24');
    document.getElementById('host').replaceChildren(el);
    window.__wall = el;
  });
  await tab.waitForFunction(() => window.__wall.live.status === 'live');

  const measure = () =>
    tab.evaluate(() => {
      globalThis.gc?.();
      const root = window.__wall.shadowRoot;
      const nodes = root.querySelectorAll('*').length + document.querySelectorAll('*').length;
      return {
        nodes,
        heap: performance.memory?.usedJSHeapSize ?? NaN,
        items: window.__wall.live.feed.items.length,
        shown: root.querySelectorAll('li').length,
      };
    });
  const idle = await measure();

  // 50 quotes a second for 10 s, each on its own, as moderators approve them.
  const stream50 = async () => {
    const started = Date.now();
    for (let i = 0; i < 500; i++) {
      publish(1);
      const next = started + (i + 1) * 20;
      await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())));
    }
  };
  await tab.evaluate(() => {
    window.__long = [];
    window.__gaps = [];
  });
  // With trace: a Chromium trace of the streaming phase tells what the long tasks did.
  if (trace) {
    await tab.tracing.start({
      categories: [
        '-*',
        'devtools.timeline',
        'v8.execute',
        'toplevel',
        'v8',
        'disabled-by-default-v8.gc',
      ],
    });
  }
  await stream50();
  await new Promise((r) => setTimeout(r, 300));
  const load = await tab.evaluate(() => ({
    longest: Math.max(0, ...window.__long),
    longTasks: window.__long.length,
    worstGap: Math.max(0, ...window.__gaps.slice(1)),
  }));
  if (trace)
    load.longTaskParts = longTaskParts(
      JSON.parse(Buffer.from(await tab.tracing.stop()).toString('utf8')),
    );
  const after1k = await (async () => {
    publish(500);
    await new Promise((r) => setTimeout(r, 500));
    return measure();
  })();
  // Up to 10,000 streamed quotes in bursts of 500.
  while (seq < 10_000) {
    publish(500);
    await new Promise((r) => setTimeout(r, 100));
  }
  await tab.waitForFunction((n) => window.__wall.live.feed.cursor === n, {}, seq);
  await new Promise((r) => setTimeout(r, 300));
  const after10k = await measure();

  await browser.close();
  server.close();
  for (const res of clients) res.destroy();
  return {
    runs,
    render: { wallMs, baselineMs: baseMs, ratio: wallMs / baseMs },
    load: { ...load, quotesPerSecond: 50, seconds: 10 },
    memory: { idle, after1k, after10k, streamed: seq },
  };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (n) => `${n.toFixed(1)} ms`;

/** For each task of 50 ms or more on a renderer main thread: its biggest inner events. */
function longTaskParts(trace) {
  const events = trace.traceEvents ?? trace;
  const mains = new Set(
    events
      .filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
      .map((e) => `${e.pid}:${e.tid}`),
  );
  const onMain = events.filter((e) => e.ph === 'X' && mains.has(`${e.pid}:${e.tid}`));
  const tasks = onMain.filter((e) => e.name === 'ThreadControllerImpl::RunTask' && e.dur >= 50_000);
  return tasks.map((task) => {
    const inner = onMain
      .filter((e) => e !== task && e.pid === task.pid && e.tid === task.tid)
      .filter(
        (e) => e.ts >= task.ts && e.ts + e.dur <= task.ts + task.dur && e.dur >= task.dur * 0.1,
      )
      .filter((e) => e.name !== 'ThreadControllerImpl::RunTask')
      .sort((a, b) => b.dur - a.dur)
      .slice(0, 6)
      .map(
        (e) =>
          `${e.name}${e.args?.data?.functionName ? ` ${e.args.data.functionName}` : ''} ${(e.dur / 1000).toFixed(1)} ms`,
      );
    return `${(task.dur / 1000).toFixed(1)} ms: ${inner.join(', ')}`;
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const runs = Number(process.argv.find((a) => a.startsWith('--runs='))?.slice(7) ?? 7);
  let result;
  try {
    result = await measureWall({ runs, trace: process.argv.includes('--trace') });
  } catch (error) {
    console.error(error.message ?? error);
    process.exit(1);
  }
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify(result, null, 2));
    process.exit(0);
  }
  const { wallMs, baselineMs: baseMs } = result.render;
  const { load } = result;
  const { idle, after1k, after10k, streamed: seq } = result.memory;
  const kb = (n) => `${(n / 1024 / 1024).toFixed(2)} MB`;
  console.log(`campaign-quote-wall benchmark (${runs} runs, median; headless Chromium)`);
  console.log('');
  console.log('render 1,000 quotes');
  console.log(`  wall                 ${ms(wallMs)}`);
  console.log(`  hand-written DOM     ${ms(baseMs)}`);
  console.log(`  ratio                ${(wallMs / baseMs).toFixed(2)}× (goal ≤ 1.5×)`);
  console.log('');
  console.log('50 quotes/s for 10 s over SSE (max-items 24)');
  console.log(
    `  longest task         ${load.longTasks ? ms(load.longest) : 'none ≥ 50 ms'} (goal < 50 ms)`,
  );
  console.log(`  long tasks           ${load.longTasks}`);
  for (const part of load.longTaskParts ?? []) console.log(`    ${part}`);
  console.log(`  worst frame gap      ${ms(load.worstGap)}`);
  console.log('');
  console.log('bounded memory (after GC)');
  console.log(`                       DOM nodes   JS heap     feed items  quotes shown`);
  for (const [label, m] of [
    ['idle', idle],
    ['1,000 streamed', after1k],
    [`${seq.toLocaleString('en')} streamed`, after10k],
  ]) {
    console.log(
      `  ${label.padEnd(20)} ${String(m.nodes).padEnd(11)} ${kb(m.heap).padEnd(11)} ${String(m.items).padEnd(11)} ${m.shown}`,
    );
  }
}
