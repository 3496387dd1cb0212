import { event } from '@service-ledger/core';
import { given } from '@service-ledger/testing';

const id = '0190f5c2-0000-7000-8000-000000000001';
const received = event('ComplaintReceived', { complaintId: id, firstResponderId: 'r1' });
const classified = (major = false) => event('ComplaintClassified', { nature: 'valid', content: 'service_attitude', topic: 'cleaning', reasonable: true, major });
const handled = event('ComplaintHandled', {});

describe('complaints', () => {
  it('complaint: receiving records the first responder (首问负责制)', () => {
    const [e] = given().when('ReceiveComplaint', {
      complaintId: id, projectId: 'p1', location: { building: '3', unit: '1201' }, channel: 'phone',
      complainant: { name: '张三', phone: '13812341234' }, ownerRef: 'o-1', content: 'corridor not cleaned', wishes: 'clean it',
    }, { actor: { staffId: 'desk-7', role: 'receptionist' } }).thenEvents();
    expect(e.data).toMatchObject({ firstResponderId: 'desk-7' });
  });
  it('complaint: cannot be handled before it is classified', () => {
    given(received).when('HandleComplaint', { complaintId: id, solution: 'x', handledById: 's', complainantSignedOff: true }).thenRejects('complaint.handle_after_classify');
  });
  it('complaint: a communicative complaint must say which kind', () => {
    expect(() => given(received).when('ClassifyComplaint', { complaintId: id, nature: 'communicative', content: 'facilities', topic: 'lifts', reasonable: true, major: false })).toThrow(/communicativeKind/);
  });
  it('complaint: a major complaint is reported to the GM office before handling', () => {
    given(received, classified(true)).when('HandleComplaint', { complaintId: id, solution: 'x', handledById: 's', complainantSignedOff: true }).thenRejects('complaint.major_reported_first');
    given(received, classified(true), event('MajorComplaintReported', {})).when('HandleComplaint', { complaintId: id, solution: 'x', handledById: 's', complainantSignedOff: true }).then('ComplaintHandled');
  });
  it('follow-up: an unsatisfied visit reopens the complaint', () => {
    given(received, classified(), handled)
      .when('RecordComplaintFollowUpVisit', { complaintId: id, visitId: id, method: 'phone', satisfied: false, visitorStaffId: 'r2' })
      .then('ComplaintFollowUpVisited', 'ComplaintReopened');
    given(received, classified(), handled)
      .when('RecordComplaintFollowUpVisit', { complaintId: id, visitId: id, method: 'phone', satisfied: true, visitorStaffId: 'r2' })
      .then('ComplaintFollowUpVisited');
  });
  it('follow-up: comes after handling', () => {
    given(received, classified()).when('RecordComplaintFollowUpVisit', { complaintId: id, visitId: id, method: 'door', satisfied: true, visitorStaffId: 'r2' }).thenRejects('complaint.follow_up_after_handling');
  });
  it('complaint: cannot be archived before review', () => {
    given(received, classified(), handled).when('ArchiveComplaint', { complaintId: id }).thenRejects('complaint.archive_after_review');
    given(received, classified(), handled, event('ComplaintReviewed', {})).when('ArchiveComplaint', { complaintId: id }).then('ComplaintArchived');
  });
  it('complaint: an archived complaint is final', () => {
    given(received, classified(), handled, event('ComplaintReviewed', {}), event('ComplaintArchived', {})).when('ReplyToComplainant', { complaintId: id, message: 'hi' }).thenRejects('complaint.archived_is_final');
  });
  it('escalation: only upward, supervisor → project manager → GM', () => {
    given(received, event('ComplaintEscalated', { level: 'project_manager' })).when('EscalateComplaint', { complaintId: id, level: 'supervisor', reason: 'x' }).thenRejects('complaint.escalate_upward');
    given(received, event('ComplaintEscalated', { level: 'supervisor' })).when('EscalateComplaint', { complaintId: id, level: 'general_manager', reason: 'x' }).then('ComplaintEscalated');
  });
  it('a reopened complaint is handled again', () => {
    given(received, classified(), handled, event('ComplaintFollowUpVisited', {}), event('ComplaintReopened', {}))
      .when('HandleComplaint', { complaintId: id, solution: 'again', handledById: 's', complainantSignedOff: true })
      .then('ComplaintHandled');
  });
});
