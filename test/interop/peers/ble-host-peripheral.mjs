// A ble-host peripheral serving a GATT database given in its plan (argv[2], JSON; built from a
// blebench profile by test/helpers/ble-host-profile.ts), advertising, and printing one JSON line per
// event (ready, connected, pairing-request, passkey-exchange, paired, pairing-failed, encrypt,
// subscription, notified, indicated, indication-confirmed, disconnected). It advertises again after
// each disconnection and runs until SIGTERM.
//   plan: { air, cwd, deviceName, advertising: { localName, serviceUuid }, services: [...],
//           pairing: { passkey, numericComparison: 'accept'|'reject' },
//           send: { [characteristic uuid]: { notify: [hex, …], indicate: [hex, …] } } }
// Pairing: the response follows the request as a phone's user would: no MITM asked → NoInputNoOutput
// (Just Works); MITM asked by a display-only initiator → KeyboardOnly (the user types the passkey
// shown on the central, plan.pairing.passkey); otherwise DisplayYesNo (Numeric Comparison under
// LE Secure Connections). ble-host has no key-size permission and no authorization level, so a
// `rule` (custom permission) carries those: { level, minKeySize, errorOverride }.
import { bleHost, emit, failOnCrash, hex, openAirTransport, planFromArgv, step } from './peer-io.mjs';

const { BleManager, AdvertisingDataBuilder, AttErrors, IOCapabilities, AssociationModels, SmpErrors } = bleHost;
failOnCrash();
const plan = planFromArgv();
if (plan.cwd) process.chdir(plan.cwd);
const ms = plan.timeoutMs ?? 5000;
const transport = await openAirTransport(plan.air);
transport.on('close', () => {
  emit('transport-closed');
  process.exit(3);
});
process.on('SIGTERM', () => {
  emit('stopped');
  process.exit(0);
});

const manager = await step('BleManager.create', ms, (ok, fail) => BleManager.create(transport, {}, (err, m) => (err ? fail(err) : ok(m))));

/** The access check ble-host's permission words cannot express (Core v5.4 Vol 3 Part C 10.3, Part F 3.4.1.1). */
function check(rule, connection) {
  if (rule.level === 'authorized') return AttErrors.INSUFFICIENT_AUTHORIZATION;
  let err = 0;
  const level = connection.smp.currentEncryptionLevel;
  if (!connection.smp.isEncrypted) err = connection.smp.hasLtk ? AttErrors.INSUFFICIENT_ENCRYPTION : AttErrors.INSUFFICIENT_AUTHENTICATION;
  else if (rule.level === 'authenticated' && !level.mitm) err = AttErrors.INSUFFICIENT_AUTHENTICATION;
  else if (level.keySize < rule.minKeySize) err = AttErrors.INSUFFICIENT_ENCRYPTION_KEY_SIZE;
  return err && rule.errorOverride !== undefined ? rule.errorOverride : err;
}

function attribute(spec) {
  const a = { uuid: spec.uuid };
  if (spec.properties) a.properties = spec.properties;
  if (spec.maxLength !== undefined) a.maxLength = spec.maxLength;
  if (spec.value !== undefined) a.value = Buffer.from(spec.value, 'hex');
  if (spec.readPerm) a.readPerm = spec.readPerm;
  if (spec.writePerm) a.writePerm = spec.writePerm;
  if (spec.readRule) a.onAuthorizeRead = (connection, callback) => callback(check(spec.readRule, connection));
  if (spec.writeRule) a.onAuthorizeWrite = (connection, callback) => callback(check(spec.writeRule, connection));
  return a;
}

/**
 * plan.send[uuid]: what to send when a central subscribes (its CCCD write, Vol 3 Part G 4.10, 4.11):
 * `notify` values as Handle Value Notifications, `indicate` values as Handle Value Indications, in
 * order (ble-host queues an indication until the previous one is confirmed). Each confirmation ble-host
 * reports is a line.
 */
function sendOnSubscribe(ch, send) {
  ch.onSubscriptionChange = (connection, notification, indication, isWrite) => {
    emit('subscription', { uuid: ch.uuid, notification, indication, isWrite });
    if (!isWrite) return;
    if (notification) for (const v of send.notify ?? []) emit('notified', { uuid: ch.uuid, hex: v, subscribed: ch.notify(connection, Buffer.from(v, 'hex')) });
    if (indication) {
      for (const v of send.indicate ?? []) {
        const subscribed = ch.indicate(connection, Buffer.from(v, 'hex'), () => emit('indication-confirmed', { uuid: ch.uuid, hex: v }));
        emit('indicated', { uuid: ch.uuid, hex: v, subscribed });
      }
    }
  };
}

function characteristic(c) {
  const ch = { ...attribute(c), descriptors: (c.descriptors ?? []).map(attribute) };
  const send = plan.send?.[c.uuid];
  if (send) sendOnSubscribe(ch, send);
  return ch;
}

manager.gattDb.setDeviceName(plan.deviceName);
manager.gattDb.addServices(plan.services.map((s) => ({ uuid: s.uuid, characteristics: s.characteristics.map(characteristic) })));

const advertisingData = new AdvertisingDataBuilder()
  .addFlags(['leGeneralDiscoverableMode', 'brEdrNotSupported'])
  .addLocalName(true, plan.advertising.localName)
  .add128BitServiceUUIDs(true, [plan.advertising.serviceUuid])
  .build();
await step('set advertising data', ms, (ok) => manager.setAdvertisingData(advertisingData, ok));

function onConnection(conn) {
  emit('connected', { peerAddress: conn.peerAddress, hasLtk: conn.smp.hasLtk });
  conn.on('disconnect', (reason) => {
    emit('disconnected', { reason });
    advertise();
  });
  conn.smp.on('pairingRequest', (req, callback) => {
    emit('pairing-request', { req });
    const displayOnly = req.ioCap === IOCapabilities.DISPLAY_ONLY;
    const ioCap = !req.mitm ? IOCapabilities.NO_INPUT_NO_OUTPUT : displayOnly ? IOCapabilities.KEYBOARD_ONLY : IOCapabilities.DISPLAY_YES_NO;
    callback({ ioCap, mitm: !!req.mitm, bondingFlags: req.bondingFlags, sc: true });
  });
  conn.smp.on('passkeyExchange', (model, shown, callback) => {
    emit('passkey-exchange', { model: AssociationModels.toString(model), shown });
    if (model === AssociationModels.NUMERIC_COMPARISON) {
      if (plan.pairing?.numericComparison === 'accept') callback();
      else conn.smp.sendPairingFailed(SmpErrors.NUMERIC_COMPARISON_FAILED);
    } else if (model === AssociationModels.PASSKEY_ENTRY_RSP_INPUTS || model === AssociationModels.PASSKEY_ENTRY_BOTH_INPUTS) {
      callback(plan.pairing?.passkey);
    }
  });
  conn.smp.on('pairingComplete', (res) => emit('paired', { sc: res.sc, mitm: res.mitm, bond: res.bond, level: conn.smp.currentEncryptionLevel }));
  // ble-host's docs name it 'pairingFailed', its smp.js emits 'pairingFail': both are heard.
  for (const name of ['pairingFailed', 'pairingFail']) conn.smp.on(name, (reason, fromRemote) => emit('pairing-failed', { reason, fromRemote, bleHostEvent: name }));
  conn.smp.on('encrypt', (status, level) => emit('encrypt', { status, level }));
}

function advertise() {
  manager.startAdvertising({}, (status, conn) => {
    if (status !== 0) {
      emit('error', { message: `advertising did not start: HCI status ${status}` });
      process.exit(3);
    }
    onConnection(conn);
  });
}

advertise();
emit('ready', { values: plan.services.flatMap((s) => s.characteristics.map((c) => ({ uuid: c.uuid, hex: hex(c.value && Buffer.from(c.value, 'hex')) }))) });
