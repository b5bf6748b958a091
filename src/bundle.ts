/**
 * Entry of the single script (`dist/campaign-widgets.js` and `.iife.js`): reads the
 * page-wide settings from the script tag that loaded it, then registers every tag.
 *
 *   <script type="module" src="…/campaign-widgets.js"
 *           data-api="https://api.example.org" data-campaign="spirit-of-chongqing"></script>
 */
import { configureFromScript } from './core/config.js';

function ownScript(): Element | null {
  if (document.currentScript) return document.currentScript; // classic script
  // A module has no currentScript: find the tag whose src is this module's URL.
  const self = import.meta.url;
  for (const script of Array.from(document.querySelectorAll<HTMLScriptElement>('script[src]'))) {
    if (script.src === self) return script;
  }
  return null;
}

configureFromScript(ownScript());

export * from './define.js';
