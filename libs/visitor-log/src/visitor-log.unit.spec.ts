import { event } from '@service-ledger/core';
import { given } from '@service-ledger/testing';

const id = '0190f5c2-0000-7000-8000-0000000000c1';
describe('visitor log', () => {
  it('a visitor is checked out once, after check-in', () => {
    given(event('VisitorCheckedIn', {}), event('VisitorCheckedOut', {})).when('CheckOutVisitor', { visitorId: id }).thenRejects('visitor.checked_out_once');
  });
});
