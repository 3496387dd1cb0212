import { createEventStore } from './create-event-store';
import { runEventStoreContract } from './testing/contract';

// KurrentDB cannot be installed on the project's machines; the contract runs wherever KURRENTDB_URL points at a server.
const url = process.env.KURRENTDB_URL;
if (!url) {
  console.warn('\n*** SKIPPING KurrentDB contract: set KURRENTDB_URL (e.g. kurrentdb://localhost:2113?tls=false) to run it ***\n');
  it('KurrentDB contract needs KURRENTDB_URL', () => expect(url).toBeUndefined());
} else {
  runEventStoreContract('kurrentdb', () => ({ open: (upcasters) => createEventStore({ kind: 'kurrentdb', url }, upcasters) }));
}
