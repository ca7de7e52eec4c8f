// Events print above an open prompt: its lines are erased, the event written, the prompt drawn again
// exactly as it was (cursor moves included); with no prompt open they are plain lines.
import { describe, expect, it } from 'vitest';
import { ConsoleScreen } from '../../common/apps/console/console-screen.js';

const ESC = '\u001b[';

function fakeTerminal() {
  const writes: string[] = [];
  return { writes, out: { write: (s: string) => writes.push(s), columns: 120, rows: 40, isTTY: true } };
}

describe('the console screen', () => {
  it('prints plain lines when no prompt is open', () => {
    const t = fakeTerminal();
    new ConsoleScreen(t.out).print('hello');
    expect(t.writes).toEqual(['hello\n']);
  });

  it('prints above an open prompt and draws the prompt again below, cursor where it was', () => {
    const t = fakeTerminal();
    const screen = new ConsoleScreen(t.out);
    const stream = screen.promptStream();
    // A render as inquirer's screen manager writes it: 3 lines with an error line under the cursor.
    const frame = `? value (hex) 01 0\n> odd number of digits${ESC}1A${ESC}19G`;
    stream.write(frame);
    expect(screen.promptOpen).toBe(true);
    t.writes.length = 0;
    screen.print('◂ notification');
    expect(t.writes).toEqual([`${ESC}1B${ESC}2K${ESC}1A${ESC}2K${ESC}G◂ notification\n${frame}`]);
  });

  it('follows the cursor column inquirer moves alone, and forgets the prompt when it is done', () => {
    const t = fakeTerminal();
    const screen = new ConsoleScreen(t.out);
    const stream = screen.promptStream();
    stream.write(`? name${ESC}7G`);
    stream.write(`${ESC}9G`);
    t.writes.length = 0;
    screen.print('event');
    expect(t.writes).toEqual([`${ESC}2K${ESC}Gevent\n? name${ESC}9G`]);
    stream.write(`\n${ESC}G${ESC}?25h`);
    expect(screen.promptOpen).toBe(false);
    t.writes.length = 0;
    screen.print('later');
    expect(t.writes).toEqual(['later\n']);
  });

  it('gives prompts the terminal width, so they wrap where the terminal does', () => {
    const t = fakeTerminal();
    const stream = new ConsoleScreen(t.out).promptStream() as unknown as { columns: number; rows: number; isTTY: boolean };
    expect([stream.columns, stream.rows, stream.isTTY]).toEqual([120, 40, true]);
  });
});
