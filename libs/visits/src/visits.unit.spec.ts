import { event } from '@service-ledger/core';
import { given } from '@service-ledger/testing';

const id = '0190f5c2-0000-7000-8000-0000000000c1';
describe('visits', () => {
  it('help request: answered once', () => {
    given(event('HelpRequestReceived', {}), event('HelpRequestAnswered', {})).when('AnswerHelpRequest', { requestId: id, answer: 'again' }).thenRejects('help.answered_once');
  });
  it('help request: staff who cannot answer refer it on, then it is answered', () => {
    given(event('HelpRequestReceived', {})).when('ReferHelpRequest', { requestId: id, referredToId: 'sup1', reason: 'needs the supervisor' }).then('HelpRequestReferred');
    given(event('HelpRequestReceived', {}), event('HelpRequestReferred', {})).when('AnswerHelpRequest', { requestId: id, answer: 'done' }).then('HelpRequestAnswered');
  });
  it('help request: categories are A to G', () => {
    expect(() =>
      given().when('ReceiveHelpRequest', { requestId: id, projectId: 'p1', kind: 'help_request', category: 'H', channel: 'phone', requester: { name: '王五', phone: '13700000000' }, ownerRef: 'o', description: 'x' }),
    ).toThrow(/category/);
  });
  it('visitor: checked out once, after check-in', () => {
    given(event('VisitorCheckedIn', {}), event('VisitorCheckedOut', {})).when('CheckOutVisitor', { visitorId: id }).thenRejects('visitor.checked_out_once');
  });
});
