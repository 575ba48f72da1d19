/**
 * Text matching that behaves the same on every store. LIKE patterns are always written with `\`
 * as the escape character (`LIKE ... ESCAPE '\'`), because PostgreSQL escapes with `\` by default
 * and DuckDB does not escape at all.
 */

/** `text` as a LIKE pattern that matches exactly itself. */
export function escapeLikeText(text: string): string {
  return text.replace(/[\\%_]/g, '\\$&');
}

/**
 * A Dataverse LIKE pattern (SQL Server syntax: `%`, `_`, `[abc]`, `[^abc]`, `[a-z]`) translated
 * for the store: a portable LIKE pattern when it has no character class, else a regular expression
 * (unanchored source; the dialect anchors it) in the common subset of RE2 and PostgreSQL AREs.
 */
export type TranslatedPattern = { kind: 'like'; pattern: string } | { kind: 'regex'; source: string };

/** ASCII punctuation is escaped with `\` in regexes: both engines read `\<punct>` as the literal. */
const REGEX_PUNCTUATION = /[!-/:-@[-`{-~]/;

function regexLiteral(c: string): string {
  return REGEX_PUNCTUATION.test(c) ? `\\${c}` : c;
}

function classMember(c: string): string {
  return c === '\\' || c === ']' || c === '[' || c === '^' ? `\\${c}` : c;
}

interface CharClass {
  negated: boolean;
  members: string;
  end: number;
}

/** The character class starting at `pattern[start] === '['`, or null when `[` is literal. */
function readClass(pattern: string, start: number): CharClass | null {
  let i = start + 1;
  const negated = pattern[i] === '^';
  if (negated) i++;
  const close = pattern.indexOf(']', i);
  if (close <= i) return null;
  return { negated, members: pattern.slice(i, close), end: close };
}

export function translateDataversePattern(pattern: string): TranslatedPattern {
  let like = '';
  let regex = '';
  let hasClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charAt(i);
    if (c === '[') {
      const cls = readClass(pattern, i);
      if (cls !== null) {
        hasClass = true;
        regex += `[${cls.negated ? '^' : ''}${[...cls.members].map(classMember).join('')}]`;
        i = cls.end;
        continue;
      }
    }
    if (c === '%') {
      like += '%';
      regex += '.*';
    } else if (c === '_') {
      like += '_';
      regex += '.';
    } else {
      like += c === '\\' ? '\\\\' : c;
      regex += regexLiteral(c);
    }
  }
  return hasClass ? { kind: 'regex', source: regex } : { kind: 'like', pattern: like };
}
