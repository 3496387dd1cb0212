import { parentPort, workerData } from 'node:worker_threads';
import { Verifier, type VerifyInput } from './verifier';

/** The verify worker: hashes and checks the batches the calling thread reads, so that thread stays free for requests. */
const verifier = new Verifier(workerData as VerifyInput);
parentPort!.on('message', (m: { type: 'feed'; stream: 'log' | 'events'; rows: string | Uint8Array; done: boolean } | { type: 'finish'; heads: Parameters<Verifier['finish']>[0] }) => {
  if (m.type === 'feed') {
    verifier.feed(m.stream, m.rows, m.done);
    parentPort!.postMessage({ type: 'ack' });
  } else parentPort!.postMessage({ type: 'report', report: verifier.finish(m.heads) });
});
