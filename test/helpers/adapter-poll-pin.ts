// The pin both drift tests share: noble's and bleno's Hci re-arm the isDevUp poll with
// setTimeout(this.pollIsDevUp.bind(this), 1000), and stoppableAdapterPoll (common/base/util/adapter-poll.ts)
// captures that timer so that close() can clear it. Run on the stack's own poll (from its prototype).
import { expect } from 'vitest';
import { stoppableAdapterPoll } from '../../common/base/util/adapter-poll.js';

export function expectAdapterPollCaptured(hci: object): void {
  // The stack's own poll on a stand-in whose adapter state does not change: it only re-arms.
  const own = (Object.getPrototypeOf(hci) as { pollIsDevUp: () => void }).pollIsDevUp;
  const standIn = { _socket: { isDevUp: () => true }, _isDevUp: true, pollIsDevUp: own };
  const poll = stoppableAdapterPoll(standIn);
  standIn.pollIsDevUp();
  expect(poll.armed).toBe(true);
  poll.stop();
  expect(poll.armed).toBe(false);
  standIn.pollIsDevUp();
  expect(poll.armed).toBe(false);
}
