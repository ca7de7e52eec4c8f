import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../common/base/errors/blebench-error.js';
import { formatTransportSpec, parseTransportSpec } from '../../common/stack/hci/transport-spec.js';

describe('transport specs', () => {
  it.each([
    ['mock', { kind: 'mock' }],
    ['h4:unix:/tmp/air.sock', { kind: 'h4-unix', path: '/tmp/air.sock' }],
    ['h4:tcp:127.0.0.1:7777', { kind: 'h4-tcp', host: '127.0.0.1', port: 7777 }],
    ['h4:tcp:[::1]:7777', { kind: 'h4-tcp', host: '::1', port: 7777 }],
    ['hci:0', { kind: 'hci', devId: 0 }],
    ['hci1', { kind: 'hci', devId: 1 }],
    ['hci-user:2', { kind: 'hci-user', devId: 2 }],
    ['usb', { kind: 'usb' }],
    ['usb:0a12:0001', { kind: 'usb', vid: 0x0a12, pid: 0x0001 }],
    ['serial:/dev/ttyACM0', { kind: 'serial', path: '/dev/ttyACM0', baud: 1000000, rtscts: true }],
    ['serial:/dev/ttyUSB0@115200', { kind: 'serial', path: '/dev/ttyUSB0', baud: 115200, rtscts: true }],
    ['serial:/dev/ttyUSB0@115200,noflow', { kind: 'serial', path: '/dev/ttyUSB0', baud: 115200, rtscts: false }],
    ['serial:/dev/ttyACM0,noflow', { kind: 'serial', path: '/dev/ttyACM0', baud: 1000000, rtscts: false }],
    ['serial:COM3@1000000,rtscts', { kind: 'serial', path: 'COM3', baud: 1000000, rtscts: true }],
    ['serial:/tmp/a@b/air.tty@115200', { kind: 'serial', path: '/tmp/a@b/air.tty', baud: 115200, rtscts: true }],
    ['os', { kind: 'os' }],
  ])('parses %s', (text, spec) => {
    expect(parseTransportSpec(text)).toEqual(spec);
  });

  it.each(['h4:tcp:127.0.0.1:0', 'h4:tcp:127.0.0.1', 'hci:x', 'usb:zz:1', 'h4:unix:', 'bluetooth', 'serial:/dev/x@fast', 'serial:', 'serial:@115200', 'serial:/dev/x@300', 'serial:/dev/x@115200,xonxoff'])(
    'rejects %s with a bad-input error naming --transport',
    (text) => {
      let err: unknown;
      try {
        parseTransportSpec(text);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(BadInputError);
      expect((err as BadInputError).exitCode).toBe(2);
      expect((err as BadInputError).message).toContain('--transport');
      expect((err as BadInputError).hint).toContain('h4:unix:PATH');
    },
  );

  it('an unknown serial option is named with the two that exist', () => {
    expect(() => parseTransportSpec('serial:/dev/ttyACM0@1000000,xonxoff')).toThrow(/"xonxoff" is not a serial option.*,rtscts.*,noflow/);
  });

  it('formats back to the same text', () => {
    for (const t of ['mock', 'h4:unix:/x', 'h4:tcp:127.0.0.1:9', 'hci:3', 'hci-user:0', 'usb', 'usb:0a12:0001', 'serial:/dev/ttyS0@115200', 'serial:/dev/ttyS0@115200,noflow', 'os']) {
      expect(formatTransportSpec(parseTransportSpec(t))).toBe(t);
    }
  });
});
