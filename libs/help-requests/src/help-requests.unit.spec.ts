import { event } from '@service-ledger/core';
import { given } from '@service-ledger/testing';

const id = '0190f5c2-0000-7000-8000-0000000000c1';
describe('help requests', () => {
  it('answered once', () => {
    given(event('HelpRequestReceived', {}), event('HelpRequestAnswered', {})).when('AnswerHelpRequest', { requestId: id, answer: 'again' }).thenRejects('help.answered_once');
  });
  it('staff who cannot answer refer it on, then it is answered', () => {
    given(event('HelpRequestReceived', {})).when('ReferHelpRequest', { requestId: id, referredToId: 'sup1', reason: 'needs the supervisor' }).then('HelpRequestReferred');
    given(event('HelpRequestReceived', {}), event('HelpRequestReferred', {})).when('AnswerHelpRequest', { requestId: id, answer: 'done' }).then('HelpRequestAnswered');
  });
  it('categories are A to G', () => {
    expect(() =>
      given().when('ReceiveHelpRequest', { requestId: id, projectId: 'p1', kind: 'help_request', category: 'H', channel: 'phone', requester: { name: '王五', phone: '13700000000' }, ownerRef: 'o', description: 'x' }),
    ).toThrow(/category/);
  });
});
