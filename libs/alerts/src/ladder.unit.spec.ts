import { alertIdOf, dueThresholds, ladderRole } from './index';

const clock = { warningAt: new Date('2026-11-20T10:45:00Z'), deadline: new Date('2026-11-20T11:00:00Z') };
const DAY = 86_400_000;

describe('escalation ladder', () => {
  it('a major complaint goes to the GM office, a warning to the supervisor answering for the clock, a breach to the project manager', () => {
    expect(ladderRole('major', 'major_complaint')).toBe('gm_office');
    expect(ladderRole('warning', 'complaint_first_reply')).toBe('supervisor');
    expect(ladderRole('warning', 'repair_arrival')).toBe('engineering_supervisor');
    expect(ladderRole('breach', 'repair_fix')).toBe('project_manager');
  });
  it('warns from the warning point until the deadline, then reports the breach', () => {
    expect(dueThresholds(clock, new Date('2026-11-20T10:44:59Z'), DAY)).toEqual([]);
    expect(dueThresholds(clock, new Date('2026-11-20T10:45:00Z'), DAY)).toEqual(['warning']);
    expect(dueThresholds(clock, new Date('2026-11-20T11:00:00Z'), DAY)).toEqual(['breach']);
  });
  it('does not page anyone for thresholds crossed before the look-back window', () => {
    expect(dueThresholds(clock, new Date('2026-11-22T11:00:00Z'), DAY)).toEqual([]);
  });
  it('alert ids fit a stream id and differ per clock and threshold', () => {
    const id = '0190f5c2-0000-7000-8000-0000000000c1';
    expect(alertIdOf(id, 'complaint_promised_reply', 'warning')).toBe(`${id}-pr-w`);
    expect(`alert-${alertIdOf(id, 'repair_fix', 'breach')}`).toMatch(/^[a-z]+-[A-Za-z0-9_-]{1,64}$/);
  });
});
