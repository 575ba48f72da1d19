import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { storeTargets } from '../support/stores.ts';
import { idFromUrl, json, openTestApi, type TestApi } from './harness.ts';

type Issue = Record<string, unknown>;

async function validate(api: TestApi, body: Record<string, unknown>): Promise<Issue[]> {
  const res = await api.request({ method: 'POST', url: 'msdyncrm_ValidateSegment', payload: body });
  assert.equal(res.statusCode, 200, res.body);
  const out = json(res);
  assert.equal(
    out['@odata.context'],
    'http://localhost:80/api/data/v9.0/$metadata#Microsoft.Dynamics.CRM.msdyncrm_ValidateSegmentResponse',
  );
  assert.equal(typeof out.ValidationResult, 'string');
  return JSON.parse(out.ValidationResult as string) as Issue[];
}

const dynamic = (query: string, type = 192350000) => ({
  msdyncrm_segmentname: 'NewSegment',
  msdyncrm_segmentquery: query,
  msdyncrm_segmenttype: type,
  statuscode: 192350000,
});

/** The stable parts of an issue: code, field, reason and place. */
const brief = (i: Issue) => [i.ErrorCode, i.FieldName, i.Reason, i.Line, i.Column, i.Length];

for (const target of storeTargets()) {
  describe(`msdyncrm_ValidateSegment (${target.name})`, () => {
    it('answers the seed document’s two requests', async () => {
      const api = await openTestApi(target);
      try {
        assert.deepEqual(await validate(api, dynamic('PROFILE(contact)')), []);
        const issues = await validate(api, { ...dynamic('PROFILE(UnknownEntity)'), statuscode: 192350006 });
        assert.deepEqual(issues.map(brief), [
          ['SegmentDciValidator_SegmentInvalid', 'msdyncrm_query', 'UnknownEntity', 1, 9, 13],
        ]);
        assert.match(String(issues[0]?.Message), /UnknownEntity.*1:9/);
      } finally {
        await api.close();
      }
    });

    it('reports every problem at once: required fields, syntax with its position, types, targets', async () => {
      const api = await openTestApi(target);
      try {
        assert.deepEqual(
          (await validate(api, {})).map((i) => [i.ErrorCode, i.FieldName]),
          [
            ['SegmentDciValidator_FieldRequired', 'msdyncrm_segmentname'],
            ['SegmentDciValidator_FieldRequired', 'msdyncrm_segmenttype'],
          ],
        );
        assert.deepEqual(
          (await validate(api, { msdyncrm_segmentname: 'x', msdyncrm_segmenttype: 192350002 })).map(brief),
          [
            [
              'SegmentDciValidator_FieldRequired',
              'msdyncrm_query',
              'FieldRequired',
              undefined,
              undefined,
              undefined,
            ],
          ],
        );
        const syntax = await validate(api, dynamic("PROFILE(contact).FILTER(address1_city == 'x' && )"));
        assert.equal(syntax[0]?.Reason, 'Syntax');
        assert.deepEqual([syntax[0]?.Line, syntax[0]?.Column], [1, 49]);
        const many = await validate(
          api,
          dynamic("PROFILE(contact).FILTER(emailadress1 == 1 && numberofchildren == 'many')"),
        );
        assert.deepEqual(
          many.map((i) => i.Reason),
          ['UnknownAttribute', 'TypeMismatch'],
        );
        assert.match(String(many[0]?.Message), /did you mean 'emailaddress1'/);
        assert.deepEqual(
          (await validate(api, dynamic('PROFILE(account)'))).map((i) => i.Reason),
          ['TargetNotContact'],
        );
        assert.deepEqual(
          (
            await validate(api, {
              ...dynamic('PROFILE(contact)'),
              msdyncrm_segmenttype: 7,
              statuscode: 1,
              extra: 1,
            })
          ).map((i) => [i.ErrorCode, i.FieldName]),
          [
            ['SegmentDciValidator_FieldInvalid', 'extra'],
            ['SegmentDciValidator_FieldInvalid', 'msdyncrm_segmenttype'],
            ['SegmentDciValidator_FieldInvalid', 'statuscode'],
          ],
        );
        // The compound example of the seed document sends the query as msdyncrm_query.
        assert.deepEqual(
          (
            await validate(api, {
              msdyncrm_segmentname: 'c',
              msdyncrm_segmenttype: 192350002,
              msdyncrm_query: 'SEGMENT(nope)',
            })
          ).map((i) => i.Reason),
          ['UnknownSegment'],
        );
      } finally {
        await api.close();
      }
    });

    it('resolves segment references against stored segments and finds cycles', async () => {
      const api = await openTestApi(target);
      try {
        const a = await api.create('msdyncrm_segments', {
          msdyncrm_segmentname: 'segment1',
          msdyncrm_segmenttype: 192350001,
          statuscode: 192350000,
        });
        const queryName = `SEGMENT_CRM_ID_${a.replaceAll('-', '')}`;
        for (const ref of [queryName, `'${a}'`, 'segment1', 'SEGMENT1']) {
          assert.deepEqual(
            await validate(api, dynamic(`SEGMENT(${ref}) UNION SEGMENT('segment1')`, 192350002)),
            [],
            ref,
          );
        }
        const b = idFromUrl(
          String(
            (
              await api.request({
                method: 'POST',
                url: 'msdyncrm_segments',
                payload: {
                  msdyncrm_segmentname: 'loop',
                  msdyncrm_segmenttype: 192350002,
                  msdyncrm_segmentquery: `SEGMENT(${queryName})`,
                  statuscode: 192350000,
                },
              })
            ).headers['odata-entityid'],
          ),
        );
        const cyc = await validate(api, {
          ...dynamic(`SEGMENT(${queryName}) UNION SEGMENT(loop)`, 192350002),
          msdyncrm_segmentid: b,
        });
        assert.deepEqual(
          cyc.map((i) => i.Reason),
          ['SegmentCycle'],
        );
      } finally {
        await api.close();
      }
    });

    it('is declared in $metadata and still refuses a body that is not JSON', async () => {
      const api = await openTestApi(target);
      try {
        const meta = await api.request({ url: '$metadata' });
        assert.match(meta.body, /<Action Name="msdyncrm_ValidateSegment">/);
        assert.match(meta.body, /<ComplexType Name="msdyncrm_ValidateSegmentResponse">/);
        const bad = await api.request({
          method: 'POST',
          url: 'msdyncrm_ValidateSegment',
          payload: '{"msdyncrm_segmentname":',
          headers: { 'content-type': 'application/json' },
        });
        assert.equal(bad.statusCode, 400);
      } finally {
        await api.close();
      }
    });
  });
}
