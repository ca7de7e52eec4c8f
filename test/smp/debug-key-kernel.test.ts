// An SC pairing made with the spec's debug P-256 key pair (Core v5.4 Vol 3 Part H 2.3.5.6.1) reaches
// the kernel share as MGMT key type Debug P-256, not as an ordinary SC key (BlueZ mgmt-api.txt, Load
// Long Term Keys), so that the kernel's rules for debug keys apply.
import { afterEach, expect, it } from 'vitest';
import { MGMT_LTK_TYPE } from '../../common/base/codes/mgmt.js';
import { until } from '../helpers/until.js';
import { stackPair, type StackPair } from './helpers/stack-pair.js';
let s: StackPair | undefined;

afterEach(async () => {
  await s?.close();
  s = undefined;
});

for (const [debug, type] of [[true, MGMT_LTK_TYPE.DEBUG_P256], [false, MGMT_LTK_TYPE.UNAUTHENTICATED_P256]] as const) {
  it(`debug ${debug}: the kernel share holds key type ${type}`, async () => {
    s = await stackPair({ central: { config: { useDebugKeys: debug } } });
    const { handle } = await s.connect();
    await s.pair(handle);
    const keys = await until(() => { const k = s!.pt.kernelShare!.longTermKeys.filter((x) => !x.central); return k.length ? k : undefined; }, 'a key in the kernel share');
    expect(keys.map((k) => k.keyType)).toEqual([type]);
  });
}
