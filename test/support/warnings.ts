// One way for tests to collect console warnings (every browser suite uses it, the form's
// through watchWarnings). Lit's development build prints one notice, "Lit is in dev
// mode", which is never counted as a warning.
import { expect } from '@open-wc/testing';

const DEV_NOTICE = /dev mode/i;
const text = (args: unknown[]) => args.map(String).join(' ');

/**
 * Collects console warnings until `restore()`. `warnings` holds each call's arguments;
 * `lines()` the calls as text without Lit's notice; `lit()` Lit's development warnings
 * (what a test expects to be none). With `forward` (the default) each warning is also
 * printed as before, so the runner's browser logs still show it.
 */
export function captureWarnings({ forward = true } = {}) {
  const original = console.warn;
  const warnings: unknown[][] = [];
  console.warn = (...args: unknown[]) => {
    warnings.push(args);
    if (forward) original.apply(console, args);
  };
  const lines = () => warnings.map(text).filter((line) => !DEV_NOTICE.test(line));
  return {
    warnings,
    lines,
    lit: () => warnings.filter((w) => /lit/i.test(String(w[0])) && !DEV_NOTICE.test(String(w[0]))),
    check: () => expect(lines(), lines().join('\n')).to.deep.equal([]),
    restore: () => void (console.warn = original),
  };
}

/** The form's tests' shape: warnings as lines (no notice), kept off the console. */
export function watchWarnings() {
  const capture = captureWarnings({ forward: false });
  return {
    get warnings() {
      return capture.lines();
    },
    restore: capture.restore,
    check: capture.check,
  };
}
