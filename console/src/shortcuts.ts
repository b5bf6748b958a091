/**
 * Single-key shortcuts. They are off while typing in a field, and can be turned off
 * altogether (WCAG 2.1.4: a speech-input or screen-reader user may press letters by
 * accident); the choice is kept on this browser.
 */
import { msg } from '@lit/localize';

const STORAGE_KEY = 'newsroom-console:shortcuts';

export function shortcutsEnabled(): boolean {
  try {
    return localStorage.getItem(STORAGE_KEY) !== 'off';
  } catch {
    return true;
  }
}

export function setShortcutsEnabled(on: boolean): void {
  try {
    localStorage.setItem(STORAGE_KEY, on ? 'on' : 'off');
  } catch {
    // not kept: on for this page only
  }
}

const TEXT_INPUTS = new Set([
  'text',
  'search',
  'email',
  'password',
  'number',
  'url',
  'tel',
  'date',
  'datetime-local',
  'month',
  'time',
  'week',
]);

/**
 * Whether the key went to a place where letters are typed, or to a choice being made
 * (the reason list: a stray `a` there must not approve).
 */
export function isTyping(event: KeyboardEvent): boolean {
  const target = event.composedPath()[0];
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target.closest('fieldset')) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  return target instanceof HTMLInputElement && TEXT_INPUTS.has(target.type);
}

/** A shortcut may act on this key: no modifier (Shift only for `?`), not while typing. */
export function isShortcut(event: KeyboardEvent): boolean {
  if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return false;
  if (event.key === 'Escape') return true;
  if (!shortcutsEnabled() || isTyping(event)) return false;
  return event.key.length === 1;
}

export interface ShortcutHelp {
  keys: string[];
  label: () => string;
}

/** Every shortcut, for the help dialog. */
export const SHORTCUTS: ShortcutHelp[] = [
  { keys: ['j'], label: () => msg('Next item') },
  { keys: ['k'], label: () => msg('Previous item') },
  { keys: ['o', 'Enter'], label: () => msg('Open the item') },
  { keys: ['a'], label: () => msg('Approve (or restore, if reported)') },
  { keys: ['r'], label: () => msg('Reject (or remove, if approved): choose a reason') },
  { keys: ['x'], label: () => msg('Select or unselect the item') },
  { keys: ['f'], label: () => msg('Feature or unfeature an approved quote') },
  { keys: ['/'], label: () => msg('Search') },
  { keys: ['?'], label: () => msg('Show this list') },
  { keys: ['Escape'], label: () => msg('Close the reason list, the item or this dialog') },
  { keys: ['↑', '↓', '←', '→'], label: () => msg('Move within the list') },
];
