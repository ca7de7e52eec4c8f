// HCI command flow control on the host side (Core v5.4 Vol 4 Part E 4.4): "the Host shall not send
// more HCI Command packets than allowed" by the last Num_HCI_Command_Packets. noble and bleno write
// their start-up commands in one burst, as they may on Linux, where the kernel holds them in its
// command queue and sends the next when the controller answers (net/bluetooth/hci_core.c, hci_cmd_work
// and cmd_cnt). Where blebench owns the controller's link (mock, h4:, serial:, hci-user:, usb) this
// queue does the kernel's part, so no controller ever sees more commands than it allowed.
import { EVT, H4, OP } from '../../base/codes/hci.js';

/** One command at a time until the controller says otherwise (4.4: after power-on and Reset, one). */
const INITIAL_CREDITS = 1;
/**
 * A controller that never answers a command must not stop every later one: after this long the next
 * command goes anyway, as Linux does (HCI_CMD_TIMEOUT, 2 s, "command 0x… tx timeout").
 */
export const COMMAND_ANSWER_TIMEOUT_MS = 2000;

/** Offsets in an H4 Command Complete / Command Status event (indicator, code, length, then parameters). 7.7.14, 7.7.15. */
const CC_NCMD_AT = 3;
const CC_OPCODE_AT = 4;
const CS_NCMD_AT = 4;
const CS_OPCODE_AT = 5;
/** The opcode a controller uses for a Command Complete/Status that answers no command (only hands credits). */
const OPCODE_NONE = 0x0000;

export class CommandFlow {
  private credits = INITIAL_CREDITS;
  /** Opcodes sent and not yet answered, oldest first. */
  private readonly outstanding: number[] = [];
  private readonly waiting: { packet: Buffer; send: () => void }[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** Commands sent because the controller did not answer the one before in time. */
  timeouts = 0;

  /** Commands held until the controller allows them. */
  get queued(): number {
    return this.waiting.length;
  }

  /** A command packet (H4, indicator first) from a host: `send` runs now if the controller allows it, else in order once it does. */
  submit(packet: Buffer, send: () => void): void {
    // 7.3.40: Host Number Of Completed Packets is sent even when no command is allowed.
    if (packet.length >= 3 && packet.readUInt16LE(1) === OP.HOST_NUMBER_OF_COMPLETED_PACKETS) return send();
    this.waiting.push({ packet, send });
    this.pump();
  }

  /** Every packet from the controller: a Command Complete/Status answering a sent command hands back the credits it names. */
  onControllerPacket(packet: Buffer): void {
    if (packet[0] !== H4.EVENT) return;
    let at: [number, number];
    if (packet[1] === EVT.COMMAND_COMPLETE && packet.length >= CC_OPCODE_AT + 2) at = [CC_NCMD_AT, CC_OPCODE_AT];
    else if (packet[1] === EVT.COMMAND_STATUS && packet.length >= CS_OPCODE_AT + 2) at = [CS_NCMD_AT, CS_OPCODE_AT];
    else return;
    const opcode = packet.readUInt16LE(at[1]);
    const i = this.outstanding.indexOf(opcode);
    // An answer to no command of ours (a stray or forged event) changes nothing, unless it is the controller's own "no command" one.
    if (i < 0 && opcode !== OPCODE_NONE) return;
    if (i >= 0) this.outstanding.splice(i, 1);
    this.credits = packet[at[0]]!;
    this.pump();
  }

  /** The link is gone: nothing more will be sent or answered. */
  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.waiting.length = 0;
    this.outstanding.length = 0;
  }

  private pump(): void {
    while (this.credits > 0 && this.waiting.length > 0) {
      const { packet, send } = this.waiting.shift()!;
      this.credits--;
      this.outstanding.push(packet.length >= 3 ? packet.readUInt16LE(1) : OPCODE_NONE);
      send();
    }
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.waiting.length > 0) {
      this.timer = setTimeout(() => this.answerTimedOut(), COMMAND_ANSWER_TIMEOUT_MS);
      this.timer.unref?.();
    }
  }

  private answerTimedOut(): void {
    this.timer = undefined;
    this.timeouts++;
    this.outstanding.shift();
    this.credits = Math.max(this.credits, INITIAL_CREDITS);
    this.pump();
  }
}
