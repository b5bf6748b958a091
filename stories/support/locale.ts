// Partner-written content slotted into the widgets (fallback links, headings, alt
// text) follows the story's Language toolbar, as a partner's page would be written
// in one language.
import type { StoryContext } from '@storybook/web-components-vite';

/** `en` or `zh` text for the locale the story renders in. */
export function inLocale(context: Pick<StoryContext, 'globals'>, en: string, zh: string): string {
  return context.globals.locale === 'zh-Hans' ? zh : en;
}
