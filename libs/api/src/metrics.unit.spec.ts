import { DependencyUnavailableError, DomainRuleViolation, ValidationError } from '@service-ledger/core';
import { Metrics } from '@service-ledger/telemetry';
import { commandLabels } from './metrics';

describe('command metric labels stay bounded', () => {
  it('a catalogue command keeps its name; any other name is "unknown"', () => {
    expect(commandLabels('ReceiveComplaint', { duplicate: false })).toEqual({ command: 'ReceiveComplaint', outcome: 'accepted' });
    expect(commandLabels('ReceiveComplaint', { duplicate: true })).toEqual({ command: 'ReceiveComplaint', outcome: 'duplicate' });
    expect(commandLabels('x'.repeat(500), { duplicate: false }).command).toBe('unknown');
    expect(commandLabels('__proto__', { duplicate: false }).command).toBe('unknown');
  });

  it('outcomes are classes of the API\'s own errors; a driver\'s code (e.g. a PostgreSQL SQLSTATE) is "error"', () => {
    expect(commandLabels('ReceiveComplaint', { error: ValidationError.field('a', 'b', 'c') }).outcome).toBe('invalid');
    expect(commandLabels('ReceiveComplaint', { error: new DomainRuleViolation('complaint.x', 'no') }).outcome).toBe('rejected');
    expect(commandLabels('ReceiveComplaint', { error: new DependencyUnavailableError('eventStore') }).outcome).toBe('unavailable');
    expect(commandLabels('ReceiveComplaint', { error: Object.assign(new Error('duplicate key'), { code: '23505' }) }).outcome).toBe('error');
    expect(commandLabels('ReceiveComplaint', { error: 'not even an error' }).outcome).toBe('error');
  });

  it('the process metrics do not publish the runtime version', async () => {
    const text = await new Metrics('test').text();
    expect(text).not.toContain('nodejs_version_info');
    expect(text).not.toMatch(/v\d+\.\d+\.\d+/);
    expect(text).toContain('process_cpu_seconds_total');
  });
});
