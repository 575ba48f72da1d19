import type { ReadItem } from '../../src/ingest/read-item.ts';

/** The UTF-8 bytes of `text` in chunks of `size` bytes (splitting multi-byte characters too). */
export async function* byteChunks(text: string, size: number): AsyncGenerator<Uint8Array> {
  const bytes = Buffer.from(text, 'utf8');
  for (let i = 0; i < bytes.length; i += size) {
    await Promise.resolve();
    yield bytes.subarray(i, i + size);
  }
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** Reads `text` whole and in chunk sizes 1, 2, 3, 7 and 64; asserts every split gives the same items. */
export async function readAllSplits(
  text: string,
  read: (input: AsyncIterable<Uint8Array>) => AsyncIterable<ReadItem>,
): Promise<ReadItem[]> {
  const whole = await collect(read(byteChunks(text, Number.MAX_SAFE_INTEGER)));
  for (const size of [1, 2, 3, 7, 64]) {
    const split = await collect(read(byteChunks(text, size)));
    if (JSON.stringify(split) !== JSON.stringify(whole)) {
      throw new Error(
        `chunks of ${size} bytes read differently:\n${JSON.stringify(split)}\nvs whole:\n${JSON.stringify(whole)}`,
      );
    }
  }
  return whole;
}
