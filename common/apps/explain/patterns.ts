// The failure patterns explain knows: each an id, the cause in plain words, what to do on each side, and the
// platforms known to behave that way, with the source (../shared/research/captures-and-personas.md, part C).
// Explanations as data: the rules that find them are in rules.ts.

export type PatternId =
  | 'no-pairing-after-security-error'
  | 'pairing-refused'
  | 'mitm-unreachable'
  | 'security-too-low-after-pairing'
  | 'sc-only-vs-legacy'
  | 'key-size-too-small'
  | 'passkey-or-confirm-failed'
  | 'numeric-comparison-rejected'
  | 'pairing-timeout'
  | 'repeated-attempts'
  | 'peripheral-lost-bond'
  | 'central-lost-bond'
  | 'key-mismatch'
  | 'security-request-ignored'
  | 'rpa-not-resolved'
  | 'encryption-not-restored-on-reconnect'
  | 'filtered-capture';

export type Platform = 'ios' | 'macos' | 'android' | 'windows' | 'linux' | 'noble' | 'bleno' | 'zephyr' | 'nimble' | 'esp-idf';
export const PLATFORMS: readonly Platform[] = ['ios', 'macos', 'android', 'windows', 'linux', 'noble', 'bleno', 'zephyr', 'nimble', 'esp-idf'];

export interface PlatformNote {
  platform: Platform;
  behaviour: string;
  source: string;
}

export interface Pattern {
  id: PatternId;
  title: string;
  cause: string;
  central: string;
  peripheral: string;
  platforms: PlatformNote[];
}

const P = (id: PatternId, title: string, cause: string, central: string, peripheral: string, platforms: PlatformNote[] = []): Pattern => ({ id, title, cause, central, peripheral, platforms });

export const PATTERNS: Readonly<Record<PatternId, Pattern>> = {
  'no-pairing-after-security-error': P(
    'no-pairing-after-security-error',
    'a security error was answered and nobody paired',
    'the peripheral answered Insufficient Authentication or Encryption, and the central neither paired nor encrypted: its stack does not pair on its own, or an app layer swallowed the error',
    'pair explicitly (Windows: DeviceInformation.Pairing.PairAsync; Android: createBond) or use a stack that pairs on 0x05/0x0F and re-sends the request',
    'protect values and CCCDs, not discovery (ADG 40.9); or send a Security Request when the protected attribute is first needed',
    [
      { platform: 'windows', behaviour: 'an unpaired device\'s protected read returns ProtocolError and Windows does not start pairing', source: 'inthehand/32feet PR #421; woodemi/quick_blue#111' },
      { platform: 'noble', behaviour: 'with pairing off, the 0x05 reaches the app and nothing follows', source: 'noble/noble#295' },
      { platform: 'linux', behaviour: 'a channel at fixed security does not raise it on 0x05/0x0F (only AUTO does)', source: 'bluez src/shared/att.c change_security' },
    ],
  ),
  'pairing-refused': P(
    'pairing-refused',
    'pairing was refused',
    'one side answered the pairing with Pairing Failed: it does not support or allow pairing now, or the parameters were not acceptable',
    'show the reason to the user; do not retry at once (repeated attempts are refused in turn)',
    'if pairing should work, allow it (pairable mode, a bond slot free, the parameters the central sent)',
    [{ platform: 'bleno', behaviour: 'answers an LTK negative reply with Pairing Failed 0x08', source: 'abandonware/bleno lib/hci-socket/smp.js' }],
  ),
  'mitm-unreachable': P(
    'mitm-unreachable',
    'MITM protection asked for, but the IO capabilities only allow Just Works',
    'one side asks for MITM protection while the two IO capabilities select Just Works (Vol 3 Part H 2.3.5.1), so an authenticated key cannot be made',
    'offer a display or keyboard IO capability, or accept an unauthenticated key where the data allows it',
    'give the device a display or keyboard (or OOB), or drop the MITM requirement from the attribute permissions',
    [
      { platform: 'android', behaviour: 'retries a 0x05 with MITM and then reports GATT_AUTH_FAIL (137)', source: 'AOSP BluetoothGatt.java / gatt_auth.cc' },
      { platform: 'bleno', behaviour: 'pairs NoInputNoOutput only', source: 'abandonware/bleno lib/hci-socket/smp.js; noble/bleno#225' },
    ],
  ),
  'security-too-low-after-pairing': P(
    'security-too-low-after-pairing',
    'paired and encrypted, and still refused',
    'the link is encrypted but the attribute wants more: an authenticated (MITM) key where Just Works made an unauthenticated one, or LE Secure Connections',
    'pair with MITM (passkey or numeric comparison) when the peripheral asks for authentication',
    'ask for what the IO capabilities can give, or give the device the IO to make an authenticated key',
    [{ platform: 'android', behaviour: 'retries with MITM after a second 0x05, then gives the app 137', source: 'AOSP BluetoothGatt.java' }],
  ),
  'sc-only-vs-legacy': P(
    'sc-only-vs-legacy',
    'Secure Connections only met a legacy-only peer',
    'one side accepts only LE Secure Connections and the other offers only LE legacy pairing, so pairing fails with Authentication Requirements',
    'enable LE Secure Connections, or relax SC-only mode for this device',
    'enable LE Secure Connections (set the SC bit), or relax SC-only mode',
    [
      { platform: 'bleno', behaviour: 'legacy pairing only', source: 'abandonware/bleno lib/hci-socket/smp.js' },
      { platform: 'android', behaviour: 'in SC-only mode a non-SC request fails with authentication requirements', source: 'AOSP smp_act.cc smp_proc_sec_req' },
      { platform: 'nimble', behaviour: 'SC-only configuration refuses legacy peers', source: 'apache/mynewt-nimble#938' },
    ],
  ),
  'key-size-too-small': P(
    'key-size-too-small',
    'the encryption key is too short',
    'the pairing would make (or made) a key shorter than one side accepts: a Maximum Encryption Key Size below 16 met a minimum of 16, or an attribute needs a longer key',
    'nothing to fix on the central unless it limits the key size itself',
    'use 16-octet keys (Maximum Encryption Key Size 16)',
    [
      { platform: 'android', behaviour: 'answers 0x0C for a too-short key as a server', source: 'AOSP gatt_db.cc' },
      { platform: 'linux', behaviour: 'checks a minimum key size', source: 'bluez src/shared/gatt-server.c check_min_key_size' },
    ],
  ),
  'passkey-or-confirm-failed': P(
    'passkey-or-confirm-failed',
    'the passkey or confirm value did not match',
    'the two sides did not use the same passkey (or one cancelled entry), so the confirm or DHKey check failed',
    'check where the passkey comes from and that the user typed the number shown on the other device',
    'show the passkey when asked (not before), and a fixed passkey must match the one the app enters',
    [],
  ),
  'numeric-comparison-rejected': P(
    'numeric-comparison-rejected',
    'numeric comparison rejected',
    'the user (or the device) said the two six-digit numbers did not match',
    'show the number and ask the user to compare it with the other device',
    'show the same number at the same time; a device without a yes/no input should not offer DisplayYesNo',
    [],
  ),
  'pairing-timeout': P(
    'pairing-timeout',
    'pairing stalled past the 30 s SMP timeout',
    'pairing started and no SMP PDU came for 30 s (Vol 3 Part H 3.4): a pairing dialog nobody answered, or a stack that stopped',
    'look for the pairing prompt (Android may show only a notification); do not trigger pairing in the background',
    'answer every SMP PDU; if the peripheral needs user input, give it within 30 s',
    [
      { platform: 'android', behaviour: 'shows app-triggered LE pairing as a notification unless the screen is in front', source: 'AOSP LocalBluetoothPreferences.java' },
      { platform: 'ios', behaviour: 'the app gets CBATTError 15 when the dialog is ignored', source: 'Meshtastic-Apple#1275' },
    ],
  ),
  'repeated-attempts': P(
    'repeated-attempts',
    'pairing attempts came too often',
    'pairing was tried again and again in a short time, and a side refused with Repeated Attempts (Vol 3 Part H 2.3.6)',
    'wait before trying again (the wait grows with each failure) and find why the first attempt failed',
    'request security once, when a protected attribute is used, not on a timer (ADG 40.10)',
    [{ platform: 'ios', behaviour: 'prompts again each time the peripheral requests security', source: 'Nordic DevZone 126326' }],
  ),
  'peripheral-lost-bond': P(
    'peripheral-lost-bond',
    'the peripheral lost the bond; the central still has it',
    'the central encrypts with a stored key and the peripheral has none for it (erased, reflashed, or keys never persisted), so encryption fails with PIN or Key Missing',
    'forget the device and pair again (iOS: Settings > Bluetooth > Forget; Android: Unpair)',
    'keep bonds across restarts; on a missing key accept a new pairing or send a Security Request',
    [
      { platform: 'ios', behaviour: 'does not re-pair by itself: CBError 14, the user must forget the device', source: 'Apple forum 776041; Nordic DevZone 60455' },
      { platform: 'android', behaviour: 'reports 137 or loops; re-encrypts with the stale key', source: 'OneKeyHQ/hardware-js-sdk#951' },
      { platform: 'bleno', behaviour: 'does not persist keys: a restart loses every bond', source: 'abandonware/bleno lib/hci-socket/smp.js' },
    ],
  ),
  'central-lost-bond': P(
    'central-lost-bond',
    'the central lost the bond; the peripheral still has it',
    'a central that bonded before comes back and pairs from scratch instead of encrypting: the user forgot the device on the phone',
    'nothing, if re-pairing is accepted; otherwise forget the device on the peripheral too',
    'allow re-pairing with a known identity (NimBLE REPEAT_PAIRING: delete and retry; Zephyr: bt_unpair on PIN_OR_KEY_MISSING)',
    [
      { platform: 'nimble', behaviour: 'raises BLE_GAP_EVENT_REPEAT_PAIRING', source: 'adafruit/circuitpython#11237' },
      { platform: 'zephyr', behaviour: 'refuses unless the app unpairs', source: 'zephyrproject-rtos/zephyr #24086' },
    ],
  ),
  'key-mismatch': P(
    'key-mismatch',
    'both sides have a key, and the keys differ',
    'encryption started with a key the peripheral also had, but they were not the same key (a half-finished bonding, a key overwritten on one side): the link fails with MIC failure or PIN or Key Missing',
    'forget the device and pair again',
    'delete the bond for this central and pair again',
    [{ platform: 'zephyr', behaviour: '0x3D after an in-progress pairing was deleted', source: 'zephyrproject-rtos/zephyr#112027' }],
  ),
  'security-request-ignored': P(
    'security-request-ignored',
    'the central ignored a Security Request',
    'the peripheral asked for security and the central neither encrypted, paired nor refused (Vol 3 Part H 3.6.7 wants one of them)',
    'handle Security Requests: encrypt with the bond, pair, or answer Pairing Failed',
    'do not rely on the Security Request alone: answer protected requests with 0x05 so the central pairs',
    [{ platform: 'noble', behaviour: 'ignores an SMP Security Request', source: 'stoprocent/noble#142' }],
  ),
  'rpa-not-resolved': P(
    'rpa-not-resolved',
    'a bonded central came back from a new private address and was not recognised',
    'the central uses resolvable private addresses; the peripheral did not resolve the new one with the central\'s IRK, so it found no key',
    'nothing (privacy is right); forget and re-pair as a workaround',
    'ask for the IRK (IdKey) in key distribution, store it and resolve RPAs (ADG 40.8)',
    [{ platform: 'ios', behaviour: 'always connects from resolvable private addresses', source: 'Apple Accessory Design Guidelines 40.8' }],
  ),
  'encryption-not-restored-on-reconnect': P(
    'encryption-not-restored-on-reconnect',
    'a bonded link came back unencrypted',
    'the two are bonded, but after reconnecting nobody encrypted the link before using a protected attribute',
    'encrypt with the stored key as soon as the link is up (iOS, Android and BlueZ do)',
    'send a Security Request after reconnecting, or answer 0x0F (a key exists, encrypt) rather than 0x05',
    [{ platform: 'noble', behaviour: 'does not restore encryption from a bond by itself', source: 'noble/noble#295' }],
  ),
  'filtered-capture': P(
    'filtered-capture',
    'the capture was taken in filtered mode',
    'ACL packets are cut (Android filtered snoop log keeps 14 octets): ATT values and SMP contents are cut, so some of the story cannot be read',
    'Android: Developer options > Enable Bluetooth HCI snoop log > Enabled (full), then reproduce and take a new bug report',
    '—',
    [{ platform: 'android', behaviour: 'btsnoop_hci.log.filtered cuts ACL to 14 octets', source: 'AOSP system/gd/hal/snoop_logger.cc' }],
  ),
};
