// A ble-host central, driven by a plan (argv[2], JSON), printing one JSON line per result:
//   node ble-host-central.mjs '{"air":"unix:/tmp/air.sock","serviceUuid":"…","timeoutMs":5000,
//     "steps":[{"do":"connect"},{"do":"walk","phase":"unencrypted"},{"do":"pair","features":{…},"passkey":123456},…]}'
// Steps: connect (scan for serviceUuid, connect, discover; newAddress: only from an address other than the last link's), descriptors (each one's value),
// read-by-type (a probe, last: see below), walk (every characteristic × operation:
// read, write, reliable write, write without response, notify/indicate subscription), pair (Pairing Request with
// ble-host's PairingFeatures; a passkey typed when asked), encrypt (LE Start Encryption with the
// bonded LTK), listen (subscribe and wait for `count` values), disconnect. Every step has a deadline;
// a step that misses it prints `timeout` and the peer exits 1. Run it with its cwd in a temp dir:
// ble-host keeps bonds in ./NodeBleLib-storage-dir.
import { bleHost, emit, failOnCrash, hex, openAirTransport, planFromArgv, step } from './peer-io.mjs';

const { BleManager, AssociationModels } = bleHost;
failOnCrash();
const plan = planFromArgv();
if (plan.cwd) process.chdir(plan.cwd);
const ms = plan.timeoutMs ?? 5000;
const transport = await openAirTransport(plan.air);
transport.on('close', () => {
  emit('transport-closed');
  process.exit(3);
});

const manager = await step('BleManager.create', ms, (ok, fail) => BleManager.create(transport, {}, (err, m) => (err ? fail(err) : ok(m))));
emit('ready');

/** ble-host's docs (security-manager.md) name the event 'pairingFailed'; its smp.js emits 'pairingFail'. Both are heard. */
const PAIRING_FAILED_EVENTS = ['pairingFailed', 'pairingFail'];

let conn = null;
let characteristics = [];
let lastValue = new Map(); // uuid -> the value last read, written back so that walking changes nothing

let lastPeer = null; // the address the last connection had on the air

async function connect(s = {}) {
  // newAddress: the peripheral is expected back from another address (a new RPA): reports from the old one are passed over
  const report = await step(s.newAddress ? 'scan for the service from a new address' : 'scan for the service', ms, (ok) => {
    const scanner = manager.startScan({ scanFilters: [new BleManager.ServiceUUIDScanFilter(plan.serviceUuid)] });
    scanner.on('report', (r) => {
      if (!r.connectable) return;
      if (s.newAddress && r.address === lastPeer) return;
      scanner.stopScan();
      ok(r);
    });
  });
  conn = await step('connect', ms, (ok) => manager.connect(report.addressType, report.address, {}, ok));
  lastPeer = conn.peerAddress;
  const thisConn = conn;
  conn.on('disconnect', (reason) => {
    emit('disconnected', { reason, wasCurrent: thisConn === conn });
  });
  conn.smp.on('pairingRequest', (secReq, callback) => {
    // A Security Request from the peripheral: answer with the plan's features.
    emit('security-request', { secReq });
    callback(plan.onSecurityRequest ?? {});
  });
  const services = await step('discover the service', ms, (ok) => conn.gatt.discoverServicesByUuid(plan.serviceUuid, 1, ok));
  if (!services.length) throw new Error(`service ${plan.serviceUuid} not found`);
  characteristics = await step('discover characteristics', ms, (ok) => services[0].discoverCharacteristics(ok));
  emit('connected', {
    peerAddress: conn.peerAddress,
    peerAddressType: conn.peerAddressType,
    // the identity ble-host found: the address itself, or an RPA its stored IRKs resolved (storage.js resolveAddress)
    peerIdentityAddress: conn.peerIdentityAddress,
    peerIdentityAddressType: conn.peerIdentityAddressType,
    ownAddress: conn.ownAddress,
    hasLtk: conn.smp.hasLtk,
    isBonded: conn.smp.isBonded,
    characteristics: characteristics.map((c) => ({ uuid: c.uuid, properties: c.properties })),
  });
}

const cell = (phase, c, operation, fields) => emit('cell', { phase, uuid: c.uuid, operation, encryption: conn.smp.currentEncryptionLevel, ...fields });

async function walk(phase) {
  for (const c of characteristics) {
    const read = await step(`read ${c.uuid}`, ms, (ok) => c.read((att, value) => ok({ att, value })));
    if (read.att === 0) lastValue.set(c.uuid, read.value);
    cell(phase, c, 'read', { att: read.att, hex: hex(read.value) });
    const value = lastValue.get(c.uuid) ?? Buffer.from([0]);
    const written = await step(`write ${c.uuid}`, ms, (ok) => c.write(value, ok));
    cell(phase, c, 'write', { att: written, hex: hex(value) });
    if (c.properties.write) {
      // Reliable Write (Vol 3 Part G 4.9.5): Prepare Write Requests, then Execute Write; a refused
      // Prepare Write is the answer, and the queue is cancelled.
      conn.gatt.beginReliableWrite();
      const prepared = await step(`reliable write ${c.uuid}`, ms, (ok) => c.write(value, ok));
      const executed = await step(`execute write ${c.uuid}`, ms, (ok) => (prepared === 0 ? conn.gatt.commitReliableWrite(ok) : conn.gatt.cancelReliableWrite(ok)));
      cell(phase, c, 'reliableWrite', { att: prepared || executed, hex: hex(value) });
    }
    if (c.properties.writeWithoutResponse) {
      await step(`write without response ${c.uuid}`, ms, (ok) => c.writeWithoutResponse(value, ok));
      cell(phase, c, 'writeWithoutResponse', { att: null, sent: true, hex: hex(value) });
    }
    for (const op of ['notify', 'indicate']) {
      if (!c.properties[op]) continue;
      const on = await step(`CCCD ${op} on ${c.uuid}`, ms, (ok) => c.writeCCCD(op === 'notify', op === 'indicate', ok));
      cell(phase, c, op, { att: on });
      if (on === 0) await step(`CCCD off ${c.uuid}`, ms, (ok) => c.writeCCCD(false, false, ok));
    }
  }
}

async function pair(s) {
  const result = await step('pairing', plan.pairingTimeoutMs ?? ms, (ok) => {
    const smp = conn.smp;
    const done = (r) => {
      smp.removeListener('pairingComplete', onComplete);
      for (const name of PAIRING_FAILED_EVENTS) smp.removeListener(name, onFailed[name]);
      ok(r);
    };
    const onComplete = (res) => done({ ok: true, sc: res.sc, mitm: res.mitm, bond: res.bond, level: smp.currentEncryptionLevel });
    // Which of the two names fired is part of the result (ble-host's docs and code disagree).
    const onFailed = Object.fromEntries(PAIRING_FAILED_EVENTS.map((name) => [name, (reason, fromRemote) => done({ ok: false, reason, fromRemote, bleHostEvent: name })]));
    smp.on('pairingComplete', onComplete);
    for (const name of PAIRING_FAILED_EVENTS) smp.on(name, onFailed[name]);
    smp.once('passkeyExchange', (model, shown, callback) => {
      emit('passkey-exchange', { model: AssociationModels.toString(model), shown });
      if (model === AssociationModels.NUMERIC_COMPARISON) {
        if (s.numericComparison === 'accept') callback();
        else smp.sendPairingFailed(bleHost.SmpErrors.NUMERIC_COMPARISON_FAILED);
      } else if (model === AssociationModels.PASSKEY_ENTRY_INIT_INPUTS || model === AssociationModels.PASSKEY_ENTRY_BOTH_INPUTS) {
        callback(s.passkey);
      }
    });
    if (!smp.sendPairingRequest(s.features ?? {})) done({ ok: false, reason: null, note: 'SMP busy' });
  });
  emit(result.ok ? 'paired' : 'pairing-failed', result);
}

async function encrypt() {
  if (!conn.smp.hasLtk) {
    emit('encrypt', { status: null, note: 'no LTK stored for this peer' });
    return;
  }
  const r = await step('encryption with the stored LTK', ms, (ok) => {
    conn.smp.once('encrypt', (status, level) => ok({ status, level }));
    conn.smp.startEncryption();
  });
  emit('encrypt', r);
}

async function listen(s) {
  const c = characteristics.find((x) => x.uuid === s.uuid.toUpperCase());
  if (!c) throw new Error(`no characteristic ${s.uuid}`);
  const values = [];
  const got = step(`${s.count} value(s) from ${s.uuid}`, ms, (ok) => {
    c.on('change', (value, isIndication, confirm) => {
      emit('value', { uuid: c.uuid, hex: hex(value), isIndication });
      if (isIndication) confirm();
      values.push(value);
      if (values.length >= s.count) ok(values);
    });
  });
  const on = await step(`CCCD ${s.operation} on ${c.uuid}`, ms, (ok) => c.writeCCCD(s.operation === 'notify', s.operation === 'indicate', ok));
  emit('subscribed', { uuid: c.uuid, operation: s.operation, att: on });
  if (on !== 0) return;
  await got;
}

/**
 * Read Using Characteristic UUID (Vol 3 Part G 4.8.2) through ble-host's documented
 * gatt.readUsingCharacteristicUuid. It passes (startHandle, endHandle, uuid, fn) to its internal
 * enqueueRequest(fn), which then calls the number it dequeued: a TypeError, thrown here when the
 * queue is idle, and the queue stays marked busy. So it runs last, on an idle queue, and what it
 * does is the result.
 */
async function readByTypeProbe(s) {
  const c = characteristics.find((x) => x.uuid === s.uuid.toUpperCase());
  try {
    const r = await step(`read by type ${c.uuid}`, ms, (ok) => conn.gatt.readUsingCharacteristicUuid(c.valueHandle, c.valueHandle, c.uuid, (att, list) => ok({ att, list })));
    emit('read-by-type', { uuid: c.uuid, att: r.att, hex: r.att === 0 ? hex(r.list[0].attributeValue) : null });
  } catch (e) {
    emit('read-by-type', { uuid: c.uuid, threw: `${e.name}: ${e.message}` });
  }
}

/** Every descriptor of every characteristic (Find Information, Vol 3 Part G 4.7.1), and its value read. */
async function descriptors() {
  for (const c of characteristics) {
    const found = await step(`discover descriptors of ${c.uuid}`, ms, (ok) => c.discoverDescriptors(ok));
    const list = [];
    for (const d of found) {
      const r = await step(`read descriptor ${d.uuid}`, ms, (ok) => d.read((att, value) => ok({ att, value })));
      list.push({ uuid: d.uuid, att: r.att, hex: hex(r.value) });
    }
    emit('descriptors', { uuid: c.uuid, descriptors: list });
  }
}

async function disconnect() {
  const c = conn;
  await step('disconnect', ms, (ok) => {
    c.once('disconnect', ok);
    c.disconnect();
  });
}

for (const s of plan.steps) {
  if (s.do === 'connect') await connect(s);
  else if (s.do === 'walk') await walk(s.phase);
  else if (s.do === 'pair') await pair(s);
  else if (s.do === 'encrypt') await encrypt();
  else if (s.do === 'listen') await listen(s);
  else if (s.do === 'disconnect') await disconnect();
  else if (s.do === 'read-by-type') await readByTypeProbe(s);
  else if (s.do === 'descriptors') await descriptors();
  else throw new Error(`unknown step ${JSON.stringify(s)}`);
  emit('step-done', { step: s.do });
}
emit('done');
process.exit(0);
