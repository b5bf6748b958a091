// What the end-to-end pages need besides the built dist/: a real JPEG for the photo
// upload, an "older version" copy of the single script (the version stamp rewritten)
// for the double-load page, and the React and Vue apps compiled by esbuild.
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './servers.mjs';

export const OLD_VERSION = '0.0.1-e2e-old';

/** A 1600×1200 JPEG with a drawn scene (not a flat colour), as a phone might send. */
async function photoFixture(dir) {
  const { default: sharp } = await import('sharp');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1600" height="1200">
    <defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="#f4a259"/><stop offset="1" stop-color="#5b8e7d"/></linearGradient></defs>
    <rect width="1600" height="1200" fill="url(#sky)"/>
    <circle cx="1200" cy="300" r="140" fill="#fde68a"/>
    <path d="M0 900 L300 600 L520 820 L800 520 L1100 860 L1350 650 L1600 880 L1600 1200 L0 1200 Z" fill="#264653"/>
    <rect x="200" y="980" width="1200" height="40" fill="#e9c46a"/>
  </svg>`;
  const file = join(dir, 'reader-photo.jpg');
  await sharp(Buffer.from(svg)).jpeg({ quality: 85 }).toFile(file);
  return file;
}

/** dist/ copied with another version stamp: stands for a partner's stale copy. */
function olderCopy(dir) {
  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const out = join(dir, 'old');
  mkdirSync(out, { recursive: true });
  for (const name of ['campaign-widgets.js', 'campaign-widgets.iife.js']) {
    const code = readFileSync(join(ROOT, 'dist', name), 'utf8');
    const stamped = code.replaceAll(`"${version}"`, `"${OLD_VERSION}"`);
    if (stamped === code) throw new Error(`no version stamp "${version}" found in dist/${name}`);
    writeFileSync(join(out, name), stamped);
  }
  return out;
}

/** Compiles the framework apps of test/e2e/frameworks/ into `dir`. */
async function frameworkApps(dir) {
  const { build } = await import('esbuild');
  const src = join(ROOT, 'test', 'e2e', 'frameworks');
  if (!existsSync(src)) return;
  await build({
    entryPoints: { react: join(src, 'react-app.jsx'), vue: join(src, 'vue-app.js') },
    outdir: dir,
    bundle: true,
    format: 'esm',
    jsx: 'automatic',
    minify: true,
    logLevel: 'error',
    define: {
      'process.env.NODE_ENV': '"production"',
      __VUE_OPTIONS_API__: 'false',
      __VUE_PROD_DEVTOOLS__: 'false',
      __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    },
    alias: { vue: 'vue/dist/vue.esm-bundler.js' },
  });
  for (const name of ['react.html', 'vue.html']) copyFileSync(join(src, name), join(dir, name));
}

export async function setup(dir) {
  mkdirSync(dir, { recursive: true });
  const photo = await photoFixture(dir);
  olderCopy(dir);
  await frameworkApps(dir);
  return { photo };
}
