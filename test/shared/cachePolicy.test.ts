import { describe, expect, it } from 'vitest';
import { cacheControl } from '../../shared/cacheControl.ts';
import { isCacheableRequest, isInvalidatingMethod, isStorableResponse, varyNames } from '../../shared/cachePolicy.ts';

describe('Function: isStorableResponse (SPEC 6)', () => {
  it.each<[string, number, Record<string, string>, boolean]>([
    ['a plain 200', 200, {}, true],
    ['a 200 with a longer max-age', 200, { 'cache-control': 'public, max-age=600' }, true],
    ['a 201', 201, {}, false],
    ['Set-Cookie', 200, { 'set-cookie': 'a=1' }, false],
    ['no-store', 200, { 'cache-control': 'no-store' }, false],
    ['private', 200, { 'cache-control': 'private, max-age=60' }, false],
    ['no-cache', 200, { 'cache-control': 'no-cache' }, false],
    ['no-cache with field names', 200, { 'cache-control': 'public, no-cache="Set-Cookie, X-User"' }, false],
    ['NO-CACHE in capitals', 200, { 'cache-control': 'NO-CACHE' }, false],
    ['max-age=0', 200, { 'cache-control': 'max-age=0' }, false],
    ['s-maxage=0 beside a max-age', 200, { 'cache-control': 's-maxage=0, max-age=60' }, false],
    ['max-age="0" quoted', 200, { 'cache-control': 'max-age="0"' }, false],
    ['Vary: *', 200, { vary: '*' }, false],
    ['Vary: *, in a list', 200, { vary: 'Accept, *' }, false],
    ['Vary: Accept-Language (stored per variant)', 200, { vary: 'Accept-Language' }, true],
    ['a field name that only contains "private"', 200, { 'cache-control': 'no-cache-ish, x-private-thing' }, true],
  ])('%s -> %s', (_name, status, headers, storable) => {
    expect(isStorableResponse(status, new Headers(headers))).toBe(storable);
  });
});

describe('Function: isCacheableRequest (SPEC 6)', () => {
  it.each<[string, string, Record<string, string>, boolean]>([
    ['GET', 'GET', {}, true],
    ['HEAD', 'HEAD', {}, true],
    ['POST', 'POST', {}, false],
    ['Authorization', 'GET', { authorization: 'Bearer t' }, false],
    ['Cookie', 'GET', { cookie: 'a=1' }, false],
    ['the route auth header', 'GET', { 'x-admin-key': 'k' }, false],
  ])('%s -> %s', (_name, method, headers, cacheable) => {
    expect(isCacheableRequest(method, new Headers(headers), 'X-Admin-Key')).toBe(cacheable);
  });
});

describe('Function: varyNames', () => {
  it('lower-cases, sorts and drops repeats', () => {
    expect(varyNames(new Headers({ vary: 'X-User, accept-language, X-USER,' }))).toEqual(['accept-language', 'x-user']);
    expect(varyNames(new Headers())).toEqual([]);
  });
});

describe('Function: isInvalidatingMethod', () => {
  it.each([
    ['POST', true],
    ['PUT', true],
    ['PATCH', true],
    ['DELETE', true],
    ['GET', false],
    ['OPTIONS', false],
  ])('%s -> %s', (method, expected) => expect(isInvalidatingMethod(method)).toBe(expected));
});

describe('Function: cacheControl', () => {
  it('parses bare and valued directives; a comma inside quotes does not split', () => {
    const parsed = cacheControl('Public, MAX-AGE=60, no-cache="Set-Cookie, X-User", s-maxage=5');
    expect(Object.fromEntries(parsed)).toEqual({ public: true, 'max-age': '60', 'no-cache': 'Set-Cookie, X-User', 's-maxage': '5' });
  });

  it('keeps the first of a repeated directive', () => {
    expect(cacheControl('max-age=5, max-age=60').get('max-age')).toBe('5');
  });
});
