/**
 * Characters that take no space on screen, refused in display names by the API and
 * by the form alike (one rule, one file): without them `Ad\u200bmin\u200d` would
 * show as "Admin". Every Unicode format character (Cf: zero-width space and joiners,
 * word joiner, BOM, soft hyphen, invisible operators, bidi controls, tag characters)
 * and every other default-ignorable one (Hangul fillers, variation selectors,
 * combining grapheme joiner), plus the blank Braille pattern U+2800.
 *
 * What emoji need is kept: a variation selector after an emoji, a zero-width joiner
 * between two emoji (👨‍👩‍👧, ❤️), and the tag characters of a subdivision flag.
 */
/** A variation selector that picks an emoji's text or colour form. */
const EMOJI_STYLE = /(\p{Emoji})[\uFE0E\uFE0F]/gu;
/** A joiner between two emoji (a skin tone may sit before it), or a subdivision flag's tags. */
const EMOJI_JOIN =
  /(\p{Extended_Pictographic}[\u{1F3FB}-\u{1F3FF}]?)\u200D(?=\p{Extended_Pictographic})|\u{1F3F4}[\u{E0020}-\u{E007E}]+\u{E007F}/gu;

const INVISIBLE = /[\p{Cf}\p{Default_Ignorable_Code_Point}\u2800]/u;

/** True when `text` holds a character that shows as nothing, outside an emoji sequence. */
export const hasInvisible = (text: string): boolean =>
  INVISIBLE.test(text.replace(EMOJI_STYLE, '$1').replace(EMOJI_JOIN, '$1'));
