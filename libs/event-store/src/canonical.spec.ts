import { canonicalJson } from './canonical';

describe('canonicalJson', () => {
  it('is byte-stable: keys sorted by code unit at every depth, undefined members dropped, arrays kept in order', () => {
    // Stored hashes depend on these exact bytes: any change here breaks verification of existing stores.
    const value = { b: 1, a: { z: [3, undefined, { y: null, x: 'é"\\n' }], '10': true, '9': false }, B: undefined, 'é': 0.5, '': [] };
    expect(canonicalJson(value)).toBe('{"":[],"a":{"10":true,"9":false,"z":[3,null,{"x":"é\\"\\\\n","y":null}]},"b":1,"é":0.5}');
    expect(canonicalJson(undefined)).toBe('null');
    expect(canonicalJson('s')).toBe('"s"');
  });
});
