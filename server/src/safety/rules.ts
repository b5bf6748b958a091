/**
 * Auto-hold rules: what in a reader's message asks for a closer look before it is
 * published. They only flag; people decide. Pure functions, no I/O: the campaign's
 * settings are compiled once (`compileRules`) and every message is checked against them
 * (`checkMessage`).
 *
 * Everything is matched on folded text (`fold`), so that full-width letters, digits
 * and signs, upper case and characters that show as nothing do not get a word, a
 * number or an address past the rules: "ｂ\u200bａｄ" is "bad".
 *
 * - Words: a word with a character of a script written without spaces (Han, kana,
 *   Hangul, Thai, Lao, Khmer, Myanmar) matches anywhere, as a substring; any other word
 *   matches as a whole word (a letter, digit or combining mark right before or after it
 *   stops the match, so "ass" is not in "class"), except that a character of those
 *   scripts does not stop it ("真是bad透了" holds "bad"). A phrase matches whatever the
 *   white space between its words. The detail is the word as staff typed it, the one
 *   that comes first in the message.
 * - Links: `http://` and `https://` URLs, `www.` hosts, and bare domains whose top-level
 *   domain is a common one (see `LINK_TLDS`), punycode, a Chinese one (`.中国`), or that
 *   are followed by a path (`t.cn/abc`). "。" and "．" count as dots. Other bare words
 *   with a dot ("Mr.Li", "node.js", "e.g.", "3.5") are not links. An email address is
 *   not a link. The detail is the host.
 * - Phones: mainland mobiles, landlines with an area code, and `+` numbers of 8 to 15
 *   digits, with spaces or hyphens between groups. Dates, years, prices and counts are
 *   not phones. No detail: the number is someone's personal information.
 * - Emails: an address anywhere in the message. No detail, for the same reason.
 */
import { createHash } from 'node:crypto';
import type { ItemFlag } from '../../../src/api/newsroom.js';

export interface RuleSettings {
  /** Words of every list (both languages), as staff typed them. */
  words: string[];
  holdLinks: boolean;
  holdPhones: boolean;
  holdEmails: boolean;
}

/** The settings turned into patterns; build once with `compileRules`, use for every message. */
export interface CompiledRules {
  /** Whole-word matcher for the words of spaced scripts; null when there are none. */
  readonly latin: RegExp | null;
  /** Substring matcher for the words with a character of a script without spaces. */
  readonly unspaced: RegExp | null;
  /** Folded word → the word as staff typed it (the first of those that fold alike). */
  readonly typed: ReadonlyMap<string, string>;
  readonly holdLinks: boolean;
  readonly holdPhones: boolean;
  readonly holdEmails: boolean;
}

/** Scripts written without spaces between words. */
const UNSPACED_CLASS =
  '[\\p{sc=Han}\\p{sc=Hiragana}\\p{sc=Katakana}\\p{sc=Hangul}\\p{sc=Bopomofo}' +
  '\\p{sc=Thai}\\p{sc=Lao}\\p{sc=Khmer}\\p{sc=Myanmar}]';
const UNSPACED = new RegExp(UNSPACED_CLASS, 'u');

/**
 * A letter, digit or combining mark of a spaced script: what continues a word. The
 * patterns that use it take the `v` flag for the class difference; one class in a
 * lookbehind is several times faster than an alternation of lookbehinds.
 */
const WORD_CLASS = `[[\\p{L}\\p{N}\\p{M}]--${UNSPACED_CLASS}]`;
const WORD_CHAR = new RegExp(WORD_CLASS, 'v');
const WORD_START = `(?<!${WORD_CLASS})`;
const WORD_END = `(?!${WORD_CLASS})`;

/**
 * Characters that show as nothing: every format character (zero-width space and
 * joiners, word joiner, soft hyphen, BOM, bidi controls, tag characters), every other
 * default-ignorable one (variation selectors, Hangul fillers, the combining grapheme
 * joiner) and the blank Braille pattern. The same set `src/api/invisible.ts` refuses in
 * display names.
 */
const INVISIBLE = /[\p{Cf}\p{DI}\u2800]/gu;

/**
 * NFKC, full-width/half-width folding, lower case, invisible characters (zero-width,
 * soft hyphen, BOM, variation selectors) removed, runs of whitespace as one space.
 * "ｂａｄ" and "bad" fold alike; "ＢＡＤ" too.
 */
export function fold(text: string): string {
  // Invisible characters go first, so that a letter and its combining accent on either
  // side of one still compose; NFKC again after lower-casing, which can decompose.
  return text
    .replace(INVISIBLE, '')
    .normalize('NFKC')
    .toLowerCase()
    .normalize('NFKC')
    .replace(INVISIBLE, '')
    .replace(/\s+/gu, ' ')
    .trim();
}

/** The characters a `u`- or `v`-mode RegExp gives a meaning to outside a class. */
const SYNTAX_CHARS = new Set('\\^$.*+?()[]{}|/');

/** Escapes `text` for a RegExp, character by character (the trie escapes one at a time). */
function escapeRegExp(text: string): string {
  let escaped = '';
  for (const char of text) escaped += SYNTAX_CHARS.has(char) ? `\\${char}` : char;
  return escaped;
}

/**
 * One alternation for many literal words, as a trie: words that share a beginning share
 * it in the pattern, so the engine tries each character of the message against a few
 * branches, not against every word. Longer words come before their own prefixes, so
 * "bad word" wins over "bad" where both match.
 */
function trieAlternation(words: string[]): string {
  interface Node {
    children: Map<string, Node>;
    end: boolean;
  }
  const root: Node = { children: new Map(), end: false };
  for (const word of words) {
    let node = root;
    for (const char of word) {
      let next = node.children.get(char);
      if (!next) {
        next = { children: new Map(), end: false };
        node.children.set(char, next);
      }
      node = next;
    }
    node.end = true;
  }
  const render = (node: Node): string => {
    const branches: string[] = [];
    for (const [char, child] of node.children) {
      // A chain of single children (the tail of one word) is written out in one go.
      let chain = escapeRegExp(char);
      let tail = child;
      while (!tail.end && tail.children.size === 1) {
        const [[nextChar, nextNode]] = tail.children;
        chain += escapeRegExp(nextChar);
        tail = nextNode;
      }
      branches.push(chain + render(tail));
    }
    if (branches.length === 0) return '';
    const body = branches.length === 1 ? branches[0] : `(?:${branches.join('|')})`;
    // A node that ends a word and goes on: the longer words are tried first (greedy `?`).
    return node.end ? `(?:${body})?` : body;
  };
  return render(root);
}

export function compileRules(settings: RuleSettings): CompiledRules {
  const typed = new Map<string, string>();
  const bounded: [string[], string[], string[], string[]] = [[], [], [], []];
  const unspaced: string[] = [];
  for (const word of settings.words) {
    const folded = fold(word);
    if (folded === '' || typed.has(folded)) continue;
    typed.set(folded, word);
    if (UNSPACED.test(folded)) {
      unspaced.push(folded);
      continue;
    }
    // A boundary is required only where the word itself begins or ends with a letter
    // or digit: "c++" is found in "c++11", "bad" is not in "badge".
    const chars = [...folded];
    const start = WORD_CHAR.test(chars[0]);
    const end = WORD_CHAR.test(chars[chars.length - 1]);
    bounded[(start ? 2 : 0) + (end ? 1 : 0)].push(folded);
  }
  const latinParts = bounded.flatMap((words, index) => {
    if (words.length === 0) return [];
    const start = index >= 2 ? WORD_START : '';
    const end = index % 2 === 1 ? WORD_END : '';
    return [`${start}(?:${trieAlternation(words)})${end}`];
  });
  return {
    latin: latinParts.length > 0 ? new RegExp(latinParts.join('|'), 'v') : null,
    unspaced: unspaced.length > 0 ? new RegExp(trieAlternation(unspaced), 'u') : null,
    typed,
    holdLinks: settings.holdLinks,
    holdPhones: settings.holdPhones,
    holdEmails: settings.holdEmails,
  };
}

/** The staff's word that comes first in the folded message, or null. */
function findWord(rules: CompiledRules, folded: string): string | null {
  const latin = rules.latin?.exec(folded) ?? null;
  const unspaced = rules.unspaced?.exec(folded) ?? null;
  const first =
    latin && unspaced ? (unspaced.index < latin.index ? unspaced : latin) : (latin ?? unspaced);
  return first ? (rules.typed.get(first[0]) ?? first[0]) : null;
}

// --- Links and emails -------------------------------------------------------------

/** Chinese top-level domains people write in Chinese characters. */
// prettier-ignore
const CHINESE_TLDS = [
  '中国', '中國', '公司', '网络', '網絡', '在线', '网址', '网站', '网店', '商城',
  '商店', '集团', '我爱你', '中文网', '香港', '台湾', '台灣', '澳門', '新加坡',
  '信息', '手机', '移动', '游戏', '广东', '佛山', '时尚', '商标', '购物', '娱乐',
  '慈善', '政务', '公益',
];

/**
 * Top-level domains common enough that a bare `name.tld` is taken for a link. Those
 * that are also ordinary words or file types after a dot left out of a space ("Mr.Li",
 * "log.in", "do.it", "node.js", "app.py") are not listed: with them a host counts as a
 * link only after `http(s)://` or `www.`, or with a path.
 */
// prettier-ignore
const LINK_TLDS = new Set([
  'com', 'net', 'org', 'edu', 'gov', 'mil', 'int', 'info', 'biz', 'name', 'pro', 'mobi',
  'asia', 'cn', 'hk', 'mo', 'tw', 'jp', 'kr', 'sg', 'th', 'vn', 'ph', 'uk', 'de', 'fr',
  'es', 'nl', 'ru', 'eu', 'ca', 'au', 'nz', 'br', 'io', 'co', 'me', 'tv', 'cc', 'ly', 'gl',
  'top', 'xyz', 'vip', 'club', 'shop', 'site', 'online', 'store', 'app', 'dev', 'icu',
  'ltd', 'cloud', 'tech', 'link', 'click', 'live', 'fun', 'ink', 'ren', 'work', 'win',
  'bid', 'loan', 'buzz', 'website', 'space', 'email', 'tk', 'ml', 'ga', 'cf', 'gq', 'ws',
]);

// Written for `v`-mode patterns, where a hyphen in a class is escaped.
const LABEL = '[a-z0-9](?:[a-z0-9\\-]{0,61}[a-z0-9])?';
const TLD = `(?:[a-z]{2,24}|xn--[a-z0-9\\-]{1,59}|${CHINESE_TLDS.join('|')})`;

/** Where a host or the local part of an address may begin: not inside a word or an address. */
const HOST_START = `(?<![[\\p{L}\\p{N}\\p{M}_.@%+\\-]--${UNSPACED_CLASS}])`;
/** After a host: not a letter, digit or hyphen of the same word (an unspaced script is fine). */
const HOST_END = `(?![[\\p{L}\\p{N}\\p{M}_\\-]--${UNSPACED_CLASS}])`;

const EMAIL_SOURCE = `${HOST_START}[a-z0-9._%+\\-]+@(?:${LABEL}\\.)+${TLD}${HOST_END}`;
const EMAIL = new RegExp(EMAIL_SOURCE, 'v');
const EMAILS = new RegExp(EMAIL_SOURCE, 'gv');

/** A URL with a scheme; group 1 is its authority (user info, host, port). */
const SCHEME_URL = /https?:\/\/([\p{L}\p{N}\p{M}._~%:@[\]-]+)/gu;
/** A bare host (group 1), and whether a path follows it (group 2). */
const BARE_HOST = new RegExp(`${HOST_START}((?:${LABEL}\\.)+${TLD})${HOST_END}(\\/)?`, 'gv');
/** Cuts a scheme URL's host where Chinese text follows it without a space. */
const TRAILING_UNSPACED = new RegExp(`(?<=[a-z0-9-])${UNSPACED_CLASS}.*$`, 'u');

function isBareLink(host: string, path: boolean): boolean {
  const tld = host.slice(host.lastIndexOf('.') + 1);
  return (
    path ||
    host.startsWith('www.') ||
    LINK_TLDS.has(tld) ||
    tld.startsWith('xn--') ||
    CHINESE_TLDS.includes(tld)
  );
}

function hostOf(authority: string): string {
  let host = authority.slice(authority.lastIndexOf('@') + 1);
  host = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:.*$/, '');
  return host.replace(TRAILING_UNSPACED, '').replace(/\.+$/, '');
}

const blank = (match: string) => ' '.repeat(match.length);

interface AddressScan {
  /** The host of the first link, or null. */
  link: string | null;
  email: boolean;
}

/**
 * Links and emails of a folded message. URLs with a scheme are taken out first (their
 * `user@host` is no email address), then email addresses (whose domain is no link),
 * then what is left is searched for bare hosts. Blanking keeps every position.
 */
function scanAddresses(folded: string): AddressScan {
  // "。" is no dot under NFKC, and "．" is one after it; both are dots for addresses.
  const text = folded.replace(/[。．]/g, '.');
  let link: { host: string; index: number } | null = null;
  // The cheap tests first: most messages have no "@", no "://", often no dot.
  const hasUrl = text.includes('://');
  for (const match of hasUrl ? text.matchAll(SCHEME_URL) : []) {
    const host = hostOf(match[1]);
    if (host !== '') {
      link = { host, index: match.index };
      break;
    }
  }
  const withoutUrls = hasUrl ? text.replace(SCHEME_URL, blank) : text;
  const email = withoutUrls.includes('@') && EMAIL.test(withoutUrls);
  const rest = email ? withoutUrls.replace(EMAILS, blank) : withoutUrls;
  for (const match of rest.includes('.') ? rest.matchAll(BARE_HOST) : []) {
    if (link !== null && link.index < match.index) break;
    if (isBareLink(match[1], match[2] !== undefined)) {
      link = { host: match[1], index: match.index };
      break;
    }
  }
  return { link: link?.host ?? null, email };
}

// --- Phones -----------------------------------------------------------------------

/** Between groups of digits: one space or one hyphen (or a dash), maybe with spaces. */
const SEP = '(?: ?[-\u2010-\u2015] ?| )';
const CN_PREFIX = `(?:\\+|00)86${SEP}?`;
const PHONE = new RegExp(
  [
    // Mainland mobile: 1[3-9]x xxxx xxxx, optionally +86 / 0086.
    `(?<![\\d+])(?:${CN_PREFIX})?1[3-9]\\d${SEP}?\\d{4}${SEP}?\\d{4}(?!\\d)`,
    // Landline with its area code: 023-67158993, (023) 6715 8993.
    `(?<![\\d+])(?:\\(0\\d{2,3}\\)|0\\d{2,3})${SEP}?\\d{3,4}${SEP}?\\d{4}(?!\\d)`,
    // The same from abroad: +86-23-67158993, +86 (23) 6715 8993.
    `(?<![\\d+])${CN_PREFIX}(?:\\(0?[1-9]\\d{1,2}\\)|0?[1-9]\\d{1,2})${SEP}?\\d{3,4}${SEP}?\\d{4}(?!\\d)`,
    // Any other international number: + and 8 to 15 digits, with separators.
    `(?<![\\p{L}\\p{N}+])\\+(?:\\d(?:[ .()-]|[\u2010-\u2015]){0,2}){7,14}\\d(?!\\d)`,
  ].join('|'),
  'u',
);

// --- Messages ---------------------------------------------------------------------

/** The flags of a message, in HOLD_FLAGS order, each code at most once. */
export function checkMessage(rules: CompiledRules, message: string): ItemFlag[] {
  const folded = fold(message);
  const flags: ItemFlag[] = [];

  const word = findWord(rules, folded);
  if (word !== null) flags.push({ code: 'word', detail: word });

  const addresses =
    rules.holdLinks || rules.holdEmails ? scanAddresses(folded) : { link: null, email: false };
  if (rules.holdLinks && addresses.link !== null) {
    flags.push({ code: 'link', detail: addresses.link });
  }
  if (rules.holdPhones && /\d/.test(folded) && PHONE.test(folded))
    flags.push({ code: 'phone', detail: null });
  if (rules.holdEmails && addresses.email) flags.push({ code: 'email', detail: null });
  return flags;
}

/**
 * Hex SHA-256 of the folded message with all whitespace and punctuation removed: "the
 * same text sent again" whatever its spacing or width.
 */
export function textFingerprint(message: string): string {
  const bare = fold(message).replace(/[\s\p{P}\p{Z}]/gu, '');
  return createHash('sha256').update(bare, 'utf8').digest('hex');
}
