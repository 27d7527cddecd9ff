/**
 * Text the engine can store: PostgreSQL refuses U+0000 in `text` and `jsonb`, and neither it nor
 * the audit hash (RFC 8785 canonical JSON) takes a lone UTF-16 surrogate — ill-formed Unicode
 * that JSON's `\uD83D` escapes can carry. Checked at the API boundary and again before every
 * projection write, so no such string reaches a case's workflow state or its audit chain.
 */

/** Why a string cannot be stored. */
export type UnstorableReason = 'nul' | 'lone-surrogate';

/** One unstorable string (a value or an object key) in a JSON-like value, by its dotted path. */
export interface UnstorableText {
  path: string;
  reason: UnstorableReason;
}

// A high surrogate not followed by a low one, or a low surrogate not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** `s` with every lone surrogate replaced by U+FFFD and NUL by U+2400 (␀), safe to echo in a message. */
export function printable(s: string): string {
  return s.replace(new RegExp(LONE_SURROGATE.source, 'g'), '\uFFFD').replaceAll('\u0000', '\u2400');
}

/** Why `s` cannot be stored, or null when it can. */
export function unstorableReason(s: string): UnstorableReason | null {
  if (s.includes('\u0000')) return 'nul';
  if (LONE_SURROGATE.test(s)) return 'lone-surrogate';
  return null;
}

/**
 * Every unstorable string in `value` (at most `limit`), walking it without recursion so that any
 * nesting depth is safe. Paths start with `root` and name array indices as numbers.
 */
export function findUnstorableText(value: unknown, root: string, limit = 20): UnstorableText[] {
  const found: UnstorableText[] = [];
  const stack: [unknown, string][] = [[value, root]];
  while (stack.length > 0 && found.length < limit) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      const reason = unstorableReason(v);
      if (reason) found.push({ path, reason });
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i -= 1) stack.push([v[i], `${path}.${i}`]);
    } else if (v !== null && typeof v === 'object') {
      const entries = Object.entries(v);
      for (let i = entries.length - 1; i >= 0; i -= 1) {
        const [k, child] = entries[i]!;
        const reason = unstorableReason(k);
        if (reason) found.push({ path: `${path}.${printable(k)}`, reason });
        else stack.push([child, `${path}.${k}`]);
      }
    }
  }
  return found;
}

/** A bilingual phrase for a reason, for messages that name the field. */
export const UNSTORABLE_REASON_TEXT: Record<UnstorableReason, { zh: string; en: string }> = {
  nul: { zh: '含有空字符（U+0000），无法保存', en: 'contains a NUL character (U+0000), which cannot be stored' },
  'lone-surrogate': {
    zh: '含有不成对的 UTF-16 代理项（不合法的 Unicode），无法保存',
    en: 'contains a lone UTF-16 surrogate (ill-formed Unicode), which cannot be stored',
  },
};
