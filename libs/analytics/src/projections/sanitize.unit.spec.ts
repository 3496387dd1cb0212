import { sanitizeData } from './sanitize';

describe('what reaches ClickHouse', () => {
  it('no contact, and no phone number typed into free text; ids and pseudonymous refs unchanged', () => {
    expect(sanitizeData({ complainant: { name: '张三', phone: '13812341234' }, remarks: '回电13812341234', ownerRef: 'owner-1', visitId: '0190f5c2-0000-7000-8000-138123456789' })).toEqual({
      remarks: '回电138****1234',
      ownerRef: 'owner-1',
      visitId: '0190f5c2-0000-7000-8000-138123456789',
    });
  });
});
