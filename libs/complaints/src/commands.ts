import { z } from 'zod';
import { defineCommand, type DomainCommand, ensure, event, FRONT_DESK, schemas as field, ValidationError } from '@service-ledger/core';
import { DEFAULT_TOPICS, topicCode } from '@service-ledger/policies';
import { type ComplaintState, complaintAggregate, escalationRank, stepIndex } from './complaint';
import { COMMUNICATIVE_KINDS, COMPLAINT_CAUSES, COMPLAINT_CONTENTS, COMPLAINT_NATURES, COMPLAINT_STREAM, ESCALATION_LEVELS } from './events';

const stream = (p: { complaintId: string }) => `${COMPLAINT_STREAM}-${p.complaintId}`;
const roles = [...FRONT_DESK, 'gm_office'] as const;

/** A complaint command: its stream is `complaint-<complaintId>`, and nothing changes an archived complaint. */
function complaintCommand<S extends z.ZodType>(
  name: string,
  summary: string,
  schema: S,
  decide: (p: z.infer<S>, state: ComplaintState, ctx: Parameters<DomainCommand['decide']>[2]) => ReturnType<DomainCommand['decide']>,
  opts: { creates?: boolean; readsPolicy?: boolean } = {},
): DomainCommand<z.infer<S>, ComplaintState> {
  return defineCommand({
    name,
    summary,
    capability: 'complaints',
    schema,
    aggregate: complaintAggregate,
    streamId: (p) => stream(p as { complaintId: string }),
    roles,
    creates: opts.creates,
    readsPolicy: opts.readsPolicy,
    decide: (p, state, ctx) => {
      ensure(state.step !== 'archived' || name === 'ReceiveComplaint', 'complaint.archived_is_final', 'an archived complaint cannot change');
      return decide(p, state, ctx);
    },
  });
}

const ref = { complaintId: field.caseId };

export const complaintCommands: DomainCommand[] = [
  complaintCommand(
    'ReceiveComplaint',
    '接诉: record a complaint, its content and the complainant’s wishes; the receiver becomes first responder.',
    z.strictObject({
      ...ref,
      projectId: field.projectId,
      location: field.location,
      channel: field.channel,
      complainant: field.personalContact,
      ownerRef: field.ownerRef,
      content: field.longText,
      wishes: field.longText,
    }),
    (p, _state, ctx) => [
      event('ComplaintReceived', {
        complaintId: p.complaintId,
        location: p.location,
        channel: p.channel,
        complainant: p.complainant,
        ownerRef: p.ownerRef,
        content: p.content,
        wishes: p.wishes,
        firstResponderId: ctx.actor.staffId,
      }),
    ],
    { creates: true },
  ),
  complaintCommand(
    'ClassifyComplaint',
    '辩诉: decide nature, content, topic, reasonableness and whether it is a major complaint.',
    z
      .strictObject({
        ...ref,
        nature: field.oneOf(COMPLAINT_NATURES),
        communicativeKind: field.oneOf(COMMUNICATIVE_KINDS).optional(),
        content: field.oneOf(COMPLAINT_CONTENTS),
        topic: topicCode,
        reasonable: z.boolean(),
        major: z.boolean(),
      })
      .refine((p) => (p.nature === 'communicative') === (p.communicativeKind !== undefined), {
        path: ['communicativeKind'],
        message: 'is required for a communicative complaint and not allowed for a valid one',
      }),
    (p, state, ctx) => {
      ensure(stepIndex(state.step) < stepIndex('handled'), 'complaint.classify_before_handling', 'a complaint is classified before it is handled');
      // The topic list is policy (company or project, versioned); a retired topic still labels old cases but is not offered.
      const topics = ctx.policy?.complaintTopics ?? DEFAULT_TOPICS;
      if (!topics.some((t) => t.code === p.topic && !t.retired)) {
        const offered = topics.filter((t) => !t.retired).map((t) => t.code).join(', ');
        throw ValidationError.field('payload.topic', 'topic_not_in_list', `'${p.topic}' is not a current topic of the project's complaint topic list (policy ${ctx.policy?.version ?? 'default'}): one of ${offered}`);
      }
      return [event('ComplaintClassified', { nature: p.nature, communicativeKind: p.communicativeKind, content: p.content, topic: p.topic, reasonable: p.reasonable, major: p.major })];
    },
    { readsPolicy: true },
  ),
  complaintCommand(
    'InvestigateComplaint',
    '析诉: record the facts and whether the cause is subjective or objective.',
    z.strictObject({ ...ref, findings: field.longText, cause: field.oneOf(COMPLAINT_CAUSES), causeDetail: field.optionalText }),
    (p, state) => {
      ensure(stepIndex(state.step) >= stepIndex('classified'), 'complaint.investigate_after_classify', 'a complaint is classified before it is investigated');
      ensure(stepIndex(state.step) < stepIndex('handled'), 'complaint.investigate_before_handling', 'investigation comes before handling');
      return [event('ComplaintInvestigated', { findings: p.findings, cause: p.cause, causeDetail: p.causeDetail })];
    },
  ),
  complaintCommand(
    'AssignComplaintResponsibility',
    '定责: responsible department/person and the promised reply time (承诺时间).',
    z.strictObject({ ...ref, department: field.shortText, responsibleStaffId: field.staffId.optional(), promisedReplyBy: field.instant }),
    (p, state) => {
      ensure(stepIndex(state.step) >= stepIndex('classified'), 'complaint.assign_after_classify', 'a complaint is classified before responsibility is assigned');
      ensure(stepIndex(state.step) < stepIndex('handled'), 'complaint.assign_before_handling', 'responsibility is assigned before handling');
      ensure(Date.parse(p.promisedReplyBy) > Date.parse(state.receivedAt!), 'complaint.promise_after_receipt', 'promisedReplyBy must be after the complaint was received');
      return [event('ComplaintResponsibilityAssigned', { department: p.department, responsibleStaffId: p.responsibleStaffId, promisedReplyBy: new Date(p.promisedReplyBy).toISOString() })];
    },
  ),
  complaintCommand(
    'ReplyToComplainant',
    'A reply to the owner (first reply within half a working day; by the promised time when not solved at once).',
    z.strictObject({ ...ref, message: field.longText, final: z.boolean().default(false) }),
    (p) => [event('ComplaintRepliedToOwner', { message: p.message, final: p.final })],
  ),
  complaintCommand(
    'HandleComplaint',
    '处理: the solution carried out; the complainant signs off.',
    z.strictObject({ ...ref, solution: field.longText, handledById: field.staffId, complainantSignedOff: z.boolean() }),
    (p, state) => {
      ensure(stepIndex(state.step) >= stepIndex('classified'), 'complaint.handle_after_classify', 'a complaint is classified before it is handled');
      ensure(stepIndex(state.step) < stepIndex('handled'), 'complaint.already_handled', 'the complaint is already handled (reopen it first)');
      ensure(!state.major || state.majorReported, 'complaint.major_reported_first', 'a major complaint is reported to the general manager’s office before it is handled');
      return [event('ComplaintHandled', { solution: p.solution, handledById: p.handledById, complainantSignedOff: p.complainantSignedOff })];
    },
  ),
  complaintCommand(
    'RecordComplaintFollowUpVisit',
    '回访: ask whether the owner is satisfied; an unsatisfied visit reopens the complaint.',
    z.strictObject({ ...ref, ...field.followUpVisit }),
    (p, state) => {
      ensure(state.step === 'handled', 'complaint.follow_up_after_handling', 'a follow-up visit comes after the complaint is handled');
      const visit = event('ComplaintFollowUpVisited', { visitId: p.visitId, method: p.method, satisfied: p.satisfied, remarks: p.remarks, visitorStaffId: p.visitorStaffId });
      return p.satisfied ? [visit] : [visit, event('ComplaintReopened', { reason: 'owner unsatisfied at follow-up visit', followUpVisitId: p.visitId })];
    },
  ),
  complaintCommand(
    'ReviewComplaint',
    '总结: cause, handling and corrective/preventive action.',
    z.strictObject({ ...ref, causeSummary: field.longText, handlingSummary: field.longText, correctiveAction: field.longText, preventiveAction: field.longText }),
    (p, state) => {
      ensure(stepIndex(state.step) >= stepIndex('handled') && state.step !== 'reviewed', 'complaint.review_after_handling', 'a complaint is reviewed once, after it is handled');
      ensure(!state.major || state.majorAnalysed, 'complaint.major_needs_analysis', 'a major complaint needs its problem-analysis report before review');
      return [event('ComplaintReviewed', { causeSummary: p.causeSummary, handlingSummary: p.handlingSummary, correctiveAction: p.correctiveAction, preventiveAction: p.preventiveAction })];
    },
  ),
  complaintCommand('ArchiveComplaint', '归档: only after review.', z.strictObject({ ...ref }), (_p, state) => {
    ensure(state.step === 'reviewed', 'complaint.archive_after_review', 'a complaint cannot be archived before review');
    return [event('ComplaintArchived', {} as Record<string, never>)];
  }),
  complaintCommand(
    'EscalateComplaint',
    'Escalate: supervisor → project manager → general manager, only upward.',
    z.strictObject({ ...ref, level: field.oneOf(ESCALATION_LEVELS), reason: field.longText }),
    (p, state) => {
      ensure(escalationRank(p.level) > escalationRank(state.escalation), 'complaint.escalate_upward', `already escalated to ${state.escalation}; escalation only goes upward`);
      return [event('ComplaintEscalated', { level: p.level, reason: p.reason })];
    },
  ),
  complaintCommand('ReopenComplaint', 'Reopen a handled complaint.', z.strictObject({ ...ref, reason: field.longText }), (p, state) => {
    ensure(stepIndex(state.step) >= stepIndex('handled') && stepIndex(state.step) < stepIndex('reviewed'), 'complaint.reopen_after_handling', 'only a handled, not yet reviewed complaint can be reopened');
    return [event('ComplaintReopened', { reason: p.reason })];
  }),
  complaintCommand(
    'ReportMajorComplaint',
    '重大投诉: report at once to the general manager’s office with place, symptoms and handling plan.',
    z.strictObject({ ...ref, place: field.shortText, symptoms: field.longText, handlingPlan: field.longText }),
    (p, state) => {
      ensure(state.major, 'complaint.major_only', 'only a complaint classified as major is reported to the GM office');
      ensure(!state.majorReported, 'complaint.major_reported_once', 'this major complaint is already reported');
      return [event('MajorComplaintReported', { place: p.place, symptoms: p.symptoms, handlingPlan: p.handlingPlan })];
    },
  ),
  complaintCommand('AnalyseMajorComplaint', 'Problem-analysis report after a major complaint.', z.strictObject({ ...ref, analysis: field.longText }), (p, state) => {
    ensure(state.majorReported, 'complaint.analysis_after_report', 'a major complaint is reported before its analysis');
    return [event('MajorComplaintAnalysed', { analysis: p.analysis })];
  }),
];
