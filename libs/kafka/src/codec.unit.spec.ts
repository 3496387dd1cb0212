import { redactDeadLetter, redactEnvelopeJson } from './codec';

describe('what leaves the store on Kafka', () => {
  it('an event carries no owner name or phone, in contacts or free text; the rest is untouched', () => {
    const json = JSON.stringify({ eventId: 'e', globalPosition: '12345678', data: { complainant: { name: '张三丰', phone: '13812341234' }, content: '请打13812341234', ownerRef: 'owner-3-1201' } });
    const out = JSON.parse(redactEnvelopeJson(json));
    expect(out).toEqual({ eventId: 'e', globalPosition: '12345678', data: { complainant: { redacted: true }, content: '请打138****1234', ownerRef: 'owner-3-1201' } });
    expect(redactEnvelopeJson(json)).not.toMatch(/张三丰|13812341234/);
  });
  it('events without personal data pass through as the same text', () => {
    const json = '{"eventId":"e","globalPosition":"12","data":{"technicianId":"t-1"}}';
    expect(redactEnvelopeJson(json)).toBe(json);
  });
  it('dead letters are redacted whether or not they parse', () => {
    expect(redactDeadLetter(Buffer.from('{"data":{"reporter":{"name":"李四","phone":"13900001111"}}}'))!.toString()).not.toMatch(/李四|13900001111/);
    expect(redactDeadLetter(Buffer.from('garbage 13900001111 {'))!.toString()).toBe('garbage 139****1111 {');
    // A malformed intake line (an import command) keeps its shape without the contact.
    const line = JSON.parse(redactDeadLetter(Buffer.from('{"command":"ReportRepair","payload":{"reporter":{"name":"李四","phone":"13900001111"}}}'))!.toString());
    expect(line).toEqual({ command: 'ReportRepair', payload: { reporter: { redacted: true } } });
  });
});
