import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidValueError } from '../../src/sql/errors.ts';
import { plainNumberText, scaledDecimal, toSqlParam } from '../../src/sql/parameter-value.ts';

test('values are bound in one form on every store', () => {
  assert.equal(
    toSqlParam('A0000000-0000-0000-0000-0000000000FF', 'guid'),
    'a0000000-0000-0000-0000-0000000000ff',
  );
  assert.equal(toSqlParam('2020-05-06T07:08:09Z', 'datetime'), '2020-05-06 07:08:09');
  assert.equal(toSqlParam('2020-05-06T07:08:09.999+02:00', 'datetime'), '2020-05-06 05:08:09');
  assert.equal(toSqlParam('2020-12-31T23:30:00-01:00', 'datetime'), '2021-01-01 00:30:00');
  assert.equal(toSqlParam('0099-01-01T00:00:00Z', 'datetime'), '0099-01-01 00:00:00');
  assert.equal(toSqlParam('0099-01-01T00:30:00+01:00', 'datetime'), '0098-12-31 23:30:00');
  assert.equal(toSqlParam('2021-03-01T00:30:00+01:00', 'datetime'), '2021-02-28 23:30:00');
  assert.equal(toSqlParam('2024-03-01T00:30:00+0100', 'datetime'), '2024-02-29 23:30:00');
  assert.equal(toSqlParam('2020-01-01 10:00', 'datetime'), '2020-01-01 10:00:00');
  assert.equal(toSqlParam('2024-02-29', 'date'), '2024-02-29');
  assert.equal(toSqlParam(1e-7, 'decimal'), '0.0000001');
  assert.equal(toSqlParam('-000123.4500', 'decimal'), '-123.45');
  assert.equal(toSqlParam('-0.000', 'decimal'), '0');
  assert.equal(toSqlParam(9007199254740991, 'bigint'), '9007199254740991');
  assert.equal(toSqlParam('-9223372036854775808', 'bigint'), '-9223372036854775808');
  assert.equal(toSqlParam(42, 'integer'), 42);
  assert.equal(toSqlParam(0.5, 'double'), 0.5);
  assert.equal(toSqlParam(false, 'boolean'), false);
});

test('values that do not fit their type are refused', () => {
  const bad: [unknown, Parameters<typeof toSqlParam>[1], RegExp][] = [
    ['x', 'integer', /expected a whole number/],
    [2 ** 31, 'integer', /outside the 32-bit range/],
    ['9223372036854775808', 'bigint', /outside the 64-bit range/],
    [1.5, 'bigint', /expected a whole number/],
    [NaN, 'double', /expected a finite number/],
    ['1e5', 'decimal', /expected a number/],
    ['1'.repeat(29), 'decimal', /more than 28 digits/],
    ['2021-02-29', 'date', /no such date/],
    ['2021-01-01', 'datetime', /expected YYYY-MM-DDTHH:MM:SSZ/],
    ['2021-01-01T24:00:00Z', 'datetime', /no such time of day/],
    ['not-a-guid', 'guid', /expected a GUID/],
    ['a\u0000b', 'string', /NUL/],
    [1, 'boolean', /expected true or false/],
  ];
  for (const [value, type, message] of bad) {
    assert.throws(
      () => toSqlParam(value as string, type),
      (e: unknown) => e instanceof InvalidValueError && message.test(e.message),
    );
  }
});

test('decimal text helpers', () => {
  assert.equal(plainNumberText(1.5e21), '1500000000000000000000');
  assert.equal(plainNumberText(-2.5e-8), '-0.000000025');
  assert.equal(plainNumberText(123.25), '123.25');
  assert.equal(scaledDecimal('12.34565', 4), 123457n);
  assert.equal(scaledDecimal('-12.34565', 4), -123457n);
  assert.equal(scaledDecimal('7', 2), 700n);
  assert.equal(scaledDecimal('0.00004', 4), 0n);
});
