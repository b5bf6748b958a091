// CPU profile of the demo partner page with a readable (unminified) build of the same
// entry served in place of dist/campaign-widgets.js, to explain a page-cost or typing
// figure that misses its goal. Prints self and inclusive time per function.
//
//   node bench/profile-page.mjs [throttle=1] [load|typing]
//     load    the page load (default)
//     typing  90 keystrokes into the submission form's message field
import { ROOT, startApi, launchChromium } from './measure/util.mjs';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
const throttle = Number(process.argv[2] ?? 1);
const mode = process.argv[3] ?? 'load';
const devOff = {
  name: 'dev-off',
  setup(b) {
    b.onLoad({ filter: /[\\/]lib[\\/]core[\\/]dev\.js$/ }, (a) => ({
      contents: readFileSync(a.path, 'utf8').replace('DEV = true', 'DEV = false'),
      loader: 'js',
    }));
  },
};
const out = await esbuild.build({
  stdin: { contents: "import './lib/bundle.js';", resolveDir: ROOT, loader: 'js' },
  bundle: true,
  minify: false,
  logLevel: 'error',
  format: 'esm',
  conditions: ['production'],
  write: false,
  plugins: [devOff],
  define: { 'process.env.NODE_ENV': '"production"' },
});
const code = out.outputFiles[0].text;
const api = await startApi();
const { browser, close } = await launchChromium();
try {
  const ctx = await browser.createBrowserContext();
  const page = await ctx.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  await page.goto(api.url + '/healthz');
  await page.setRequestInterception(true);
  page.on('request', (r) =>
    r.url().endsWith('/campaign-widgets.js')
      ? r.respond({ status: 200, contentType: 'text/javascript', body: code })
      : r.continue(),
  );
  const cdp = await page.createCDPSession();
  if (throttle > 1) await cdp.send('Emulation.setCPUThrottlingRate', { rate: throttle });
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  if (mode === 'typing') {
    await page.goto(api.url + '/', { waitUntil: 'load' });
    await page.waitForFunction(
      () =>
        (document
          .querySelector('campaign-submission-form')
          ?.shadowRoot?.querySelector('select#district')?.options.length ?? 0) > 1,
      { polling: 100, timeout: 60_000 },
    );
    await page.evaluate(() => {
      const f = document.querySelector('campaign-submission-form');
      f.scrollIntoView();
      f.shadowRoot.querySelector('#message').focus();
    });
    await new Promise((r) => setTimeout(r, 1000));
    await cdp.send('Profiler.start');
    await page.keyboard.type(
      'Chongqing people climb every hill together, share hotpot with strangers and never give up.',
      { delay: 60 },
    );
    await new Promise((r) => setTimeout(r, 1000));
  } else {
    await cdp.send('Profiler.start');
    await page.goto(api.url + '/', { waitUntil: 'load' });
    await new Promise((r) => setTimeout(r, 2500));
  }
  const { profile } = await cdp.send('Profiler.stop');
  writeFileSync(
    join(tmpdir(), `campaign-widgets-${mode}-${throttle}x.cpuprofile`),
    JSON.stringify(profile),
  );
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const dt = profile.timeDeltas;
  const key = (n) =>
    `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber + 1}`;
  const self = new Map(),
    incl = new Map();
  let js = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const d = dt[i + 1] ?? 0;
    const n = byId.get(profile.samples[i]);
    self.set(key(n), (self.get(key(n)) ?? 0) + d);
    if (!['(idle)', '(program)', '(garbage collector)'].includes(n.callFrame.functionName)) js += d;
    const seen = new Set();
    let id = profile.samples[i];
    while (id) {
      const k = key(byId.get(id));
      if (!seen.has(k)) {
        seen.add(k);
        incl.set(k, (incl.get(k) ?? 0) + d);
      }
      id = parent.get(id);
    }
  }
  console.log(
    'JS (not idle/program/gc) ms',
    (js / 1000).toFixed(1),
    ' gc',
    ((self.get('(garbage collector) :0') ?? 0) / 1000).toFixed(1),
  );
  console.log('--- self');
  for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 30))
    console.log((v / 1000).toFixed(1).padStart(8), k);
  console.log('--- inclusive');
  for (const [k, v] of [...incl].sort((a, b) => b[1] - a[1]).slice(0, 60))
    console.log((v / 1000).toFixed(1).padStart(8), k);
} finally {
  await close();
  await api.stop();
}
