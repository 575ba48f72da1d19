import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Chevrotain from 'chevrotain';

/**
 * Chevrotain, loaded from the single-file bundle its package ships (`lib/chevrotain.mjs`, same
 * version as the package entry). The package entry imports lodash-es as ~650 separate modules,
 * which takes 0.7 s under plain Node and about 2 s under tsx, at every process start; the bundle
 * loads in about 30 ms. Types still come from the package.
 */
const entry = createRequire(import.meta.url).resolve('chevrotain');
const bundle = join(dirname(entry), '..', 'chevrotain.mjs');
const chevrotain = (await import(pathToFileURL(bundle).href)) as typeof Chevrotain;

export const { createToken, Lexer, EmbeddedActionsParser, EOF } = chevrotain;
