// Weight: min, gzip -9 and brotli -11 of the single script, beside the script a partner
// would otherwise load for each job. Peers are installed into a folder under the OS temp
// directory (never into the project), cached by version, and bundled with the same tool
// (esbuild, one minified ES module each) as a re-bundle of the widgets in the same run.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { ROOT } from './util.mjs';

const run = promisify(execFile);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

export const PEERS = ['giscus', '@typeform/embed', '@shoelace-style/shoelace', 'lit'];

/** What each peer row bundles: an entry module and the CSS the job needs, if any. */
const PEER_ROWS = [
  {
    id: 'giscus',
    label: 'giscus web component (comments → quote wall)',
    pkg: 'giscus',
    entry: `import 'giscus';`,
  },
  {
    id: 'typeform',
    label: '@typeform/embed widget + widget.css (form → submission form)',
    pkg: '@typeform/embed',
    entry: `export { createWidget } from '@typeform/embed';`,
    css: ['@typeform/embed/build/css/widget.css'],
  },
  {
    id: 'shoelace-card',
    label: 'Shoelace card (→ teaser, photo)',
    pkg: '@shoelace-style/shoelace',
    entry: `import '@shoelace-style/shoelace/dist/components/card/card.js';`,
  },
  {
    id: 'shoelace-form',
    label: 'Shoelace form controls (→ submission form)',
    pkg: '@shoelace-style/shoelace',
    entry: ['input', 'textarea', 'select', 'option', 'checkbox', 'button', 'alert']
      .map((c) => `import '@shoelace-style/shoelace/dist/components/${c}/${c}.js';`)
      .join('\n'),
  },
  {
    id: 'shoelace-theme',
    label: 'Shoelace light theme CSS (both Shoelace rows need it)',
    pkg: '@shoelace-style/shoelace',
    css: ['@shoelace-style/shoelace/dist/themes/light.css'],
  },
  {
    id: 'lit',
    label: 'bare Lit (lit, everything exported)',
    pkg: 'lit',
    entry: `export * from 'lit';`,
  },
];

export function sizes(bytes) {
  return {
    min: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 11,
        [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
      },
    }).length,
  };
}

async function latestVersions() {
  const out = {};
  for (const name of PEERS) {
    const { stdout } = await run(npm, ['view', name, 'version'], { timeout: 60_000 });
    out[name] = stdout.trim();
  }
  return out;
}

/** Installs the peers once per set of versions; returns the folder holding node_modules. */
async function installPeers(log) {
  const base = join(tmpdir(), 'campaign-widgets-bench-peers');
  mkdirSync(base, { recursive: true });
  let versions;
  try {
    versions = await latestVersions();
  } catch (error) {
    // Offline: the newest earlier install, if any, still gives figures.
    const cached = readdirSync(base)
      .filter((d) => existsSync(join(base, d, 'versions.json')))
      .map((d) => join(base, d))
      .sort()
      .at(-1);
    if (cached)
      return { dir: cached, versions: JSON.parse(readFileSync(join(cached, 'versions.json'))) };
    throw new Error(`registry unreachable (${String(error.message ?? error).split('\n')[0]})`);
  }
  const key = createHash('sha256').update(JSON.stringify(versions)).digest('hex').slice(0, 12);
  const dir = join(base, key);
  if (existsSync(join(dir, 'versions.json'))) return { dir, versions };
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{"private":true}\n');
  log(`installing ${PEERS.map((p) => `${p}@${versions[p]}`).join(', ')} into ${dir}`);
  await run(
    npm,
    [
      'install',
      '--prefix',
      dir,
      '--no-save',
      '--no-audit',
      '--no-fund',
      '--ignore-scripts',
      ...PEERS.map((p) => `${p}@${versions[p]}`),
    ],
    { timeout: 300_000, cwd: dir },
  );
  writeFileSync(join(dir, 'versions.json'), JSON.stringify(versions, null, 2));
  return { dir, versions };
}

async function esbuildBundle(esbuild, { contents, resolveDir, plugins = [] }) {
  const result = await esbuild.build({
    stdin: { contents, resolveDir, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2021',
    platform: 'browser',
    conditions: ['production'],
    define: { 'process.env.NODE_ENV': '"production"' },
    legalComments: 'none',
    write: false,
    logLevel: 'silent',
    plugins,
  });
  return Buffer.from(result.outputFiles[0].contents);
}

/** The widgets' lib/bundle.js, bundled by esbuild like the peers (DEV off, as rollup does). */
async function widgetsWithEsbuild(esbuild) {
  const devOff = {
    name: 'dev-off',
    setup(build) {
      build.onLoad({ filter: /[\\/]lib[\\/]core[\\/]dev\.js$/ }, (args) => ({
        contents: readFileSync(args.path, 'utf8').replace('DEV = true', 'DEV = false'),
        loader: 'js',
      }));
    },
  };
  return esbuildBundle(esbuild, {
    contents: `import './lib/bundle.js';`,
    resolveDir: ROOT,
    plugins: [devOff],
  });
}

export async function measureWeight({ log = console.error } = {}) {
  const rows = [];
  const bundle = join(ROOT, 'dist', 'campaign-widgets.js');
  if (!existsSync(bundle))
    throw new Error('dist/campaign-widgets.js is missing: run `npm run build`');
  rows.push({
    id: 'widgets',
    label: 'campaign-widgets.js — all four widgets, en + zh-Hans (shipped: rollup + terser)',
    ...sizes(readFileSync(bundle)),
  });
  const esbuild = await import('esbuild');
  rows.push({
    id: 'widgets-esbuild',
    label: 'campaign-widgets, same entry bundled by esbuild like the peers',
    ...sizes(await widgetsWithEsbuild(esbuild)),
  });

  let peers;
  try {
    peers = await installPeers(log);
  } catch (error) {
    for (const row of PEER_ROWS) {
      rows.push({
        id: row.id,
        label: row.label,
        skipped: `not measured: ${error.message ?? error}`,
      });
    }
    return { tool: `esbuild ${esbuild.version}`, rows, peers: null };
  }
  const modules = join(peers.dir, 'node_modules');
  /** A peer's stylesheet as a partner would ship it: bundled and minified by esbuild. */
  const minifiedCss = async (css) => {
    const out = await esbuild.build({
      entryPoints: [join(modules, css)],
      bundle: true,
      minify: true,
      write: false,
      logLevel: 'silent',
    });
    return Buffer.from(out.outputFiles[0].contents);
  };
  for (const row of PEER_ROWS) {
    try {
      const parts = [];
      if (row.entry)
        parts.push(await esbuildBundle(esbuild, { contents: row.entry, resolveDir: peers.dir }));
      for (const css of row.css ?? []) parts.push(await minifiedCss(css));
      rows.push({
        id: row.id,
        label: `${row.label} ${row.pkg}@${peers.versions[row.pkg]}`,
        ...sizes(Buffer.concat(parts)),
      });
    } catch (error) {
      rows.push({
        id: row.id,
        label: row.label,
        skipped: `not measured: ${String(error.message ?? error).split('\n')[0]}`,
      });
    }
  }
  // What a partner would load for all four jobs without the widgets.
  const byId = Object.fromEntries(rows.map((r) => [r.id, r]));
  const combo = ['giscus', 'typeform', 'shoelace-card', 'shoelace-form', 'shoelace-theme'];
  if (combo.every((id) => byId[id] && !byId[id].skipped)) {
    const parts = [];
    // Re-bundle as one module so shared code (Lit in giscus and Shoelace) counts once.
    const entry = PEER_ROWS.filter((r) => combo.includes(r.id) && r.entry)
      .map((r) =>
        r.entry.replace(
          /^export \{ (\w+) \}/m,
          'export { $1 as $1_' + r.id.replace(/\W/g, '') + ' }',
        ),
      )
      .join('\n');
    parts.push(await esbuildBundle(esbuild, { contents: entry, resolveDir: peers.dir }));
    for (const r of PEER_ROWS.filter((r) => combo.includes(r.id) && r.css)) {
      for (const css of r.css) parts.push(await minifiedCss(css));
    }
    rows.push({
      id: 'peers-all',
      label:
        'all four jobs with the peers (giscus + Typeform + Shoelace card, controls, theme; shared code once)',
      ...sizes(Buffer.concat(parts)),
    });
  }
  return { tool: `esbuild ${esbuild.version}`, rows, peers: peers.versions };
}
