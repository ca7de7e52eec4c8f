// What blebench relies on inside @abandonware/noble (1.9.2-26): the pinned version, the files it
// reaches into, the shapes of the objects it touches, and the error raised when they drift.
// test/central/pinned-noble-drift-fails-loudly.test.ts reads the pinned sources and fails loudly when a version
// changes any of it. Every other file of central/noble/ takes these shapes from here.
import { createRequire } from 'node:module';
import { BlebenchError } from '../../common/base/errors/blebench-error.js';

export type Noble = typeof import('@abandonware/noble');
export type NoblePeripheral = import('@abandonware/noble').Peripheral;

export const nobleRequire = createRequire(import.meta.url);
export const NOBLE_VERSION_PINNED = '1.9.2-26';
const NOBLE_PKG = nobleRequire.resolve('@abandonware/noble/package.json');
export const NOBLE_HCI_FILE = nobleRequire.resolve('@abandonware/noble/lib/hci-socket/hci.js');
export const NOBLE_SMP_FILE = nobleRequire.resolve('@abandonware/noble/lib/hci-socket/smp.js');
export const NOBLE_ACL_STREAM_FILE = nobleRequire.resolve('@abandonware/noble/lib/hci-socket/acl-stream.js');
export const NOBLE_SIGNALING_FILE = nobleRequire.resolve('@abandonware/noble/lib/hci-socket/signaling.js');

export function nobleVersion(): string {
  return (nobleRequire(NOBLE_PKG) as { version: string }).version;
}

/** The parts of noble's hci-socket bindings central/noble/ relies on (lib/hci-socket/bindings.js, hci.js). */
export interface NobleInternals {
  bindings: {
    _hci: {
      _socket: { stop(): void; write(p: Buffer): void };
      pollIsDevUp: () => void;
      /** The controller's public address, once noble read it (Read BD_ADDR). */
      address?: string;
      _handleBuffers: Record<number, unknown>;
      /** LE Enable Encryption (HCI 0x2019) with the given Rand, EDIV and LTK. */
      startLeEncryption(handle: number, random: Buffer, diversifier: Buffer, key: Buffer): void;
      on(event: 'leConnComplete', l: (status: number, handle: number, role: number) => void): unknown;
    };
    _gatts: Record<number, NobleLinkInternals['gatt'] | undefined>;
    _aclStreams: Record<number, NobleLinkInternals['aclStream'] | undefined>;
    _handles: Record<string, number | string>;
    disconnect(peripheralUuid: string): void;
  };
}

/** noble cannot be loaded the way blebench needs (wrong transport, or loaded before blebench). */
export class NobleLoadError extends BlebenchError {
  readonly code = 'NOBLE_LOAD';
}

/** A part of noble that central/noble/ relies on is gone or changed (another noble version). */
export class NobleInternalsChanged extends BlebenchError {
  readonly code = 'NOBLE_INTERNALS';
  constructor(what: string) {
    super(`noble ${NOBLE_VERSION_PINNED}'s internals changed: ${what} (central/noble/ relies on it)`);
  }
}

interface NobleAttCommand {
  buffer: Buffer;
  callback: ((data: Buffer) => void) | null;
  writeCallback?: () => void;
}

/** The parts of one connection's noble objects the ATT bearer relies on (lib/hci-socket/gatt.js, acl-stream.js). */
export interface NobleLinkInternals {
  gatt: NodeJS.EventEmitter & {
    _currentCommand: NobleAttCommand | null;
    _commandQueue: NobleAttCommand[];
    _security: string;
    _mtu: number;
    /** The Client Rx MTU noble asks for in its Exchange MTU Request (256). */
    _desired_mtu: number;
    onAclStreamDataBinded: (cid: number, data: Buffer) => void;
    onAclStreamEncryptBinded: (encrypt: boolean) => void;
    _queueCommand(buffer: Buffer, callback: ((data: Buffer) => void) | null, writeCallback?: () => void): void;
    writeAtt(data: Buffer): void;
  };
  aclStream: NodeJS.EventEmitter & {
    encrypt(): void;
    _smp?: unknown;
    /** noble's Hci, whose startLeEncryption its own SMP uses with the STK (lib/hci-socket/acl-stream.js onSmpStk). */
    _hci?: { startLeEncryption?(handle: number, random: Buffer, diversifier: Buffer, key: Buffer): void };
  };
}

/** The parts of noble's AclStream the SMP substitute uses (lib/hci-socket/acl-stream.js). */
export interface NobleAclStream extends NodeJS.EventEmitter {
  _hci: { startLeEncryption(handle: number, random: Buffer, diversifier: Buffer, key: Buffer): void };
  _handle: number;
  write(cid: number, data: Buffer): void;
}
