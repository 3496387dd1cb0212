import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configTable, ConfigError, loadConfig } from './config';

describe('configuration', () => {
  it('checkpoint settings: defaults, and a signing key or checkpoint folder inside the data folder is refused', () => {
    expect(loadConfig({})).toMatchObject({ sealer: true, checkpointEveryEvents: 1000, checkpointEveryMinutes: 10, auditTimeTolerance: 300, checkpointKey: undefined });
    expect(loadConfig({ SL_DATA_DIR: '/srv/sl/data', SL_CHECKPOINT_KEY: '/etc/sl/checkpoint-key.pem', SL_CHECKPOINT_DIR: '/srv/sl/checkpoints' })).toMatchObject({ checkpointKey: '/etc/sl/checkpoint-key.pem' });
    const inside = () => loadConfig({ SL_DATA_DIR: '/srv/sl/data', SL_CHECKPOINT_KEY: '/srv/sl/data/keys/k.pem', SL_CHECKPOINT_DIR: '/srv/sl/data' });
    expect(inside).toThrow(ConfigError);
    expect(inside).toThrow(/SL_CHECKPOINT_KEY=.*must be outside SL_DATA_DIR[\s\S]*SL_CHECKPOINT_DIR=.*must be outside SL_DATA_DIR/);
    expect(() => loadConfig({ SL_CHECKPOINT_EVERY_EVENTS: '0' })).toThrow(/SL_CHECKPOINT_EVERY_EVENTS/);
  });

  it('the README’s configuration table lists every setting as the code describes it', () => {
    const readme = readFileSync(join(__dirname, '../../../README.md'), 'utf8');
    for (const row of configTable().split('\n').slice(2)) expect(readme).toContain(row);
  });
});
