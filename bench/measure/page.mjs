// Cost on the page: the demo partner page served by the real campaign API, loaded in
// headless Chromium with the widget script and again with the script answered by an
// empty module (the tags then show their fallback content). From a trace of each load:
// main-thread time (every top-level task of the page's renderer), script evaluation
// (compiling and evaluating the widget module), all JavaScript on the main thread, the
// longest task; from the page: layout shift, and the time from the widget module's
// start until every displayed widget shows its content. Unthrottled and at 4× CPU
// throttling; medians over several loads.
import { median } from './util.mjs';

export const CATEGORIES = [
  '-*',
  'devtools.timeline',
  'v8.execute',
  'toplevel',
  'blink.user_timing',
  'loading',
];
const TOP_TASK = new Set(['ThreadControllerImpl::RunTask', 'RunTask']);
const SCRIPT = new Set([
  'v8.compile',
  'v8.compileModule',
  'v8.evaluateModule',
  'EvaluateScript',
  'FunctionCall',
  'RunMicrotasks',
  'TimerFire',
  'FireAnimationFrame',
  'v8.produceModuleCache',
]);

/** Installed before any page script: records layout shifts and marks when widgets render. */
function pageProbe() {
  window.__cw = { cls: 0, shifts: [], longTasks: [], rendered: null };
  const describe = (node) => {
    if (!node) return '?';
    const el = node.nodeType === 1 ? node : node.parentElement;
    if (!el) return node.nodeName;
    const host = el.getRootNode().host;
    const name = `${el.localName}${el.id ? `#${el.id}` : ''}${el.classList.length ? `.${[...el.classList].join('.')}` : ''}`;
    return host ? `${host.localName} › ${name}` : name;
  };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (e.hadRecentInput) continue;
      window.__cw.cls += e.value;
      window.__cw.shifts.push({
        value: e.value,
        at: e.startTime,
        sources: (e.sources ?? []).map(
          (s) =>
            `${describe(s.node)} ${Math.round(s.previousRect.y)}→${Math.round(s.currentRect.y)} h${Math.round(s.previousRect.height)}→${Math.round(s.currentRect.height)}`,
        ),
      });
    }
  }).observe({ type: 'layout-shift', buffered: true });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__cw.longTasks.push(e.duration);
  }).observe({ type: 'longtask', buffered: true });
  // Each widget's first update (willUpdate, render, commit, firstUpdated, updated),
  // timed by wrapping performUpdate on the classes the bundle defines: the bench's own
  // hook, so the reader bundle carries nothing for it.
  window.__cw.firstRenders = [];
  const define = customElements.define.bind(customElements);
  customElements.define = (name, cls, options) => {
    const perform = cls.prototype.performUpdate;
    if (perform) {
      cls.prototype.performUpdate = function () {
        if (this.hasUpdated) return perform.call(this);
        const start = performance.now();
        try {
          return perform.call(this);
        } finally {
          window.__cw.firstRenders.push({ name, ms: performance.now() - start });
        }
      };
    }
    return define(name, cls, options);
  };

  const widgets = (root, out = []) => {
    for (const el of root.querySelectorAll('*')) {
      if (el.localName.startsWith('campaign-')) out.push(el);
      if (el.shadowRoot) widgets(el.shadowRoot, out);
    }
    return out;
  };
  const ready = (el) => {
    // Only what is on screen counts (the wall waits until it comes near the viewport).
    const r = el.getBoundingClientRect();
    if (!r.width || r.bottom <= 0 || r.top >= innerHeight) return true;
    const root = el.shadowRoot;
    if (!root || root.querySelector('[aria-busy="true"], .sk')) return false;
    if (el.localName === 'campaign-quote-wall') return !!el.live?.feed?.loaded;
    if (el.localName === 'campaign-submission-form') {
      return (root.querySelector('select#district')?.options.length ?? 0) > 1;
    }
    if (el.localName === 'campaign-photo') return !!root.querySelector('img, .failed');
    return true;
  };
  customElements.whenDefined('campaign-quote-wall').then(() => {
    const check = () => {
      const all = widgets(document);
      if (all.length && all.every(ready)) {
        performance.mark('cw-rendered');
        window.__cw.rendered = performance.now();
        window.__cw.widgets = all.length;
        window.__cw.visible = all
          .filter((el) => {
            const r = el.getBoundingClientRect();
            return r.width && r.bottom > 0 && r.top < innerHeight;
          })
          .map((el) => el.localName);
      } else requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  });
}

export function analyse(events, bundleUrl) {
  const rendererMains = new Map();
  for (const e of events) {
    if (e.name === 'thread_name' && e.args?.name === 'CrRendererMain') {
      rendererMains.set(`${e.pid}:${e.tid}`, true);
    }
  }
  // The page's renderer main thread: the one that parsed the demo page.
  const parse = events.find(
    (e) => e.name === 'ParseHTML' && rendererMains.has(`${e.pid}:${e.tid}`),
  );
  if (!parse) throw new Error('trace: no ParseHTML on a renderer main thread');
  const main = events.filter((e) => e.pid === parse.pid && e.tid === parse.tid && e.ph === 'X');
  const start = Math.min(
    ...main.filter((e) => e.name === 'DocumentLoader::CommitNavigation').map((e) => e.ts),
    parse.ts,
  );
  const tasks = main.filter((e) => TOP_TASK.has(e.name) && e.ts >= start);
  const taskMs = tasks.reduce((sum, e) => sum + e.dur, 0) / 1000;
  const longest = Math.max(0, ...tasks.map((e) => e.dur)) / 1000;
  // What the longest task did: the biggest events inside it, to explain a long task.
  const top = tasks.reduce((a, b) => (b.dur > (a?.dur ?? -1) ? b : a), null);
  const inside = top
    ? main
        .filter((e) => e !== top && e.ts >= top.ts && e.ts + e.dur <= top.ts + top.dur)
        .filter((e) => !TOP_TASK.has(e.name) && e.dur >= top.dur * 0.05)
        .sort((a, b) => b.dur - a.dur)
        .slice(0, 8)
        .map((e) => {
          const d = e.args?.data ?? {};
          const what = d.functionName || d.url || e.args?.fileName || '';
          return `${e.name}${what ? ` ${String(what).split('/').pop()}` : ''} ${(e.dur / 1000).toFixed(1)} ms`;
        })
    : [];
  // JavaScript on the main thread: the union of script intervals (they nest).
  const spans = main
    .filter((e) => SCRIPT.has(e.name) && e.ts >= start)
    .map((e) => [e.ts, e.ts + e.dur])
    .sort((a, b) => a[0] - b[0]);
  let scriptUs = 0;
  let end = -Infinity;
  for (const [s, f] of spans) {
    if (f <= end) continue;
    scriptUs += f - Math.max(s, end);
    end = f;
  }
  const own = main.filter(
    (e) =>
      (e.name === 'v8.compileModule' || e.name === 'v8.evaluateModule') &&
      JSON.stringify(e.args ?? {}).includes(bundleUrl),
  );
  // v8.evaluateModule of the entry module carries no URL: take the first one after compiling.
  const compile = own.find((e) => e.name === 'v8.compileModule');
  let evaluate = own.find((e) => e.name === 'v8.evaluateModule');
  if (!evaluate && compile) {
    evaluate = main.find((e) => e.name === 'v8.evaluateModule' && e.ts >= compile.ts);
  }
  const rendered = events.find((e) => e.name === 'cw-rendered');
  return {
    // Each task's start (µs from navigation) and length, for the time up to "rendered".
    taskSpans: tasks.map((e) => [e.ts - start, e.dur]),
    renderedOffset: rendered ? rendered.ts - start : null,
    mainThreadMs: taskMs,
    scriptMs: scriptUs / 1000,
    evalMs: ((compile?.dur ?? 0) + (evaluate?.dur ?? 0)) / 1000,
    longestTaskMs: longest,
    longestTaskParts: inside,
    scriptStartTs: compile?.ts ?? evaluate?.ts ?? null,
    renderedMs:
      rendered && (compile ?? evaluate) ? (rendered.ts - (compile ?? evaluate).ts) / 1000 : null,
  };
}

async function loadOnce(browser, url, { widgets, throttle }) {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  try {
    await page.setViewport({ width: 1280, height: 900 });
    const cdp = await page.createCDPSession();
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    if (throttle > 1) await cdp.send('Emulation.setCPUThrottlingRate', { rate: throttle });
    await page.evaluateOnNewDocument(pageProbe);
    const bundleUrl = new URL('/campaign-widgets.js', url).href;
    if (!widgets) {
      await page.setRequestInterception(true);
      page.on('request', (request) => {
        if (request.url() === bundleUrl) {
          void request.respond({ status: 200, contentType: 'text/javascript', body: '' });
        } else void request.continue();
      });
    }
    await page.tracing.start({ categories: CATEGORIES });
    await page.goto(url, { waitUntil: 'load', timeout: 60_000 });
    if (widgets) {
      await page.waitForFunction(() => window.__cw.rendered !== null, {
        timeout: 60_000,
        polling: 100,
      });
    }
    // Let trailing work (streams opening, lazy images, idle callbacks) finish.
    await new Promise((r) => setTimeout(r, 1500));
    const probe = await page.evaluate(() => window.__cw);
    const trace = JSON.parse(Buffer.from(await page.tracing.stop()).toString('utf8'));
    const figures = analyse(trace.traceEvents ?? trace, bundleUrl);
    return {
      ...figures,
      cls: probe.cls,
      shifts: probe.shifts,
      widgets: probe.widgets ?? 0,
      firstRenders: probe.firstRenders ?? [],
      visible: probe.visible ?? [],
    };
  } finally {
    await context.close().catch(() => undefined);
  }
}

export async function measurePage(browser, url, { runs = 5, log = console.error } = {}) {
  const out = {};
  for (const throttle of [1, 4]) {
    const samples = { with: [], without: [] };
    // Alternate with and without, so drifting machine load hits both alike.
    for (let i = 0; i < runs; i++) {
      for (const widgets of [true, false]) {
        samples[widgets ? 'with' : 'without'].push(
          await loadOnce(browser, url, { widgets, throttle }),
        );
      }
      log(`  page cost ${throttle}×: run ${i + 1}/${runs}`);
    }
    const pick = (side, key) => median(samples[side].map((s) => s[key]));
    const row = {};
    for (const key of ['mainThreadMs', 'scriptMs', 'evalMs', 'longestTaskMs', 'renderedMs']) {
      row[key] = { with: pick('with', key), without: pick('without', key) };
    }
    // Extra main-thread work the widgets cause, per load, then the median of that.
    row.mainThreadDeltaMs = median(
      samples.with.map((s, i) => s.mainThreadMs - samples.without[i].mainThreadMs),
    );
    // The part the reader waits through: tasks that start before every visible widget
    // has rendered, in each load with the widgets, and in the load without them over
    // the same span from navigation. Off-screen widgets render later, in tasks of
    // their own while the page is idle.
    const until = (sample, offset) =>
      sample.taskSpans.reduce((sum, [at, dur]) => (at < offset ? sum + dur : sum), 0) / 1000;
    const before = samples.with.map((s, i) => {
      const offset = s.renderedOffset ?? Infinity;
      return [until(s, offset), until(samples.without[i], offset)];
    });
    row.beforeRenderedMs = {
      with: median(before.map(([w]) => w)),
      without: median(before.map(([, wo]) => wo)),
    };
    row.beforeRenderedDeltaMs = median(before.map(([w, wo]) => w - wo));
    row.scriptDeltaMs = median(
      samples.with.map((s, i) => s.scriptMs - samples.without[i].scriptMs),
    );
    row.cls = {
      with: Math.max(...samples.with.map((s) => s.cls)),
      without: Math.max(...samples.without.map((s) => s.cls)),
    };
    // Where the worst load's shifts came from, to explain a miss.
    const worst = samples.with.reduce((a, b) => (b.cls > a.cls ? b : a));
    row.shifts = worst.shifts;
    const slowest = samples.with.reduce((a, b) => (b.longestTaskMs > a.longestTaskMs ? b : a));
    row.longestTaskParts = slowest.longestTaskParts;
    // A widget's first render, median over every widget of every load with them.
    const firsts = samples.with.flatMap((s) => s.firstRenders);
    const times = firsts.map((f) => f.ms);
    const slowestFirst = firsts.reduce((a, b) => (b.ms > a.ms ? b : a), { ms: 0, name: '' });
    row.firstRenderMs = {
      median: median(times),
      max: slowestFirst.ms,
      slowest: slowestFirst.name,
      count: times.length,
    };
    row.widgets = samples.with[0].widgets;
    row.visible = samples.with[0].visible;
    row.runs = runs;
    out[`${throttle}x`] = row;
  }
  return out;
}
