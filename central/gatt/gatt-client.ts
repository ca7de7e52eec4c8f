// The GATT client of ONE connection: value procedures over that connection's ATT bearer, so an
// operation can never land on a later connection. Core v5.4 Vol 3 Part G 4.8 (read, long read),
// 4.9 (write, write without response, long write), 4.12 (descriptors). Every operation has a
// deadline; when it passes, the bearer is abandoned (ATT transaction timeout, Vol 3 Part F 3.3.3).
import { ATT_ERROR, ATT_OP } from '../../common/base/codes/att.js';
import type { AttBearer } from '../att/att-bearer.js';
import { EXECUTE_WRITE_FLAGS, type AttHandleValue, type AttPdu } from '../../common/stack/att/index.js';
import { attUuidToWire } from '../../common/stack/att/uuid-wire.js';
import { attOctets, expectResponse, PREPARE_WRITE_HEADER_LENGTH, READ_HEADER_LENGTH, WRITE_HEADER_LENGTH, type Ask } from '../att/att-exchange.js';
import { deadline } from '../deadline.js';
import { AttError, AttProtocolError, CentralUsageError } from '../errors.js';
import { discoverAll } from './discovery.js';
import type { DiscoveredService } from './discovered.js';
import { hex } from '../../common/base/codes/code-table.js';
import { formatUuid } from '../../common/base/output/format.js';

const executeWrite = (flags: number): AttPdu => ({ opcode: ATT_OP.EXECUTE_WRITE_REQ, flags });

export interface GattClientOptions {
  timeoutMs: number;
  /** Rejects with the link's HciError once the link is gone. */
  linkLost: () => Promise<never>;
  /** Turns an error from the bearer into the one to report (a closed bearer → the disconnection). */
  explain: (e: unknown) => unknown;
}

export class GattClient {
  constructor(
    readonly bearer: AttBearer,
    private readonly opts: GattClientOptions,
  ) {}

  private readonly ask: Ask = async (request, expected) => expectResponse(request, await this.bearer.request(attOctets(request)), expected);

  /** Runs one operation against its deadline; errors come out explained. */
  async run<T>(what: string, work: () => Promise<T>, timeoutMs = this.opts.timeoutMs): Promise<T> {
    try {
      return await deadline(work(), {
        what,
        timeoutMs,
        linkLost: this.opts.linkLost(),
        onTimeout: (e) => this.bearer.abandon(e),
      });
    } catch (e) {
      throw this.opts.explain(e);
    }
  }

  discover(): Promise<DiscoveredService[]> {
    return this.run('service discovery', () => discoverAll(this.ask));
  }

  /** Read Request, then Read Blob Requests while each answer fills the ATT_MTU. Vol 3 Part G 4.8.1, 4.8.3. */
  read(handle: number, what = `read of handle ${hex(handle, 4)}`): Promise<Buffer> {
    return this.run(what, async () => {
      let chunk = (await this.ask({ opcode: ATT_OP.READ_REQ, handle }, ATT_OP.READ_RSP)).value;
      const parts = [chunk];
      let length = chunk.length;
      while (chunk.length === this.bearer.mtu - READ_HEADER_LENGTH) {
        try {
          chunk = (await this.ask({ opcode: ATT_OP.READ_BLOB_REQ, handle, offset: length }, ATT_OP.READ_BLOB_RSP)).value;
        } catch (e) {
          // The value was exactly one MTU long: the server says so with 0x0B or 0x07. Vol 3 Part F 3.4.4.5.
          if (e instanceof AttError && (e.attCode === ATT_ERROR.ATTRIBUTE_NOT_LONG || e.attCode === ATT_ERROR.INVALID_OFFSET)) break;
          throw e;
        }
        if (chunk.length === 0) break;
        parts.push(chunk);
        length += chunk.length;
      }
      return Buffer.concat(parts);
    });
  }

  /**
   * Read Using Characteristic UUID: one Read By Type Request over start..end for `uuid`. Vol 3 Part G
   * 4.8.2. Resolves with the handle-value pairs of the response (each value as sent: at most
   * ATT_MTU-4 octets, Vol 3 Part F 3.4.4.2; Read Blob reads the rest); an Error Response rejects with an
   * AttError naming its code and handle (0x0A: no attribute of that type in the range). The range is
   * sent as given, so a server's answer to a bad one (0x01, Vol 3 Part F 3.4.4.1) can be seen.
   */
  readUsingCharacteristicUuid(start: number, end: number, uuid: string, what = `Read By Type for ${formatUuid(uuid)} over ${hex(start, 4)}-${hex(end, 4)}`): Promise<readonly AttHandleValue[]> {
    return this.run(what, async () => {
      const rsp = await this.ask({ opcode: ATT_OP.READ_BY_TYPE_REQ, startingHandle: start, endingHandle: end, attributeType: attUuidToWire(uuid) }, ATT_OP.READ_BY_TYPE_RSP);
      // Every handle returned must lie in the range asked for. Vol 3 Part F 3.4.4.1.
      const outside = rsp.attributeData.find((d) => d.handle < start || d.handle > end);
      if (outside) throw new AttProtocolError(`the Read By Type Response names handle ${hex(outside.handle, 4)}, outside the range ${hex(start, 4)}-${hex(end, 4)} asked for`);
      return rsp.attributeData;
    });
  }

  /** Write Request, or Prepare Write + Execute Write when the value does not fit. Vol 3 Part G 4.9.3, 4.9.4. */
  write(handle: number, value: Buffer, what = `write of handle ${hex(handle, 4)}`): Promise<void> {
    return this.run(what, async () => {
      if (value.length <= this.bearer.mtu - WRITE_HEADER_LENGTH) {
        await this.ask({ opcode: ATT_OP.WRITE_REQ, handle, value }, ATT_OP.WRITE_RSP);
        return;
      }
      await this.longWrite(handle, value);
    });
  }

  /** Write Command: never answered, so success means only "sent". Vol 3 Part G 4.9.1. */
  writeWithoutResponse(handle: number, value: Buffer, what = `write command to handle ${hex(handle, 4)}`): Promise<void> {
    return this.run(what, async () => {
      const room = this.bearer.mtu - WRITE_HEADER_LENGTH;
      if (value.length > room) throw new CentralUsageError(`a Write Command carries at most ATT_MTU-3 = ${room} octets; the value has ${value.length}`);
      await this.bearer.command(attOctets({ opcode: ATT_OP.WRITE_CMD, handle, value }));
    });
  }

  private async longWrite(handle: number, value: Buffer): Promise<void> {
    const room = this.bearer.mtu - PREPARE_WRITE_HEADER_LENGTH;
    try {
      for (let offset = 0; offset < value.length; offset += room) {
        const part = value.subarray(offset, offset + room);
        const echo = await this.ask({ opcode: ATT_OP.PREPARE_WRITE_REQ, handle, offset, value: part }, ATT_OP.PREPARE_WRITE_RSP);
        // The response echoes handle, offset and part; a mismatch cancels. Vol 3 Part G 4.9.5.
        if (echo.handle !== handle || echo.offset !== offset || !echo.value.equals(part)) throw new AttProtocolError(`the Prepare Write Response at offset ${offset} does not echo the part sent`);
      }
      await this.ask(executeWrite(EXECUTE_WRITE_FLAGS.WRITE_ALL), ATT_OP.EXECUTE_WRITE_RSP);
    } catch (e) {
      if (e instanceof AttError || e instanceof AttProtocolError) {
        await this.ask(executeWrite(EXECUTE_WRITE_FLAGS.CANCEL_ALL), ATT_OP.EXECUTE_WRITE_RSP).catch(() => undefined);
      }
      throw e;
    }
  }
}
