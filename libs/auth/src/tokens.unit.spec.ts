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

  describe('verified tokens kept', () => {
    afterEach(() => jest.restoreAllMocks());

    it('refuses a kept token once it expires, exactly as one never seen', () => {
      const tokens = new TokenService(secret);
      const token = tokens.issue(principal, '60s');
      const issuedAt = Date.now();
      expect(tokens.verify(token)).toEqual(principal);
      jest.spyOn(Date, 'now').mockReturnValue(issuedAt + 30_000);
      expect(tokens.verify(token)).toEqual(principal);
      jest.spyOn(Date, 'now').mockReturnValue(issuedAt + 61_000);
      expect(() => tokens.verify(token)).toThrow(/invalid bearer token: jwt expired/);
      expect(() => new TokenService(secret).verify(token)).toThrow(/invalid bearer token: jwt expired/);
    });

    it('gives each caller its own principal: changing one answer changes no later one', () => {
      const tokens = new TokenService(secret);
      const token = tokens.issue({ ...principal, permissions: ['unmask'] });
      const first = tokens.verify(token);
      (first.projects as string[]).push('P99');
      first.permissions.length = 0;
      first.role = 'admin';
      expect(tokens.verify(token)).toEqual({ ...principal, permissions: ['unmask'] });
    });

    it('still refuses a token tampered after its original was kept, and keeps a bounded number', () => {
      const tokens = new TokenService(secret);
      const token = tokens.issue(principal);
      tokens.verify(token);
      const [h, p, s] = token.split('.');
      expect(() => tokens.verify(`${h}.${p}.${s.slice(0, -2)}${s.endsWith('AA') ? 'BB' : 'AA'}`)).toThrow(/invalid bearer token/);
      for (let i = 0; i < 1100; i++) tokens.verify(tokens.issue({ ...principal, staffId: `s${i}` }));
      const kept = (tokens as unknown as { verified: Map<string, unknown> }).verified;
      expect(kept.size).toBe(1000);
      expect(kept.has(token)).toBe(false);
      expect(tokens.verify(token)).toEqual(principal);
    });
  });
});
