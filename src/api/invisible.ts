/**
 * Characters that take no space on screen, refused in display names by the API and
 * by the form alike (one rule, one file): without them `Ad\u200bmin\u200d` would
 * show as "Admin". Every Unicode format character (Cf: zero-width space and joiners,
 * word joiner, BOM, soft hyphen, invisible operators, bidi controls, tag characters)
 * and every other default-ignorable one (Hangul fillers, variation selectors,
 * combining grapheme joiner), plus the blank Braille pattern U+2800.
 *
 * Emoji keep what they need: a variation selector after an emoji (❤️) and a joiner
 * between two emoji (👨‍👩‍👧, 🏳️‍🌈, 👩🏽‍💻). Tag characters are refused even in the
 * three subdivision flags: they can spell text nobody sees.
 */
// Short property names keep the widget bundle small: ExtPict is Extended_Pictographic,
// EMod Emoji_Modifier (the skin tones), DI Default_Ignorable_Code_Point.
const EMOJI_GLUE = /(\p{ExtPict}\p{EMod}?)\uFE0F?\u200D(?=\p{ExtPict})|(\p{Emoji})[\uFE0E\uFE0F]/gu;

const INVISIBLE = /[\p{Cf}\p{DI}\u2800]/u;

/** True when `text` holds a character that shows as nothing, outside an emoji sequence. */
export const hasInvisible = (text: string): boolean =>
  INVISIBLE.test(text.replace(EMOJI_GLUE, '$1$2'));
