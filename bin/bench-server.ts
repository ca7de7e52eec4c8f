// server_*: the figures of bench.ts taken through blebench's own ATT server (servePeripheral serving the
// default profile, as `blebench peripheral` does without --keys: bleno's SMP, blebench's ATT server)
// with noble as the client over mock. bench.ts's connect_pair_read / notify_* stay the baseline of
// bleno answering with its own GATT; these show what our server costs on the same radio.
import { performance } from 'node:perf_hooks';
import { loadProfile } from '../common/stack/gatt/index.js';
import { waitForEvent, withTimeout } from '../common/base/util/wait.js';
import { type NoblePeripheral } from '../central/noble/internals.js';
import { openWorld } from '../world/open-world.js';

const PAIR_RUNS = 9;
/** A burst of this many notifications per size by default (`--notifications`): a few hundred ms on mock. */
const NOTIFICATIONS = 2000;
const SECURE_NAME = 'Encrypted Read';
const NOTIFY_NAME = 'Temperature';
const STEP_MS = 5000;

/** noble's spelling of a UUID: lower case, no dashes. */
const nobleUuid = (uuid: string) => uuid.replace(/-/g, '').toLowerCase();

export interface ServerFigures {
  connectPairReadMs: number[];
  notifyPerS20: number;
  notifyPerS244: number;
  method: { server_connect_pair_read: string; server_notify: string };
}

const uuidOf = (profile: ReturnType<typeof loadProfile>, name: string): string => {
  for (const s of profile.services) for (const c of s.characteristics) if (c.name === name) return c.uuid;
  throw new Error(`bench: the default profile has no "${name}"`);
};

export async function serverBench(notifications: number = NOTIFICATIONS): Promise<ServerFigures> {
  const profile = loadProfile('default');
  const service = nobleUuid(profile.advertising.serviceUuids[0]!);
  const secure = nobleUuid(uuidOf(profile, SECURE_NAME));
  const notifyUuid = nobleUuid(uuidOf(profile, NOTIFY_NAME));
  const expected = profile.services.flatMap((s) => s.characteristics).find((c) => c.name === SECURE_NAME)!.value;

  const world = await openWorld({ radio: { name: 'bench-server' }, peripheral: { profile }, central: { kind: 'noble' } });
  try {
    const { noble: n, server: srv } = world;

    const scan = async (): Promise<NoblePeripheral> => {
      const found = waitForEvent<[NoblePeripheral]>(n.noble as unknown as NodeJS.EventEmitter, 'discover', { what: 'the served profile advertising', timeoutMs: STEP_MS });
      await n.noble.startScanningAsync([service], false);
      const [p] = await found;
      await n.noble.stopScanningAsync();
      return p;
    };
    const disconnect = async (p: NoblePeripheral) => {
      const gone = waitForEvent(p as unknown as NodeJS.EventEmitter, 'disconnect', { what: 'disconnect', timeoutMs: STEP_MS });
      await p.disconnectAsync();
      await gone;
    };

    let pairings = 0;
    srv.on('pairing', (e) => {
      if (e.step === 'request') pairings++;
    });
    const connectPairRead = async (): Promise<number> => {
      const before = pairings;
      const t0 = performance.now();
      const p = await scan();
      await withTimeout(p.connectAsync(), { what: 'connect', timeoutMs: STEP_MS });
      const { characteristics } = await withTimeout(p.discoverSomeServicesAndCharacteristicsAsync([service], [secure]), { what: 'discover', timeoutMs: STEP_MS });
      const v = await withTimeout(characteristics[0]!.readAsync(), { what: 'read', timeoutMs: STEP_MS });
      const ms = performance.now() - t0;
      if (!v.equals(expected)) throw new Error(`bench: "${SECURE_NAME}" read ${JSON.stringify(v.toString())} through the server, not the profile's value`);
      if (pairings === before) throw new Error('bench: the read succeeded without a pairing on the link; the figure would not include one');
      await disconnect(p);
      return ms;
    };

    const notifyRate = async (size: number): Promise<number> => {
      const p = await scan();
      await withTimeout(p.connectAsync(), { what: 'connect', timeoutMs: STEP_MS });
      const { characteristics } = await withTimeout(p.discoverSomeServicesAndCharacteristicsAsync([service], [notifyUuid]), { what: 'discover', timeoutMs: STEP_MS });
      const ch = characteristics[0]!;
      const payload = Buffer.alloc(size, 0x5a);
      let got = 0;
      let bad = 0;
      let t0 = 0;
      const all = new Promise<number>((resolve) => {
        ch.on('data', (data: Buffer) => {
          if (got === 0) t0 = performance.now();
          if (!data.equals(payload)) bad++;
          if (++got === notifications) resolve(performance.now() - t0);
        });
      });
      const subscribed = waitForEvent(srv as unknown as NodeJS.EventEmitter, 'subscribe', { what: 'the CCCD write at the server', timeoutMs: STEP_MS });
      await withTimeout(ch.subscribeAsync(), { what: 'subscribe', timeoutMs: STEP_MS });
      await subscribed;
      for (let i = 0; i < notifications; i++) {
        const d = srv.notify(NOTIFY_NAME, payload);
        if (!d.sent) throw new Error(`bench: notification ${i + 1} of ${size} B not sent: ${d.reason}`);
      }
      const ms = await withTimeout(all, { what: `${notifications} notifications of ${size} B`, timeoutMs: 60_000 });
      if (bad) throw new Error(`bench: ${bad} of ${notifications} notifications of ${size} B arrived other than sent (ATT MTU too small?)`);
      await disconnect(p);
      return ((notifications - 1) / ms) * 1000;
    };

    await connectPairRead(); // warm-up, not counted
    const runs: number[] = [];
    for (let i = 0; i < PAIR_RUNS; i++) runs.push(await connectPairRead());
    await notifyRate(20); // warm-up, not counted: the first burst runs before the JIT has compiled the path
    const notifyPerS20 = await notifyRate(20);
    const notifyPerS244 = await notifyRate(244);
    return {
      connectPairReadMs: runs,
      notifyPerS20,
      notifyPerS244,
      method: {
        server_connect_pair_read: `${PAIR_RUNS} runs after one warm-up, blebench's ATT server (servePeripheral, the default profile, bleno's SMP as \`blebench peripheral\` without --keys) answering noble: scan start → connect → discover the one service → read "${SECURE_NAME}" (ATT 0x05 → LE legacy Just Works pairing → encryption → re-sent read) → the profile's value; median of the runs`,
        server_notify: `${notifications} notifications of "${NOTIFY_NAME}" sent by PeripheralServer.notify in one synchronous burst (after one uncounted warm-up burst of 20 B) after the server saw noble's CCCD write; each checked octet for octet; rate = (N-1) / (time from the first to the last received by noble); ATT MTU as negotiated by noble and blebench's server`,
      },
    };
  } finally {
    await world.close();
  }
}
