// The test users' credentials. The emulator's conformance suite has its own (emulator/test/helpers.ts):
// the emulator stands alone and depends on nothing under test/.

export const PASSWORD = 'Correct-Horse-9';

let n = 0;
/** A new address each call, unique across processes and runs, so tests never share a user. */
export const uniqueEmail = (prefix = 'user') =>
  `${prefix}.${process.pid}.${Date.now().toString(36)}.${n++}@example.com`;
