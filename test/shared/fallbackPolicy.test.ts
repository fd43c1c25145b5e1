import { describe, expect, it } from 'vitest';
import { decideFallback, isFallbackStatus, wasNotSent, type FallbackInput } from '../../shared/index.ts';

const defaults = { fallbackOn: { codes: new Set([404]), classes: new Set([5]) }, idempotentOnly: false, notSent: false, method: 'GET' };

describe('Function: decideFallback (SPEC 3.5, 3.7)', () => {
  it.each<[string, Partial<FallbackInput> & Pick<FallbackInput, 'outcome'>, string]>([
    ['200 is the answer', { outcome: 'status', status: 200 }, 'answer'],
    ['302 is the answer (redirects are not followed)', { outcome: 'status', status: 302 }, 'answer'],
    ['400 is the answer', { outcome: 'status', status: 400 }, 'answer'],
    ['401 is the answer', { outcome: 'status', status: 401 }, 'answer'],
    ['403 is the answer', { outcome: 'status', status: 403 }, 'answer'],
    ['409 is the answer', { outcome: 'status', status: 409 }, 'answer'],
    ['422 is the answer', { outcome: 'status', status: 422 }, 'answer'],
    ['429 is the answer', { outcome: 'status', status: 429 }, 'answer'],
    ['404 falls back', { outcome: 'status', status: 404 }, 'next'],
    ['500 falls back', { outcome: 'status', status: 500 }, 'next'],
    ['503 falls back', { outcome: 'status', status: 503 }, 'next'],
    ['timeout falls back', { outcome: 'timeout' }, 'next'],
    ['connection error falls back', { outcome: 'error' }, 'next'],
    ['client gone stops', { outcome: 'aborted' }, 'stop'],
    ['custom 4xx class', { outcome: 'status', status: 429, fallbackOn: { codes: new Set(), classes: new Set([4]) } }, 'next'],
    ['custom list without 404', { outcome: 'status', status: 404, fallbackOn: { codes: new Set([502]), classes: new Set() } }, 'answer'],
    ['idempotent_only POST 503 stops', { outcome: 'status', status: 503, method: 'POST', idempotentOnly: true }, 'stop'],
    ['idempotent_only PATCH timeout stops', { outcome: 'timeout', method: 'PATCH', idempotentOnly: true }, 'stop'],
    ['idempotent_only POST error after send stops', { outcome: 'error', method: 'POST', idempotentOnly: true }, 'stop'],
    ['idempotent_only POST refused falls back', { outcome: 'error', method: 'POST', idempotentOnly: true, notSent: true }, 'next'],
    [
      'idempotent_only PUT 503 falls back (PUT is idempotent)',
      { outcome: 'status', status: 503, method: 'PUT', idempotentOnly: true },
      'next',
    ],
    ['idempotent_only GET timeout falls back', { outcome: 'timeout', idempotentOnly: true }, 'next'],
    ['POST without idempotent_only falls back', { outcome: 'status', status: 503, method: 'POST' }, 'next'],
  ])('%s', (_name, input, expected) => {
    expect(decideFallback({ ...defaults, ...input })).toBe(expected);
  });

  it('matches codes and classes', () => {
    const on = { codes: new Set([418]), classes: new Set([5]) };
    expect([418, 500, 599, 404, 200].map((s) => isFallbackStatus(s, on))).toEqual([true, true, true, false, false]);
  });

  it('recognises errors that were never sent', () => {
    expect(wasNotSent(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(wasNotSent(new TypeError('fetch failed', { cause: Object.assign(new Error('x'), { code: 'ENOTFOUND' }) }))).toBe(true);
    expect(wasNotSent(Object.assign(new Error('x'), { notSent: true }))).toBe(true);
    expect(wasNotSent(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBe(false);
    expect(wasNotSent('nope')).toBe(false);
  });
});
