import { STATUS_CODES } from 'node:http';
import { BatchFormatError, parseHeaderLines, splitHeadersAndBody } from './multipart.ts';

/**
 * The `application/http` messages inside `$batch` parts: a request line (or status line),
 * headers, a blank line and the body.
 */

export interface HttpRequestMessage {
  method: string;
  /** As written: absolute URL, absolute path, path relative to the service root, or `$n/...`. */
  url: string;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: string;
}

export interface HttpResponseMessage {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The URL may hold unencoded spaces (some clients send `$filter` so): it runs up to the HTTP version. */
const REQUEST_LINE = /^([A-Za-z]+)\s+(\S(?:.*\S)?)\s+HTTP\/\d(?:\.\d)?\s*$|^([A-Za-z]+)\s+(\S+)\s*$/;
const STATUS_LINE = /^HTTP\/\d(?:\.\d)?\s+(\d{3})(?:\s.*)?$/;

/** Header lines and body after the start line; a blank line right after it means no headers. */
function headersAndBody(rest: string): { headerLines: string[]; body: string } {
  if (rest === '') return { headerLines: [], body: '' };
  const blank = /^\r?\n/.exec(rest);
  if (blank !== null) return { headerLines: [], body: rest.slice(blank[0].length) };
  return splitHeadersAndBody(rest);
}

/** Leading blank lines are tolerated (some clients add one after the part headers). */
function firstLine(text: string): { line: string; rest: string } {
  const trimmed = text.replace(/^(?:\r?\n)+/, '');
  const m = /\r?\n/.exec(trimmed);
  if (m === null) return { line: trimmed, rest: '' };
  return { line: trimmed.slice(0, m.index), rest: trimmed.slice(m.index + m[0].length) };
}

export function parseHttpRequest(text: string, where: string): HttpRequestMessage {
  const { line, rest } = firstLine(text);
  const m = REQUEST_LINE.exec(line);
  if (m === null)
    throw new BatchFormatError(
      `${where}: '${line}' is not an HTTP request line such as 'GET contacts HTTP/1.1'.`,
    );
  const { headerLines, body } = headersAndBody(rest);
  return {
    method: (m[1] ?? m[3] ?? '').toUpperCase(),
    url: m[2] ?? m[4] ?? '',
    headers: parseHeaderLines(headerLines, where),
    body: body.replace(/\r?\n$/, ''),
  };
}

export function parseHttpResponse(text: string, where: string): HttpResponseMessage {
  const { line, rest } = firstLine(text);
  const m = STATUS_LINE.exec(line);
  if (m === null) throw new BatchFormatError(`${where}: '${line}' is not an HTTP status line.`);
  const { headerLines, body } = headersAndBody(rest);
  return { status: Number(m[1]), headers: parseHeaderLines(headerLines, where), body };
}

function headerText(headers: Readonly<Record<string, string>>): string {
  return Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
}

export function writeHttpRequest(m: {
  method: string;
  url: string;
  headers?: Readonly<Record<string, string>>;
  body?: string;
}): string {
  return `${m.method} ${m.url} HTTP/1.1\r\n${headerText(m.headers ?? {})}\r\n${m.body ?? ''}`;
}

export function writeHttpResponse(m: {
  status: number;
  headers: Readonly<Record<string, string>>;
  body: string;
}): string {
  return `HTTP/1.1 ${m.status} ${STATUS_CODES[m.status] ?? ''}\r\n${headerText(m.headers)}\r\n${m.body}`;
}
