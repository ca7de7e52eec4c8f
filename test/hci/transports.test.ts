// The compliance suite run against every transport this machine can reach.
import { EventEmitter } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Radio, startAirServer, type AirServer, type VirtualController } from '../../common/stack/air/index.js';
import type { NativeSocketClass } from '../../common/stack/hci/native-module.js';
import { openTransport } from '../../common/stack/hci/transport.js';
import { transportComplianceSuite } from './transport-compliance.js';

const mockRadios = new Map<object, Radio>();
transportComplianceSuite('mock', {
  open: async () => {
    const radio = new Radio({ name: 'compliance' });
    const t = await openTransport('mock', { radio });
    mockRadios.set(t, radio);
    return t;
  },
  // The radio closing powers its controllers off: the mock transport ends as a stream's would.
  killController: (t) => mockRadios.get(t)?.close(),
  teardown: async () => {
    for (const r of mockRadios.values()) r.close();
    mockRadios.clear();
  },
});

let unixServer: AirServer | undefined;
transportComplianceSuite('h4:unix (blebench air)', {
  async open() {
    const sock = path.join(mkdtempSync(path.join(tmpdir(), 'blebench-c-')), 'air.sock');
    unixServer = await startAirServer({ listen: `unix:${sock}` });
    return openTransport(`h4:unix:${sock}`);
  },
  killController: async () => {
    await unixServer!.close();
  },
  teardown: async () => {
    await unixServer?.close();
    unixServer = undefined;
  },
});

let tcpServer: AirServer | undefined;
transportComplianceSuite('h4:tcp (blebench air)', {
  async open() {
    tcpServer = await startAirServer({ listen: 'tcp:127.0.0.1:0' });
    return openTransport(`h4:${tcpServer.address}`);
  },
  killController: async () => {
    await tcpServer!.close();
  },
  teardown: async () => {
    await tcpServer?.close();
    tcpServer = undefined;
  },
});

// hci-user:N through the native-socket path, with a virtual controller standing in for the adapter
// the kernel would hand over (this machine has no kernel Bluetooth).
let userRadio: Radio | undefined;
let userController: VirtualController | undefined;
function userChannelFake(): NativeSocketClass {
  return class extends EventEmitter {
    private c: VirtualController;
    constructor() {
      super();
      userRadio ??= new Radio({ name: 'user-channel' });
      this.c = userController = userRadio.createController();
      this.c.on('packet', (p: Buffer) => this.emit('data', p));
      this.c.on('close', () => this.emit('error', Object.assign(new Error('Network is down'), { code: 'ENETDOWN' })));
    }
    bindUser() {
      return 0;
    }
    bindRaw() {
      return 0;
    }
    bindControl() {
      return 0;
    }
    start() {}
    stop() {}
    write(p: Buffer) {
      this.c.write(p);
    }
    isDevUp() {
      return true;
    }
    setFilter() {}
    getDeviceList() {
      return [];
    }
  } as unknown as NativeSocketClass;
}
transportComplianceSuite('hci-user (native user channel, virtual adapter)', {
  open: () => openTransport('hci-user:0', { native: { kernel: userChannelFake } }),
  killController: () => userController!.close(),
  teardown: async () => {
    userRadio?.close();
    userRadio = undefined;
  },
});
