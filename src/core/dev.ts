/**
 * True in development: sources, tests, Storybook and the npm modules. The
 * single-script bundle is built with `DEV = false`, so development-only warnings
 * (a photo without `alt`, say) and their strings are dropped from it.
 */
export const DEV: boolean = true;

const warned = new Set<string>();

/** Logs a development warning once per page for each distinct `key`. */
export function warnOnce(key: string, message: string): void {
  if (!DEV || warned.has(key)) return;
  warned.add(key);
  console.warn(`campaign-widgets: ${message}`);
}
