import { badPayload } from '../engine/errors.ts';

/**
 * Parses a JSON request body. An empty body is no body (DELETE and actions without parameters
 * often carry a JSON Content-Type anyway). `__proto__` keys are refused so a body can never reach
 * an object's prototype.
 */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text, (key, value: unknown) => {
      if (key === '__proto__') throw new SyntaxError("the property name '__proto__' is not allowed");
      return value;
    }) as unknown;
  } catch (err) {
    throw badPayload(`The request body is not valid JSON: ${(err as Error).message}`);
  }
}
