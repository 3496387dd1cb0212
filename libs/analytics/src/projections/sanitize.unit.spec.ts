import { stripPersonalData } from '@service-ledger/auth';
import { PERSONAL_FIELDS, sanitizeData } from './sanitize';

describe('what reaches ClickHouse', () => {
  it('no contact, and no phone number typed into free text; ids and pseudonymous refs unchanged', () => {
    expect(sanitizeData({ complainant: { name: '张三', phone: '13812341234' }, remarks: '回电13812341234', ownerRef: 'owner-1', visitId: '0190f5c2-0000-7000-8000-138123456789' })).toEqual({
      remarks: '回电138****1234',
      ownerRef: 'owner-1',
      visitId: '0190f5c2-0000-7000-8000-138123456789',
    });
  });
  it('is the stripped data without the personal fields, key for key and in the same order', () => {
    const samples: Record<string, unknown>[] = [
      { complaintId: 'c1', complainant: { name: '张三', phone: '13812341234', idDocumentNo: '110101199001011234' }, content: '电话 021-12345678', tags: ['a 13812341234', { note: '13912341234' }], amount: 12, none: null },
      { reporter: 'not an object', visitor: null, requester: ['x'], '10': 'numeric key', remarks: '' },
      {},
    ];
    for (const data of samples) {
      const expected: Record<string, unknown> = { ...stripPersonalData(data) };
      for (const field of PERSONAL_FIELDS) delete expected[field];
      expect(JSON.stringify(sanitizeData(data))).toBe(JSON.stringify(expected));
    }
  });
});
