import { SaxesParser } from 'saxes';
import type { Loc } from './errors.ts';
import { FetchXmlError, fetchXmlError } from './errors.ts';
import { FetchXmlLimits } from './limits.ts';

/**
 * FetchXML text → a plain tree of elements with positions, read by saxes in strict mode. Only
 * well-formed XML gets through. A DOCTYPE is refused as soon as it is seen, so no declared entity
 * is ever expanded (saxes itself knows only the five predefined entities and character
 * references); processing instructions are refused too. The tree keeps each element's text so
 * the FetchXML parser can refuse text where FetchXML has none.
 */

export interface XmlElement {
  readonly name: string;
  /** Where the element's `<` is. */
  readonly loc: Loc;
  /** Attribute values, entity references already replaced. */
  readonly attributes: ReadonlyMap<string, string>;
  readonly children: readonly XmlElement[];
  /** The element's own character data (text and CDATA, not that of its children). */
  readonly text: string;
}

interface OpenElement {
  name: string;
  loc: Loc;
  attributes: Map<string, string>;
  children: XmlElement[];
  text: string;
}

/** Maps string offsets to lines and columns; line breaks as XML counts them (`\n`, `\r\n`, `\r`). */
class LineMap {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) this.starts.push(i + 1);
    }
  }

  locOf(offset: number): Loc {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (this.starts[lo] ?? 0) + 1 };
  }
}

/** saxes prefixes its messages with `line:column: `; the error carries the position separately. */
function saxesDetail(message: string): string {
  return message.replace(/^(?:[^:]*:)?\d+:\d+: /, '').replace(/\.$/, '');
}

/** Reads `text` as one XML document; throws `FetchXmlError` for anything that is not well-formed. */
export function readXmlDocument(text: string): XmlElement {
  const lines = new LineMap(text);
  const parser = new SaxesParser({ position: true });
  const stack: OpenElement[] = [];
  let root: XmlElement | undefined;
  let elements = 0;
  const here = (): Loc => ({ line: parser.line, column: Math.max(1, parser.column) });

  parser.on('doctype', () => {
    throw fetchXmlError(
      here(),
      'Malformed FetchXml: a DOCTYPE declaration is not allowed; FetchXML never declares or expands entities.',
    );
  });
  parser.on('processinginstruction', (pi) => {
    throw fetchXmlError(
      here(),
      `Malformed FetchXml: the processing instruction '<?${pi.target}' is not allowed.`,
    );
  });
  parser.on('opentagstart', (tag) => {
    elements++;
    // At this event saxes has just read the name (and what follows it, a `\r\n` counting once).
    const start = text.lastIndexOf(`<${tag.name}`, Math.max(0, parser.position - 1));
    const loc = lines.locOf(Math.max(0, start));
    if (stack.length >= FetchXmlLimits.maxDepth)
      throw fetchXmlError(
        loc,
        `The FetchXml nests elements more than ${FetchXmlLimits.maxDepth} levels deep.`,
      );
    if (elements > FetchXmlLimits.maxElements)
      throw fetchXmlError(loc, `The FetchXml has more than ${FetchXmlLimits.maxElements} elements.`);
    stack.push({ name: tag.name, loc, attributes: new Map(), children: [], text: '' });
  });
  parser.on('opentag', (tag) => {
    const open = stack[stack.length - 1];
    if (open === undefined) return;
    // Without namespace processing saxes gives attribute values as plain strings.
    for (const [name, value] of Object.entries(tag.attributes)) open.attributes.set(name, String(value));
  });
  const addText = (t: string) => {
    const open = stack[stack.length - 1];
    if (open !== undefined) open.text += t;
  };
  parser.on('text', addText);
  parser.on('cdata', addText);
  parser.on('closetag', () => {
    const open = stack.pop();
    if (open === undefined) return;
    const done: XmlElement = open;
    const parent = stack[stack.length - 1];
    if (parent !== undefined) parent.children.push(done);
    else root = done;
  });

  try {
    parser.write(text).close();
  } catch (err) {
    if (err instanceof FetchXmlError) throw err;
    const message = err instanceof Error ? err.message : String(err);
    throw fetchXmlError(here(), `Malformed FetchXml: ${saxesDetail(message)}.`);
  }
  if (root === undefined)
    throw fetchXmlError({ line: 1, column: 1 }, 'Malformed FetchXml: the document is empty.');
  return root;
}
