import { maskPersonalData, maskPhonesInText, stripPersonalData } from './masking';
import { canUnmask, parseTtl, TokenService } from './tokens';
import jwt from 'jsonwebtoken';

describe('masking beyond field names', () => {
  it('masks mainland mobiles and landlines typed into free text, with or without separators', () => {
    expect(maskPhonesInText('业主电话13812345678，请回电')).toBe('业主电话138****5678，请回电');
    expect(maskPhonesInText('call +86 138 1234 5678 or 021-66778899')).toBe('call +86****5678 or 021****8899');
    expect(maskPhonesInText('call 139-1234-5678 today')).toBe('call 139****5678 today');
  });
  it('leaves amounts, dates, order numbers and ids alone', () => {
    expect(maskPhonesInText('paid 12000 fen on 2026-03-01, order D-20260301001')).toBe('paid 12000 fen on 2026-03-01, order D-20260301001');
    expect(maskPersonalData({ repairId: '0190f5c2-0000-7000-8000-138123456789', remarks: '13812345678' })).toEqual({ repairId: '0190f5c2-0000-7000-8000-138123456789', remarks: '138****5678' });
  });
  it('masks contacts by field and phones in nested free text', () => {
    expect(maskPersonalData({ complainant: { name: '张三丰', phone: '13812341234' }, visits: [{ remarks: '打13900001111' }] })).toEqual({
      complainant: { name: '张**', phone: '138****1234' },
      visits: [{ remarks: '打139****1111' }],
    });
  });
  it('strips contacts entirely for what leaves the store', () => {
    expect(stripPersonalData({ reporter: { name: '李四海', phone: '13900001111' }, fault: 'leak, call 13900001111', ownerRef: 'owner-5-0302' })).toEqual({
      reporter: { redacted: true },
      fault: 'leak, call 139****1111',
      ownerRef: 'owner-5-0302',
    });
  });
});

describe('tokens', () => {
  const tokens = new TokenService('s'.repeat(40));
  it('a token without exp is refused', () => {
    const token = jwt.sign({ role: 'admin', projects: '*', perms: [] }, 's'.repeat(40), { subject: 'x', issuer: 'service-ledger' });
    expect(() => tokens.verify(token)).toThrow(/no expiry/);
  });
  it('unmask: auditors, and front-desk follow-up staff only when scoped to named projects', () => {
    const p = (role: 'auditor' | 'receptionist' | 'technician' | 'hr', projects: string[] | '*') => ({ staffId: 'x', role, projects, permissions: ['unmask'] });
    expect(canUnmask(p('auditor', '*'))).toBe(true);
    expect(canUnmask(p('receptionist', ['P01']))).toBe(true);
    expect(canUnmask(p('receptionist', '*'))).toBe(false);
    expect(canUnmask(p('technician', ['P01']))).toBe(false);
    expect(canUnmask(p('hr', '*'))).toBe(false);
    expect(canUnmask({ ...p('auditor', '*'), permissions: [] })).toBe(false);
  });
  it('lifetimes', () => {
    expect(parseTtl('8h')).toBe(28800);
    expect(parseTtl('30m')).toBe(1800);
    expect(parseTtl('7d')).toBe(604800);
    expect(parseTtl('0')).toBeUndefined();
    expect(parseTtl('forever')).toBeUndefined();
  });
});
