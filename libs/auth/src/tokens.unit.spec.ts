import { TokenService } from './tokens';

describe('TokenService', () => {
  const secret = 'unit-secret-unit-secret-unit-secret-0000';
  const principal = { staffId: 'P01-receptionist-1', role: 'receptionist' as const, projects: ['P01'], permissions: [] };

  it('verifies its own tokens with the key made once, and refuses another secret’s or a tampered one', () => {
    const tokens = new TokenService(secret);
    const token = tokens.issue(principal);
    expect(tokens.verify(token)).toEqual(principal);
    expect(tokens.verify(token)).toEqual(principal);
    expect(() => new TokenService(`${secret}-other`).verify(token)).toThrow(/invalid bearer token: invalid signature/);
    const [h, , s] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ sub: 'x', role: 'gm_office', projects: '*', perms: [], iss: 'service-ledger', exp: 4102444800 })).toString('base64url');
    expect(() => tokens.verify(`${h}.${forged}.${s}`)).toThrow(/invalid bearer token/);
  });
});
