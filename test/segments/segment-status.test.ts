import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SegmentStatus as S } from '../../src/metadata/builtin/segment.ts';
import { checkTransition, effectiveRequest } from '../../src/segment/engine/index.ts';

const ALL = Object.values(S);

/** The platform's table (reference notes 1.3), written out rather than imported. */
const TABLE: Record<number, number[]> = {
  [S.Draft]: [S.GoingLive, S.Live, S.Expired],
  [S.Live]: [S.Stopping, S.Stopped, S.GoingLive, S.LiveEditable, S.Error],
  [S.Stopped]: [S.Expired, S.GoingLive],
  [S.LiveEditable]: [S.Live, S.Error, S.GoingLive],
  [S.Expired]: [],
  [S.Error]: [S.GoingLive, S.Stopping],
  [S.GoingLive]: [S.Live, S.Error],
  [S.Stopping]: [S.Stopped, S.Error],
};

describe('segment status transitions', () => {
  it('Live and Stopped sent directly mean Going live and Stopping', () => {
    assert.equal(effectiveRequest(S.Live), S.GoingLive);
    assert.equal(effectiveRequest(S.Stopped), S.Stopping);
    for (const s of ALL.filter((x) => x !== S.Live && x !== S.Stopped)) assert.equal(effectiveRequest(s), s);
  });

  it('decides every pair of current and requested status by the table', () => {
    let allowed = 0;
    let refused = 0;
    let unchanged = 0;
    for (const from of ALL) {
      for (const requested of ALL) {
        const to = requested === S.Live ? S.GoingLive : requested === S.Stopped ? S.Stopping : requested;
        const check = checkTransition(from, requested);
        if (requested === from || to === from) {
          assert.deepEqual(check, { kind: 'unchanged' }, `${from} → ${requested}`);
          unchanged++;
        } else if ((TABLE[from] ?? []).includes(to)) {
          assert.deepEqual(check, { kind: 'allowed', to }, `${from} → ${requested}`);
          allowed++;
        } else {
          assert.equal(check.kind, 'refused', `${from} → ${requested}`);
          refused++;
        }
      }
    }
    // 8 sends of the current status, and Live while Going live, Stopped while Stopping.
    assert.deepEqual([unchanged, allowed, refused], [10, 20, 34]);
  });

  it('names the current and the requested status and where the segment can go', () => {
    const check = checkTransition(S.Draft, S.Stopped);
    assert.equal(check.kind, 'refused');
    assert.equal(
      check.kind === 'refused' ? check.message : '',
      'The segment is Draft (192350000) and cannot be set to Stopped (192350002) (which means Stopping (192350007)); from Draft it can go to Going live (192350006), Live (192350001), Expired (192350004).',
    );
    const expired = checkTransition(S.Expired, S.GoingLive);
    assert.match(
      expired.kind === 'refused' ? expired.message : '',
      /Expired \(192350004\).*cannot change its status/,
    );
  });
});
