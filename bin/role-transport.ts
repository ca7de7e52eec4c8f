// The transport a role's console opens (and opens again after a loss): the capture starts first, so
// it has the controller's address being set too; a controller that refuses the address is closed
// before the error goes up.
import { openTransport, type HciTransport } from '../common/stack/hci/transport.js';
import { LONG_RUN_HISTORY } from '../common/stack/trace/tap.js';
import { prepareControllerAddress } from '../common/stack/hci/vendor-address.js';

export interface RoleTransportOptions {
  transport: string;
  name: 'central' | 'peripheral';
  btsnoop?: string | undefined;
  /** --address: the controller's public address (Zephyr Write BD_ADDR); undefined keeps the controller's own. */
  address: string | undefined;
  /** Where a warning about the controller's address goes. */
  say: (line: string) => void;
}

export async function openRoleTransport(o: RoleTransportOptions): Promise<HciTransport> {
  const t = await openTransport(o.transport, { name: o.name, history: LONG_RUN_HISTORY });
  if (o.btsnoop) t.tap.attachBtsnoop(o.btsnoop);
  try {
    await prepareControllerAddress(t, o.address, o.say);
  } catch (e) {
    await t.close();
    throw e;
  }
  return t;
}
