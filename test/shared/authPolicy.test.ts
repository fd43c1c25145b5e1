import { describe, expect, it } from 'vitest';
import { needsKey } from '../../shared/authPolicy.ts';
import type { RouteAuth } from '../../shared/parseConfig.ts';

const writes: RouteAuth = { header: 'X-Admin-Key', value: 'k', methods: new Set(['POST', 'PUT', 'PATCH', 'DELETE']) };
const listsGet: RouteAuth = { ...writes, methods: new Set(['GET']) };
const every: RouteAuth = { ...writes, methods: null };

// [method, headers, auth, needs the key]
const table: Array<[string, Record<string, string>, RouteAuth | null, boolean]> = [
  ['POST', {}, null, false],
  ['FOO', {}, null, false],
  ['GET', {}, writes, false],
  ['HEAD', {}, writes, false],
  ['OPTIONS', {}, writes, false],
  ['get', {}, writes, false],
  ['POST', {}, writes, true],
  ['delete', {}, writes, true],
  // Methods nobody listed are never let through keyless (issue 11 item 5).
  ...['PROPFIND', 'PROPPATCH', 'MKCOL', 'COPY', 'MOVE', 'LOCK', 'UNLOCK', 'PURGE', 'FOO', 'TRACE', 'CONNECT', 'SEARCH', 'REPORT'].map(
    (m): [string, Record<string, string>, RouteAuth, boolean] => [m, {}, writes, true],
  ),
  // Override headers are judged as the method they name.
  ['GET', { 'x-http-method-override': 'DELETE' }, writes, true],
  ['GET', { 'x-http-method': 'put' }, writes, true],
  ['GET', { 'x-method-override': 'PROPFIND' }, writes, true],
  ['HEAD', { 'x-http-method-override': 'GET, PATCH' }, writes, true],
  ['GET', { 'x-http-method-override': 'GET' }, writes, false],
  ['POST', { 'x-http-method-override': 'GET' }, writes, true],
  ['GET', { 'x-http-method-override': '' }, writes, false],
  // A route that lists GET protects GET too; no list protects everything.
  ['GET', {}, listsGet, true],
  ['POST', {}, listsGet, true],
  ['OPTIONS', {}, listsGet, false],
  ['GET', {}, every, true],
  ['OPTIONS', {}, every, true],
];

describe('Function: needsKey', () => {
  it.each(table)('%s %j -> %#', (method, headers, auth, expected) => {
    // Act + Assess
    expect(needsKey(method, new Headers(headers), auth)).toBe(expected);
  });
});
