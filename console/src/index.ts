/**
 * The console's script (`/console/console.js`): registers the tags, styles the page
 * around the app (a constructed sheet: the page's CSP allows no inline style) and
 * starts `<newsroom-console>` if the page has none.
 */
import './define.js';
import { pageCss } from './styles/shared.js';

const sheet = new CSSStyleSheet();
sheet.replaceSync(pageCss);
document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];

if (!document.querySelector('newsroom-console')) {
  document.body.append(document.createElement('newsroom-console'));
}
