/**
 * Validation messages in Simplified Chinese and English. A zod schema carries one message string,
 * so a schema shared by the API, the workflows and the console (here in `domain/`) writes both
 * languages into it as `中文 / English`; the API splits it again and answers in the caller's
 * language (api/validation.ts).
 */

const SEPARATOR = ' / ';
const CJK = /[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]/;

/** One message in both languages, as a zod schema carries it: `中文 / English`. */
export function bilingual(zh: string, en: string): string {
  return `${zh}${SEPARATOR}${en}`;
}

/**
 * The two halves of a {@link bilingual} message: the Chinese before the first ` / ` and the English
 * after it. Null when the message is not one (no separator, or no Chinese before it).
 */
export function splitBilingual(message: string): { zh: string; en: string } | null {
  const at = message.indexOf(SEPARATOR);
  if (at <= 0) return null;
  const zh = message.slice(0, at);
  const en = message.slice(at + SEPARATOR.length);
  if (!CJK.test(zh) || en.length === 0) return null;
  return { zh, en };
}
