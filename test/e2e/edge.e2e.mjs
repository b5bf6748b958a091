// Eight tabs of the demo page with their walls open, through the nginx edge
// (docs/deploy/nginx.conf) over HTTP/2, and the reader can still send the form from
// one of them: over HTTP/1.1 the walls alone would take the six connections a browser
// allows per origin. Chromium only: the run's certificate is trusted through a
// Chromium flag (its key's hash), which WebKitGTK's MiniBrowser has no match for.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApiProcess } from '../../scripts/api-process.mjs';
import { CHROMIUM_ARGS } from '../../scripts/browsers.mjs';
import { findNginx, NGINX_MISSING, startEdge } from '../../scripts/edge.mjs';
import { ENGINE } from './support/context.mjs';

const FORM = 'campaign-submission-form';
const TABS = 8;
const why =
  ENGINE !== 'chromium'
    ? 'Chromium only: the edge certificate is trusted with a Chromium flag'
    : !findNginx()
      ? NGINX_MISSING
      : null;
if (why && process.env.CI && ENGINE === 'chromium') throw new Error(why);

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = net.createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

/** base64 SHA-256 of the certificate's public key, as --ignore-certificate-errors-spki-list wants it. */
function spkiHash(certFile) {
  const pub = execFileSync('openssl', ['x509', '-in', certFile, '-pubkey', '-noout']);
  const der = execFileSync('openssl', ['pkey', '-pubin', '-outform', 'der'], { input: pub });
  return execFileSync('openssl', ['dgst', '-sha256', '-binary'], { input: der }).toString('base64');
}

const until = async (what, check, timeout = 20_000) => {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe('eight wall tabs over HTTP/2 through nginx', { skip: why ?? false }, () => {
  let api;
  let edge;
  let browser;
  let profile;

  const live = () =>
    new Promise((resolve, reject) => {
      https
        .get(`${edge.url}/healthz`, { ca: edge.ca }, (response) => {
          let body = '';
          response.setEncoding('utf8').on('data', (chunk) => (body += chunk));
          response.on('end', () => resolve(JSON.parse(body).live));
        })
        .on('error', reject);
    });

  before(async () => {
    const port = await freePort();
    api = await startApiProcess({
      entry: 'start',
      env: {
        // The demo page points its widgets at the edge, not at the instance.
        CAMPAIGN_PUBLIC_URL: `https://127.0.0.1:${port}`,
        CAMPAIGN_TRUST_PROXY: '127.0.0.1',
      },
    });
    edge = await startEdge({
      backends: [{ host: '127.0.0.1', port: Number(new URL(api.url).port) }],
      port,
    });
    const { default: puppeteer } = await import('puppeteer-core');
    profile = mkdtempSync(join(tmpdir(), 'cw-e2e-edge-'));
    browser = await puppeteer.launch({
      executablePath: process.env.E2E_CHROMIUM,
      headless: true,
      args: [
        ...CHROMIUM_ARGS,
        `--user-data-dir=${profile}`,
        '--lang=en-US',
        // Trusts this run's certificate only, by its key.
        `--ignore-certificate-errors-spki-list=${spkiHash(edge.caFile)}`,
      ],
    });
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await edge?.stop();
    await api?.stop();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  test('the form sends from the eighth tab while all eight walls stay open', async () => {
    const tabs = [];
    for (let i = 0; i < TABS; i++) {
      const tab = await browser.newPage();
      await tab.goto(`${edge.url}/`, { waitUntil: 'load' });
      tabs.push(tab);
    }
    for (const tab of tabs) {
      const protocol = await tab.evaluate(
        () => performance.getEntriesByType('navigation')[0].nextHopProtocol,
      );
      assert.equal(protocol, 'h2', 'each tab reached the edge over HTTP/2');
    }
    // Every tab's wall holds a stream at the instance (the form may hold one more).
    await until(`${TABS} streams open`, async () => (await live()) >= TABS);

    const tab = tabs[TABS - 1];
    await until('the campaign settings in the form', () =>
      tab.evaluate(
        (form) =>
          (document.querySelector(form)?.shadowRoot?.querySelectorAll('#district option').length ??
            0) > 1,
        FORM,
      ),
    );
    await tab.click(`${FORM} >>> #message`);
    await tab.keyboard.type(`Eight tabs open and the form still goes through. ${Date.now()}`);
    await tab.click(`${FORM} >>> #displayName`);
    await tab.keyboard.type('Chen Jing');
    await tab.click(`${FORM} >>> #consentGiven`);
    await tab.click(`${FORM} >>> #publishPermission`);
    await tab.click(`${FORM} >>> #send`);
    await until(
      'the form sent',
      () =>
        tab
          .evaluate((form) => document.querySelector(form).getAttribute('state'), FORM)
          .then((state) => state === 'sent'),
      15_000,
    );
    const posted = await tab.evaluate(() =>
      performance
        .getEntriesByType('resource')
        .filter((entry) => /\/submissions$/.test(entry.name))
        .map((entry) => entry.nextHopProtocol),
    );
    assert.deepEqual(posted, ['h2'], 'one POST, over the same HTTP/2 edge');
    assert.ok((await live()) >= TABS, 'the walls are still open');
  });
});
