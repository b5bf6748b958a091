import { VERSION } from './version.js';

/**
 * Registration that never throws. A partner page may load the classic script and
 * the module, the same script twice, or two versions of the library: the first copy
 * to define a tag keeps it, later copies skip it, and a different version warns once.
 *
 * The record of who defined what lives on `globalThis` under a `Symbol.for` key, so
 * that separate bundles (which share nothing else) can see each other.
 */
interface Registry {
  /** tag name → version of the copy that defined it */
  readonly tags: Map<string, string>;
  /** version pairs already warned about */
  readonly warned: Set<string>;
}

const KEY = Symbol.for('campaign-widgets.registry');

function registry(): Registry {
  const holder = globalThis as unknown as Record<symbol, Registry | undefined>;
  return (holder[KEY] ??= { tags: new Map(), warned: new Set() });
}

/** The version of the copy that defined `tag`, if any copy did. */
export function definedVersion(tag: string): string | undefined {
  return registry().tags.get(tag);
}

/**
 * Defines `tag` unless it is defined already. Returns true when this call defined it.
 */
export function defineElement(
  tag: string,
  ctor: CustomElementConstructor,
  version: string = VERSION,
): boolean {
  const reg = registry();
  if (!customElements.get(tag)) {
    try {
      customElements.define(tag, ctor);
      reg.tags.set(tag, version);
      return true;
    } catch {
      // Another copy won a race, or the constructor is registered under another
      // name: either way the tag stays usable, which is all a page needs.
    }
  }
  const other = reg.tags.get(tag) ?? 'unknown';
  if (other !== version) {
    const pair = `${other}→${version}`;
    if (!reg.warned.has(pair)) {
      reg.warned.add(pair);
      console.warn(
        `campaign-widgets: version ${other} is already registered on this page; ` +
          `this copy (${version}) is not used. Load one copy of the script.`,
      );
    }
  }
  return false;
}
