import { ConfigError, loadConfig } from '@service-ledger/config';
import { assertReadSideFilled } from './api';

describe('a process that serves reads from analytics it does not fill', () => {
  it('the distributed API refuses SL_ANALYTICS=chdb, naming the setting', () => {
    const config = loadConfig({ SL_ANALYTICS: 'chdb' });
    expect(() => assertReadSideFilled(config, 'distributed')).toThrow(ConfigError);
    expect(() => assertReadSideFilled(config, 'distributed')).toThrow(/SL_ANALYTICS=chdb.*SL_CLICKHOUSE_URL/);
    expect(() => assertReadSideFilled(loadConfig({ SL_ANALYTICS: 'clickhouse' }), 'distributed')).not.toThrow();
  });

  it('the embedded process refuses SL_PROJECTOR=false with its own chDB, and starts with either fixed', () => {
    expect(() => assertReadSideFilled(loadConfig({ SL_PROJECTOR: 'false' }), 'embedded')).toThrow(/SL_PROJECTOR=false with SL_ANALYTICS=chdb/);
    expect(() => assertReadSideFilled(loadConfig({}), 'embedded')).not.toThrow();
    expect(() => assertReadSideFilled(loadConfig({ SL_PROJECTOR: 'false', SL_ANALYTICS: 'clickhouse' }), 'embedded')).not.toThrow();
  });
});
