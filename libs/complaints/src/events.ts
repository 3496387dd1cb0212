import type { Channel, DomainEvent, FollowUpVisitData, Location, PersonalContact } from '@service-ledger/core';

/** Stream category: a complaint's stream id is `complaint-<complaintId>`. */
export const COMPLAINT_STREAM = 'complaint';

/** 有效投诉 vs 沟通性投诉. */
export type ComplaintNature = 'valid' | 'communicative';
/** The four kinds of communicative complaint: 求助型, 咨询型, 建议型, 发泄型. */
export type CommunicativeKind = 'help_seeking' | 'inquiry' | 'suggestion' | 'venting';
/** By content: 设备, 服务态度, 服务质量, 突发事件. */
export type ComplaintContent = 'facilities' | 'service_attitude' | 'service_quality' | 'sudden_event';
export type ComplaintCause = 'subjective' | 'objective';
/** Escalation ladder: supervisor → project manager → GM. */
export type EscalationLevel = 'supervisor' | 'project_manager' | 'general_manager';

export const COMPLAINT_NATURES: readonly ComplaintNature[] = ['valid', 'communicative'];
export const COMMUNICATIVE_KINDS: readonly CommunicativeKind[] = ['help_seeking', 'inquiry', 'suggestion', 'venting'];
export const COMPLAINT_CONTENTS: readonly ComplaintContent[] = ['facilities', 'service_attitude', 'service_quality', 'sudden_event'];
export const COMPLAINT_CAUSES: readonly ComplaintCause[] = ['subjective', 'objective'];
export const ESCALATION_LEVELS: readonly EscalationLevel[] = ['supervisor', 'project_manager', 'general_manager'];

/** 1. 接诉: content and wishes recorded; the receiver becomes first responder (首问负责制). */
export type ComplaintReceived = DomainEvent<
  'ComplaintReceived',
  {
    complaintId: string;
    location: Location;
    channel: Channel;
    /** Personal data: event store only. */
    complainant: PersonalContact;
    /** Pseudonymous owner id used by analytics. */
    ownerRef: string;
    content: string;
    wishes: string;
    firstResponderId: string;
  }
>;

/** 2. 辩诉: kind and reasonableness decided. `topic` comes from the project's configurable taxonomy. */
export type ComplaintClassified = DomainEvent<
  'ComplaintClassified',
  {
    nature: ComplaintNature;
    communicativeKind?: CommunicativeKind;
    content: ComplaintContent;
    topic: string;
    reasonable: boolean;
    major: boolean;
  }
>;

/** 3. 析诉: facts established, subjective vs objective cause. */
export type ComplaintInvestigated = DomainEvent<
  'ComplaintInvestigated',
  { findings: string; cause: ComplaintCause; causeDetail?: string }
>;

/** 4. 定责: responsible department/person and the promised reply time (承诺时间). */
export type ComplaintResponsibilityAssigned = DomainEvent<
  'ComplaintResponsibilityAssigned',
  { department: string; responsibleStaffId?: string; promisedReplyBy: string }
>;

/** A reply to the owner (first reply within half a working day; by the promised time when not solved at once). */
export type ComplaintRepliedToOwner = DomainEvent<
  'ComplaintRepliedToOwner',
  { message: string; final: boolean }
>;

/** 5. 处理: the solution carried out; the complainant signs off. */
export type ComplaintHandled = DomainEvent<
  'ComplaintHandled',
  { solution: string; handledById: string; complainantSignedOff: boolean }
>;

/** 6. 回访: recorded on the complaint's stream; an unsatisfied visit is followed by ComplaintReopened. */
export type ComplaintFollowUpVisited = DomainEvent<'ComplaintFollowUpVisited', FollowUpVisitData>;

/** 7. 总结: cause, handling, satisfaction and corrective/preventive action (纠正预防措施). */
export type ComplaintReviewed = DomainEvent<
  'ComplaintReviewed',
  { causeSummary: string; handlingSummary: string; correctiveAction: string; preventiveAction: string }
>;

/** 8. 归档. Only after review. */
export type ComplaintArchived = DomainEvent<'ComplaintArchived', Record<string, never>>;

export type ComplaintEscalated = DomainEvent<'ComplaintEscalated', { level: EscalationLevel; reason: string }>;

export type ComplaintReopened = DomainEvent<'ComplaintReopened', { reason: string; followUpVisitId?: string }>;

/** 重大投诉: reported at once to the GM's office with time, place, symptoms and handling plan. */
export type MajorComplaintReported = DomainEvent<
  'MajorComplaintReported',
  { place: string; symptoms: string; handlingPlan: string }
>;

/** Problem-analysis report after a major complaint. */
export type MajorComplaintAnalysed = DomainEvent<'MajorComplaintAnalysed', { analysis: string }>;

export type ComplaintEvent =
  | ComplaintReceived
  | ComplaintClassified
  | ComplaintInvestigated
  | ComplaintResponsibilityAssigned
  | ComplaintRepliedToOwner
  | ComplaintHandled
  | ComplaintFollowUpVisited
  | ComplaintReviewed
  | ComplaintArchived
  | ComplaintEscalated
  | ComplaintReopened
  | MajorComplaintReported
  | MajorComplaintAnalysed;

export const COMPLAINT_EVENT_TYPES: readonly ComplaintEvent['type'][] = [
  'ComplaintReceived',
  'ComplaintClassified',
  'ComplaintInvestigated',
  'ComplaintResponsibilityAssigned',
  'ComplaintRepliedToOwner',
  'ComplaintHandled',
  'ComplaintFollowUpVisited',
  'ComplaintReviewed',
  'ComplaintArchived',
  'ComplaintEscalated',
  'ComplaintReopened',
  'MajorComplaintReported',
  'MajorComplaintAnalysed',
];
