/**
 * The `Prefer` request header (RFC 7240, OData 4.0 §8.2.8) as Dataverse reads it:
 * `return=representation`, `odata.maxpagesize=N`, `odata.include-annotations="…"`,
 * `odata.continue-on-error` (for `$batch`) and `odata.track-changes`.
 */

/** The default and largest page size Dataverse serves. */
export const MAX_PAGE_SIZE = 5000;

/** Which instance annotations a client asked for (`*`, `Namespace.*`, exact terms, `-excluded`). */
export class AnnotationFilter {
  private readonly include: string[];
  private readonly exclude: string[];

  /** `source` is the preference value as the client sent it, echoed in `Preference-Applied`. */
  constructor(readonly source: string) {
    const patterns = source
      .split(',')
      .map((p) => p.trim().toLowerCase())
      .filter((p) => p !== '');
    this.include = patterns.filter((p) => !p.startsWith('-'));
    this.exclude = patterns.filter((p) => p.startsWith('-')).map((p) => p.slice(1));
  }

  /** True when the annotation term (e.g. `OData.Community.Display.V1.FormattedValue`) is wanted. */
  includes(term: string): boolean {
    const t = term.toLowerCase();
    const matches = (p: string) => p === '*' || p === t || (p.endsWith('.*') && t.startsWith(p.slice(0, -1)));
    if (this.exclude.some(matches)) return false;
    return this.include.some(matches);
  }

  /** True when nothing at all can match (e.g. `-*`), so no annotation work is needed. */
  get isEmpty(): boolean {
    return this.include.length === 0 || this.exclude.includes('*');
  }
}

export interface Preferences {
  /** `return=representation`: POST/PATCH answer with the record. */
  returnRepresentation: boolean;
  /** `odata.maxpagesize=N` when N is a positive integer (capped at 5000). */
  maxPageSize?: number;
  /** `odata.include-annotations`, when sent. */
  annotations?: AnnotationFilter;
  /** `odata.continue-on-error` (also `continue-on-error`): a `$batch` goes on after a failed request. */
  continueOnError: boolean;
  trackChanges: boolean;
}

/** Splits on `sep` outside double quotes. */
function splitOutsideQuotes(text: string, sep: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] ?? '';
    if (ch === '\\' && quoted && i + 1 < text.length) {
      current += ch + (text[i + 1] ?? '');
      i++;
      continue;
    }
    if (ch === '"') quoted = !quoted;
    if (ch === sep && !quoted) {
      parts.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  parts.push(current);
  return parts;
}

function unquote(value: string): string {
  const v = value.trim();
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) return v.slice(1, -1).replace(/\\(.)/g, '$1');
  return v;
}

/** Parses one or more `Prefer` headers; unknown preferences are ignored, as RFC 7240 requires. */
export function parsePrefer(header: string | readonly string[] | undefined): Preferences {
  const prefs: Preferences = { returnRepresentation: false, continueOnError: false, trackChanges: false };
  if (header === undefined) return prefs;
  const text = typeof header === 'string' ? header : header.join(',');
  for (const item of splitOutsideQuotes(text, ',')) {
    // Parameters after ';' carry nothing Dataverse uses.
    const [head = ''] = splitOutsideQuotes(item, ';');
    const eq = head.indexOf('=');
    const name = (eq < 0 ? head : head.slice(0, eq)).trim().toLowerCase();
    const value = eq < 0 ? undefined : unquote(head.slice(eq + 1));
    switch (name) {
      case 'return':
        if (value?.toLowerCase() === 'representation') prefs.returnRepresentation = true;
        if (value?.toLowerCase() === 'minimal') prefs.returnRepresentation = false;
        break;
      case 'odata.maxpagesize':
      case 'maxpagesize': {
        const n = value !== undefined && /^\d+$/.test(value) ? Number(value) : NaN;
        if (Number.isSafeInteger(n) && n > 0) prefs.maxPageSize = Math.min(n, MAX_PAGE_SIZE);
        break;
      }
      case 'odata.include-annotations':
      case 'include-annotations':
        if (value !== undefined) prefs.annotations = new AnnotationFilter(value);
        break;
      case 'odata.continue-on-error':
      case 'continue-on-error':
        prefs.continueOnError = value === undefined || value.toLowerCase() !== 'false';
        break;
      case 'odata.track-changes':
      case 'track-changes':
        prefs.trackChanges = true;
        break;
      default:
        break;
    }
  }
  return prefs;
}

/** Builds a `Preference-Applied` header value, or undefined when nothing was applied. */
export function preferenceApplied(applied: readonly string[]): string | undefined {
  return applied.length === 0 ? undefined : applied.join(',');
}

export const applied = {
  returnRepresentation: 'return=representation',
  maxPageSize: (n: number) => `odata.maxpagesize=${n}`,
  annotations: (f: AnnotationFilter) => `odata.include-annotations="${f.source}"`,
  continueOnError: 'odata.continue-on-error',
} as const;
