import type { PolicySectionsInput } from '@service-ledger/policies';
import { DEFAULT_TOPICS } from '@service-ledger/policies';
import { v5 as uuidv5 } from 'uuid';
import type { PlannedCommand } from './generator';

const NAMESPACE = '6f1c1d3e-3b0e-5d8a-9a51-7d1f0c2b4e10';
const MIN = 60_000;
const day = (...slots: [string, string][]) => slots;

/**
 * The sample company's policies, registered by the GM office before the history starts, so projects differ the way
 * real ones do: the company's complaint topic list; P01's service centre works 09:00–17:00 without a lunch break
 * (half a working day = 4 h); P02 keeps the lunch break and opens on Saturday mornings; P03's commercial contract
 * wants urgent repairs on site within 90 minutes and weighs on-time work more in the staff score.
 * Command ids are derived from the seed (not drawn from the generator), so the rest of the history stays the same.
 */
export function samplePolicies(projectIds: string[], at: number, seed: number): PlannedCommand[] {
  const effectiveFrom = new Date(at).toISOString();
  const actor = { staffId: 'demo-gm_office', role: 'gm_office' as const };
  const change = (projectId: string | undefined, reason: string, sections: PolicySectionsInput, n: number): PlannedCommand => ({
    at: at + (2 + n) * MIN, name: 'ChangePolicy', actor, commandId: uuidv5(`seed:${seed}:policy:${projectId ?? 'company'}`, NAMESPACE),
    payload: { ...(projectId ? { projectId } : {}), effectiveFrom, reason, sections },
  });
  const weekdays = (slots: [string, string][]) => ({ mon: slots, tue: slots, wed: slots, thu: slots, fri: slots });
  const out = [change(undefined, '公司投诉话题目录 complaint topic list of the company', { complaintTopics: DEFAULT_TOPICS }, 0)];
  if (projectIds[0]) out.push(change(projectIds[0], '客服中心实行 09:00–17:00 连续工作制（无午休） service centre open 09:00–17:00 without a lunch break', { calendar: { week: weekdays(day(['09:00', '17:00'])) } }, 1));
  if (projectIds[1]) out.push(change(projectIds[1], '周六上午增设值班 Saturday-morning desk 09:00–12:00', { calendar: { week: { ...weekdays(day(['08:30', '12:00'], ['13:30', '17:30'])), sat: day(['09:00', '12:00']) } } }, 2));
  if (projectIds[2]) {
    out.push(change(projectIds[2], '商业项目合同：急修 90 分钟到场；绩效更重及时率 commercial contract: urgent on site within 90 min; on-time weighs more', {
      sla: { urgentArrival: 'PT90M' }, scoreWeights: { onTime: 50, satisfaction: 30, volume: 20, reworkPenalty: 8 },
    }, 3));
  }
  return out;
}
