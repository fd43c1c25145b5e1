import { describe, expect, it } from 'vitest';
import { readCapped } from '../../shared/readCapped.ts';
import { readWhole } from '../../shared/readWhole.ts';

/** A stream of the given chunks; `cancelled` resolves when the reader cancels it. */
function chunks(...parts: string[]) {
  let cancel!: () => void;
  const cancelled = new Promise<void>((resolve) => (cancel = resolve));
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const p of parts) controller.enqueue(new TextEncoder().encode(p));
      controller.close();
    },
    cancel: () => cancel(),
  });
  return { stream, cancelled };
}

const text = (bytes: Uint8Array | undefined) => (bytes === undefined ? undefined : new TextDecoder().decode(bytes));

describe('Function: readCapped', () => {
  it.each<[string, string[], number, string | undefined]>([
    ['an empty stream', [], 10, ''],
    ['one chunk', ['abc'], 3, 'abc'],
    ['several chunks, joined in order', ['ab', 'cd', 'e'], 5, 'abcde'],
    ['one byte over the cap', ['ab', 'cd'], 3, undefined],
  ])('%s', async (_name, parts, cap, expected) => {
    expect(text(await readCapped(chunks(...parts).stream, cap))).toBe(expected);
  });

  it('cancels a stream that grows past the cap, so the rest is never read', async () => {
    const { stream, cancelled } = chunks('abcd', 'efgh');
    expect(await readCapped(stream, 2)).toBeUndefined();
    await cancelled;
  });
});

describe('Function: readWhole', () => {
  const broken = () =>
    new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('part'));
        controller.error(new Error('connection reset'));
      },
    });

  it.each<[string, () => ReadableStream<Uint8Array> | null, string | null, number, string | undefined]>([
    ['no body and no Content-Length is an empty body', () => null, null, 10, ''],
    ['a body matching its Content-Length', () => chunks('ab', 'c').stream, ' 3 ', 10, 'abc'],
    ['a body without Content-Length', () => chunks('abc').stream, null, 10, 'abc'],
    ['a body shorter than its Content-Length (broke off)', () => chunks('ab').stream, '3', 10, undefined],
    ['a Content-Length that is not a number', () => chunks('abc').stream, '3, 3', 10, undefined],
    ['a body over the cap', () => chunks('abcdef').stream, null, 3, undefined],
    ['a stream that errors', broken, null, 10, undefined],
  ])('%s', async (_name, stream, contentLength, cap, expected) => {
    expect(text(await readWhole(stream(), contentLength, cap))).toBe(expected);
  });
});
