import { loadConfig } from './config';
import { routesFor } from './alert-routes';

const routes = (json: unknown) => ({ SL_ALERT_ROUTES: JSON.stringify(json) });

describe('alert routes (SL_ALERT_ROUTES)', () => {
  it('resolves URLs and secrets from the variables a route names', () => {
    const config = loadConfig({
      ...routes([
        { name: 'p01-sup', project: 'P01', role: 'supervisor', kind: 'wecom', urlEnv: 'WECOM_URL' },
        { name: 'gm', project: '*', role: 'gm_office', kind: 'json', url: 'https://hooks.example.com/sl', secretEnv: 'GM_SECRET' },
      ]),
      WECOM_URL: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc',
      GM_SECRET: 'a-long-enough-secret',
    });
    expect(config.alertRoutes).toEqual([
      { name: 'p01-sup', project: 'P01', role: 'supervisor', kind: 'wecom', url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc' },
      { name: 'gm', project: '*', role: 'gm_office', kind: 'json', url: 'https://hooks.example.com/sl', secret: 'a-long-enough-secret' },
    ]);
    expect(routesFor(config.alertRoutes, 'P02', 'gm_office').map((r) => r.name)).toEqual(['gm']);
    expect(routesFor(config.alertRoutes, 'P02', 'supervisor')).toEqual([]);
  });

  it.each([
    ['not JSON', { SL_ALERT_ROUTES: '[{' }, /SL_ALERT_ROUTES: must be a JSON array/],
    ['unknown role', routes([{ name: 'x', project: '*', role: 'boss', kind: 'wecom', url: 'https://a.example' }]), /SL_ALERT_ROUTES\[0\.role\]/],
    ['json route without a secret', routes([{ name: 'x', project: '*', role: 'supervisor', kind: 'json', url: 'https://a.example' }]), /SL_ALERT_ROUTES\[0\.secretEnv\]: a json route is signed/],
    ['secret variable not set', routes([{ name: 'x', project: '*', role: 'supervisor', kind: 'dingtalk', url: 'https://a.example', secretEnv: 'NOPE' }]), /SL_ALERT_ROUTES\[0\]\.secretEnv: NOPE is not set/],
    ['both url and urlEnv', routes([{ name: 'x', project: '*', role: 'supervisor', kind: 'wecom', url: 'https://a.example', urlEnv: 'U' }]), /give exactly one of url and urlEnv/],
    ['duplicate name', routes([{ name: 'x', project: '*', role: 'supervisor', kind: 'wecom', url: 'https://a.example' }, { name: 'x', project: '*', role: 'hr', kind: 'wecom', url: 'https://b.example' }]), /'x' is used twice/],
  ])('refuses %s, naming the route and field', (_, env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });
});
