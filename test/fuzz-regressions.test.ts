/** Inputs the fuzz tests once found answered wrongly, pinned: each request and what it must get. */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setup, type TestContext } from './helpers.js';
import { apiError, encode, TYPES } from './fuzz-inputs.js';

let ctx: TestContext;
before(async () => {
  ctx = await setup();
});
after(async () => {
  await ctx.close();
});

/** Inputs the properties once found answered wrongly: each request and what it must get. */
describe('regressions found by fuzzing', () => {
  type Check = (body: string, status: number) => boolean;
  const jpu = (date: string): string => JSON.stringify({ id: randomUUID(), working_date: date });
  const wellFormed: Check = (body, status) =>
    status === 400 || ![...body].some((c) => c < ' ' && !'\t\n\r'.includes(c));
  const bugs: Array<[string, string, string?, Check?]> = [
    ['a repeated $orderby is a 400', '/api/Jobs?$orderby=name&$orderby=id'],
    ['a repeated entities= on Sync/Changes is a 400', '/api/Sync/Changes?entities=jobs&entities=x'],
    ['a date with the zone +99:99 is a 400', '/api/JobPartUsage', jpu('2026-06-16T12:00:00+99:99')],
    ['a date with the zone +16:00 is a 400', '/api/JobPartUsage', jpu('2026-06-16T12:00:00+16:00')],
    [
      'a zone +99:99 in $filter is a 400',
      `/api/JobPartUsage?$filter=${encode('working_date eq 2026-06-16T12:00:00+99:99')}`,
    ],
    [
      '0001-01-01T00:00:00+14:00 (before year 1 in UTC) is a 400',
      '/api/JobPartUsage',
      jpu('0001-01-01T00:00:00+14:00'),
    ],
    [
      '9999-12-31T23:59:59-14:00 (after year 9999 in UTC) is a 400',
      '/api/JobPartUsage',
      jpu('9999-12-31T23:59:59-14:00'),
      (body, status) => status === 400 || !body.includes('+010000'),
    ],
    ['a key over 200 characters gets the API error body', `/api/Jobs(${'a'.repeat(250)})`],
    ['a key with invalid percent-encoding gets the API error body', '/api/Jobs(%ff)'],
    ['U+0001 is refused (XML 1.0 cannot carry it)', '/api/JobType', '{"name":"a\\u0001b"}', wellFormed],
  ];
  for (const [name, url, body, ok = apiError] of bugs) {
    it(name, async () => {
      const headers = {
        authorization: ctx.a.auth,
        accept: ok === wellFormed ? TYPES.xml : TYPES.json,
        'content-type': TYPES.json,
      };
      const res = await ctx.app.inject({
        method: body ? 'POST' : 'GET',
        url,
        headers,
        ...(body ? { payload: body } : {}),
      });
      assert.ok(
        ok(res.body, res.statusCode),
        `${url.slice(0, 80)} ${body ?? ''} → ${res.statusCode} ${res.body.slice(0, 300)}`,
      );
    });
  }
});
