import { clockDefinitions } from '@service-ledger/sla';
import { KPI_GROUPS, KPIS } from './definitions';
import { CLOCK_OWNERS } from '../projections/case-rows';
import { AGGREGATE_TIME_ZONE } from '../aggregate-common';
import { DEFAULT_WEIGHTS, STAFF_CREDITS_MONTHLY } from './staff-scorecard';

/** The KPI definitions document (libs/analytics/KPI.md), generated from the code so the two cannot drift. */
export function kpiDocument(): string {
  const lines = [
    '# KPI definitions',
    '',
    'Generated from `libs/analytics/src/kpi/definitions.ts` by `npm run kpi:docs`; a test fails when this file is stale.',
    'Months are calendar months in the configured time zone (default Asia/Shanghai). Filters: project, department,',
    'staff (first responder, handler or technician), month. Rates are numerator ÷ denominator; an empty denominator',
    'gives no rate (shown as —), never 0 % or 100 %. Each KPI\'s SQL is rendered from its definition by one builder',
    '(`src/kpi/builder.ts`) for the KPI run, the export\'s grouped pass, the drill-down and the dashboard panels;',
    '`npx service-ledger kpi sql <id> [--shape run|by-project|cases|panel]` prints it.',
    '',
  ];
  for (const [group, heading] of Object.entries(KPI_GROUPS)) {
    lines.push(`## ${heading}`, '', '| id | 指标 | KPI | numerator | denominator | month of | kind |', '| --- | --- | --- | --- | --- | --- | --- |');
    for (const k of KPIS.filter((x) => x.group === group)) lines.push(`| \`${k.id}\` | ${k.zh} | ${k.en} | ${k.numerator} | ${k.denominator} | ${k.month} | ${k.kind} |`);
    lines.push('');
  }
  lines.push(
    '## Staff scorecard (per project, person and month)',
    '',
    'Credits follow 首问负责制 (whoever receives a request owns following it up): a case credits its first responder',
    '(jobs received, in the month of receipt) and its handler — the technician of a repair, the handler of a complaint,',
    'the staff who answered a help request — (jobs handled, in the month of closure, with on-time and satisfaction).',
    'A rework within warranty is attributed to the original order’s technician, in the month the rework is reported.',
    'On time is counted per clock, for the person who answers for it (table below): a credit is on time when every',
    'decided clock that person answers for in the case was met, late when one was breached, and not counted when none',
    'was decided. First-responder and assessor credits count in the month of receipt, handler credits in the month of',
    'closure, visitor credits in the month of the visit. Only first-responder, handler and rework credits make a person',
    'appear on the scorecard. Only the current handler of a closed case is credited: after a reopen, a cancellation or a hand-over, the earlier',
    'handler’s credit is withdrawn (kept as an open row that no count includes).',
    '',
    `score = ${DEFAULT_WEIGHTS.onTime} × on-time rate + ${DEFAULT_WEIGHTS.satisfaction} × satisfaction rate + ${DEFAULT_WEIGHTS.volume} × handled ÷ most handled in the project − ${DEFAULT_WEIGHTS.reworkPenalty} × reworks (floor 0; a person with no decided clock or visit gets rate 1). Ranked per project; ties share a rank.`,
    'The weights shown are the defaults: they are policy (`scoreWeights`), company-wide or per project, and a month is',
    'scored with the weights in force for the project at the end of the month; each row names them and the policy change',
    'they come from (`weights_from`, e.g. `P02#3`, or `default`). A person\'s score and rank are within the whole project:',
    'the department and person filters choose whom to show, not whom to compare with. The scorecard is one SQL text',
    '(`src/kpi/staff-scorecard.ts`), run for a month by the export and the API and over a time range by the',
    '`staff/staff_scorecard` panel; `npx service-ledger kpi sql staff_scorecard [--shape panel]` prints it. The counts of',
    `the months it covers wholly in ${AGGREGATE_TIME_ZONE} come from \`${STAFF_CREDITS_MONTHLY}\` (the credits summed per project, person`,
    'and credited month, kept by the projector), the rest of a range and other time zones from the credits themselves: the',
    'same counts either way.',
    '',
    '| clock | who answers for it | scorecard credit |',
    '| --- | --- | --- |',
    ...Object.entries(CLOCK_OWNERS).map(([k, who]) => `| \`${k}\` | ${who} | ${k === 'complaint_first_reply' ? 'first_responder' : k === 'repair_assessment' ? 'assessor' : k === 'follow_up_visit' ? 'visitor' : 'handler'} |`),
    '',
    '## Policies behind the figures',
    '',
    'Every clock is evaluated with the policy version in force when it started (libs/policies): the project’s calendar',
    '(time zone, working slots per weekday, extra days off and on over the national holidays) and its SLA limits. A',
    'case that spans a policy change keeps, for each clock, the version in force at that clock’s start; a change made',
    'later with an earlier effective instant re-evaluates the clocks started since. `sla_clocks.policy_version` names',
    'the version; the export’s definitions sheet lists the versions in force during the month.',
    '',
    '## SLA clocks behind the rates',
    '',
    '| clock | starts | stops | limit | time |',
    '| --- | --- | --- | --- | --- |',
    ...Object.entries(clockDefinitions).map(([k, c]) => `| \`${k}\` | ${c.starts} | ${c.stops} | ${c.limit} | ${c.time} |`),
    '',
  );
  return lines.join('\n');
}
