import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/**
 * Replaces the section between `<!-- <marker>:begin -->` and `<!-- <marker>:end -->` in the
 * benchmarks file (the section text carries both markers), or appends it when the file has none.
 */
export function writeBenchmarkSection(file: string, marker: string, section: string): void {
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const begin = `<!-- ${marker}:begin -->`;
  const end = `<!-- ${marker}:end -->`;
  if (!section.startsWith(begin) || !section.endsWith(end))
    throw new Error(`the section must start with ${begin} and end with ${end}`);
  const i = text.indexOf(begin);
  const j = text.indexOf(end);
  const next =
    i >= 0 && j > i
      ? text.slice(0, i) + section + text.slice(j + end.length)
      : `${text.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, next);
}
