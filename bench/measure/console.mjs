#!/usr/bin/env node
// The newsroom console in headless Chromium (dist/console/console.js, run `npm run
// build` first), with 1,000 pending submissions answered by an in-page fetch stub
// (bench/measure/console-fixture.mjs), at 1280 × 900 (list and detail side by side):
//
//   1. Time to render a page of 50 items: "Next page" pressed → the 50 new rows
//      rendered and painted (the fetch answers at once, so this is the console's own
//      work). Median and worst over the 19 page turns through 1,000 items, and the
//      first page after sign-in.
//   2. DOM nodes after paging through all 1,000 (counted through every shadow root,
//      and Chromium's own count after a garbage collection), beside the count after the
//      first page: one page of at most 50 rows, whatever was seen before.
//
// `node bench/measure/console.mjs` prints the figures (--json for JSON); `npm run
// bench` calls measureConsole() and checks them against their budgets.
import { launchChromium, median } from './util.mjs';
import { startConsoleFixture } from './console-fixture.mjs';

const ITEMS = 1000;

/** In the page: every node under `root`, through shadow roots. */
function countNodes() {
  let n = 0;
  const walk = (node) => {
    n++;
    if (node.shadowRoot) walk(node.shadowRoot);
    for (let c = node.firstChild; c; c = c.nextSibling) walk(c);
  };
  walk(document);
  const queue = document
    .querySelector('newsroom-console')
    ?.shadowRoot?.querySelector('newsroom-queue');
  return { nodes: n, rows: queue?.shadowRoot?.querySelectorAll('[role="row"]').length ?? 0 };
}

/** In the page: presses "Next page" and resolves with the time until the new rows painted. */
function turnPage() {
  const queue = document
    .querySelector('newsroom-console')
    .shadowRoot.querySelector('newsroom-queue');
  const first = queue.items[0]?.id;
  const next = [...queue.shadowRoot.querySelectorAll('nav.pager button')].at(-1);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    next.click();
    const check = async () => {
      if (queue.items[0]?.id === first) return setTimeout(check, 0);
      await queue.updateComplete;
      // After the frame that shows them: layout and paint included.
      requestAnimationFrame(() =>
        setTimeout(() => resolve({ ms: performance.now() - started, first: queue.items[0].id }), 0),
      );
    };
    setTimeout(check, 0);
    setTimeout(() => reject(new Error('the next page did not render in 10 s')), 10000);
  });
}

export async function measureConsole({ log = () => {} } = {}) {
  const fixture = await startConsoleFixture({ items: ITEMS, locale: 'en', role: 'moderator' });
  const chromium = await launchChromium();
  try {
    const page = await chromium.browser.newPage();
    await page.setViewport({ width: 1280, height: 900 });
    const cdp = await page.createCDPSession();
    await cdp.send('Performance.enable');
    await page.evaluateOnNewDocument(() => {
      window.__navStart = performance.now();
    });
    await page.goto(fixture.url, { waitUntil: 'load' });
    await page.waitForFunction(
      () => {
        const q = document
          .querySelector('newsroom-console')
          ?.shadowRoot?.querySelector('newsroom-queue');
        return q?.shadowRoot?.querySelectorAll('[role="row"]').length === 50;
      },
      { timeout: 30000, polling: 'raf' },
    );
    const firstPageMs = await page.evaluate(() => performance.now());
    const afterFirst = await page.evaluate(countNodes);
    const turns = [];
    let pages = 1;
    while (true) {
      const more = await page.evaluate(() => {
        const q = document
          .querySelector('newsroom-console')
          .shadowRoot.querySelector('newsroom-queue');
        return !([...q.shadowRoot.querySelectorAll('nav.pager button')].at(-1)?.disabled ?? true);
      });
      if (!more) break;
      turns.push((await page.evaluate(turnPage)).ms);
      pages++;
    }
    const afterAll = await page.evaluate(countNodes);
    await cdp.send('HeapProfiler.collectGarbage');
    const metrics = Object.fromEntries(
      (await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]),
    );
    const result = {
      items: ITEMS,
      pages,
      renderPageMs: { median: median(turns), max: Math.max(...turns), turns: turns.length },
      firstPageMs,
      nodes: {
        firstPage: afterFirst.nodes,
        afterAll: afterAll.nodes,
        rowsAfterAll: afterAll.rows,
        chromium: metrics.Nodes,
      },
    };
    log(
      `  console: ${pages} pages; page render median ${result.renderPageMs.median.toFixed(1)} ms, worst ${result.renderPageMs.max.toFixed(1)} ms; nodes ${afterFirst.nodes} → ${afterAll.nodes}`,
    );
    return result;
  } finally {
    await chromium.close();
    await fixture.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await measureConsole();
  if (process.argv.includes('--json')) console.log(JSON.stringify(result, null, 2));
  else {
    const r = result;
    console.log(
      `newsroom console, ${r.items} pending items in ${r.pages} pages of 50 (Chromium, 1280 × 900)`,
    );
    console.log(
      `render a page of 50 items:   median ${r.renderPageMs.median.toFixed(1)} ms, worst ${r.renderPageMs.max.toFixed(1)} ms over ${r.renderPageMs.turns} page turns (goal ≤ 50 ms)`,
    );
    console.log(`first page after load:       ${r.firstPageMs.toFixed(0)} ms from navigation`);
    console.log(
      `DOM nodes after 1,000 items: ${r.nodes.afterAll} (first page ${r.nodes.firstPage}; ${r.nodes.rowsAfterAll} rows; Chromium counts ${r.nodes.chromium} after GC)`,
    );
  }
}
