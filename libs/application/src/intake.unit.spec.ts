import { applyIntakeMessage, MalformedCommandError, MAX_INTAKE_MESSAGE_BYTES } from './intake';
import type { CommandPipeline } from './command-pipeline';

/** What the intake refuses before it reaches the pipeline (the pipeline is never called: it is not given one). */
describe('intake message limits', () => {
  const producer = { staffId: 'front-desk-system', role: 'receptionist' as const, projects: ['P01'] };
  const noPipeline = null as unknown as CommandPipeline;
  const line = (padding: number) =>
    JSON.stringify({ command: 'ReceiveComplaint', commandId: '0190f0a0-0000-7000-8000-000000000001', actor: { staffId: 'P01-receptionist-1', role: 'receptionist' }, payload: { content: 'x'.repeat(padding) } });

  it('a message over the API body limit goes to the dead letters unread, naming the limit', async () => {
    const big = line(MAX_INTAKE_MESSAGE_BYTES);
    await expect(applyIntakeMessage(noPipeline, producer, big)).rejects.toThrow(MalformedCommandError);
    await expect(applyIntakeMessage(noPipeline, producer, big)).rejects.toThrow(/larger than 256 KiB/);
  });

  it('counts bytes, not characters: Chinese text within the character count but over the byte limit is refused', async () => {
    const chinese = JSON.stringify({ commandId: '0190f0a0-0000-7000-8000-000000000001', payload: { content: '漏'.repeat(MAX_INTAKE_MESSAGE_BYTES / 2) } });
    expect(chinese.length).toBeLessThan(MAX_INTAKE_MESSAGE_BYTES);
    await expect(applyIntakeMessage(noPipeline, producer, chinese)).rejects.toThrow(/larger than 256 KiB/);
  });

  it('not JSON is refused as such', async () => {
    await expect(applyIntakeMessage(noPipeline, producer, '{nope')).rejects.toThrow(/value is not JSON/);
  });
});
