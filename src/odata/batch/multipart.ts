/**
 * `multipart/mixed` bodies (RFC 2046 §5.1) as OData `$batch` uses them: parts separated by
 * `--<boundary>` lines, each with MIME headers, a blank line and a body. Both CRLF and bare LF
 * line ends are read; CRLF is written.
 */

/** A `$batch` body that cannot be read; the Web API answers 400. */
export class BatchFormatError extends Error {
  override name = 'BatchFormatError';
}

export interface MimePart {
  /** Header names in lower case; repeated headers joined with `, `. */
  headers: Record<string, string>;
  body: string;
}

/** The `boundary` parameter of a `multipart/mixed` Content-Type, or undefined. */
export function boundaryOf(contentType: string | undefined): string | undefined {
  if (contentType === undefined) return undefined;
  const [type = '', ...params] = contentType.split(';');
  if (type.trim().toLowerCase() !== 'multipart/mixed') return undefined;
  for (const p of params) {
    const eq = p.indexOf('=');
    if (eq < 0 || p.slice(0, eq).trim().toLowerCase() !== 'boundary') continue;
    let v = p.slice(eq + 1).trim();
    if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1);
    // RFC 2046: 1 to 70 characters, not ending in a space.
    if (v.length === 0 || v.length > 70 || v.endsWith(' ')) return undefined;
    return v;
  }
  return undefined;
}

/** Splits header lines from the body at the first blank line. */
export function splitHeadersAndBody(text: string): { headerLines: string[]; body: string } {
  const m = /\r?\n\r?\n/.exec(text);
  if (m === null) {
    // Only headers (or nothing): no blank line before the end.
    return { headerLines: text.split(/\r?\n/).filter((l) => l !== ''), body: '' };
  }
  return { headerLines: text.slice(0, m.index).split(/\r?\n/), body: text.slice(m.index + m[0].length) };
}

export function parseHeaderLines(lines: readonly string[], where: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of lines) {
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new BatchFormatError(`${where}: the header line '${line}' has no name.`);
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  return headers;
}

/** The parts of a multipart body. The preamble and epilogue are ignored. */
export function parseMultipart(text: string, boundary: string, where = 'batch'): MimePart[] {
  const delimiter = `--${boundary}`;
  const parts: MimePart[] = [];
  // Positions of delimiter lines: the delimiter at the start of a line.
  let searchFrom = 0;
  let start = -1; // start of the current part's content
  for (;;) {
    const at = text.indexOf(delimiter, searchFrom);
    if (at < 0) {
      throw new BatchFormatError(
        `${where}: the body does not end with the closing boundary '${delimiter}--'.`,
      );
    }
    searchFrom = at + delimiter.length;
    if (at > 0 && text[at - 1] !== '\n') continue;
    const after = text.slice(searchFrom, searchFrom + 2);
    const closing = after === '--';
    if (!closing) {
      const eol = /^[ \t]*\r?\n/.exec(text.slice(searchFrom));
      if (eol === null) continue; // the boundary text inside a line, not a delimiter
      searchFrom += eol[0].length;
    }
    if (start >= 0) {
      // The line break before a delimiter belongs to the delimiter.
      let end = at;
      if (text[end - 1] === '\n') end--;
      if (text[end - 1] === '\r') end--;
      const content = text.slice(start, Math.max(start, end));
      const { headerLines, body } = splitHeadersAndBody(content);
      parts.push({ headers: parseHeaderLines(headerLines, `${where} part ${parts.length + 1}`), body });
    }
    if (closing) return parts;
    start = searchFrom;
  }
}

export interface OutgoingPart {
  /** Written in the given order and case. */
  headers: Readonly<Record<string, string>>;
  body: string;
}

/** Writes parts with CRLF line ends and the closing delimiter. */
export function writeMultipart(parts: readonly OutgoingPart[], boundary: string): string {
  let out = '';
  for (const p of parts) {
    out += `--${boundary}\r\n`;
    for (const [k, v] of Object.entries(p.headers)) out += `${k}: ${v}\r\n`;
    out += `\r\n${p.body}\r\n`;
  }
  return `${out}--${boundary}--\r\n`;
}
