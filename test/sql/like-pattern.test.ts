import assert from 'node:assert/strict';
import { test } from 'node:test';
import { escapeLikeText, translateDataversePattern } from '../../src/sql/like-pattern.ts';

test('literal text escapes the LIKE wildcards and the escape character', () => {
  assert.equal(escapeLikeText('50%_off\\now'), String.raw`50\%\_off\\now`);
  assert.equal(escapeLikeText('plain'), 'plain');
});

test('patterns without character classes stay LIKE patterns', () => {
  assert.deepEqual(translateDataversePattern('Sm_th%'), { kind: 'like', pattern: 'Sm_th%' });
  assert.deepEqual(translateDataversePattern(String.raw`a\b`), { kind: 'like', pattern: String.raw`a\\b` });
  // A bracket that opens no class is an ordinary character.
  assert.deepEqual(translateDataversePattern('a[b'), { kind: 'like', pattern: 'a[b' });
  assert.deepEqual(translateDataversePattern('a[]b'), { kind: 'like', pattern: 'a[]b' });
});

test('character classes turn the pattern into a regex with every other character literal', () => {
  assert.deepEqual(translateDataversePattern('[a-c]%'), { kind: 'regex', source: '[a-c].*' });
  assert.deepEqual(translateDataversePattern('[^0-9]_.x'), { kind: 'regex', source: String.raw`[^0-9].\.x` });
  assert.deepEqual(translateDataversePattern('%[%]%'), { kind: 'regex', source: '.*[%].*' });
  assert.deepEqual(translateDataversePattern('[\\^]a+b(c)'), {
    kind: 'regex',
    source: String.raw`[\\\^]a\+b\(c\)`,
  });
  assert.deepEqual(translateDataversePattern('é[ñ]'), { kind: 'regex', source: 'é[ñ]' });
});
