// The story scenarios (fixtures/scenarios/story-*.yaml) say what iOS would show and why; their words are
// the persona file's. For each story the words are computed here from the persona's rules and the
// story's own expectations (its last step's outcome, the ATT error and the Pairing Request it expects):
// a story whose text drifts from the persona file fails, and so does one whose persona changes.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadPersona } from '../../common/apps/persona/load-persona.js';
import { attErrorWords, platformErrorWords } from '../../central/persona/platform-error.js';
import { loadScenario } from '../../common/apps/scenario/index.js';

interface TimelineItem {
  pdu?: string;
  count?: number;
  fields?: { errorCode?: number | string };
}
interface StoryStep {
  expect?: { outcome?: string; timeline?: TimelineItem[] };
}
interface Story {
  description: string;
  central: { as: string; steps: StoryStep[] };
}

const DIR = 'fixtures/scenarios';
const stories = readdirSync(DIR).filter((f) => f.startsWith('story-'));
const code = (v: number | string | undefined) => (typeof v === 'string' ? Number.parseInt(v, 16) : v);

describe('the story scenarios speak with their persona\'s words', () => {
  it('there are the issue\'s five causes (the Mac refuses pairing, Just Works where MITM is needed, a lost bond, SC-only against legacy, bleno\'s 0x0F then 0x05)', () => {
    expect(stories.length).toBe(5);
  });

  for (const file of stories) {
    it(`${file}: the app's error and what the user sees, from the persona's rules`, () => {
      const story = parse(readFileSync(`${DIR}/${file}`, 'utf8')) as Story;
      // The scenario is valid and runs as that persona (its Security Manager, cures, key-missing answer).
      const s = loadScenario(`${DIR}/${file}`);
      const persona = loadPersona(story.central.as);
      expect(s.central.persona).toBe(persona.name);
      const c = persona.central!;
      const text = story.description.replace(/\s+/g, ' ');
      const told = story.central.steps.filter((x) => x.expect?.outcome);
      const last = told.at(-1)!.expect!;
      const outcome = last.outcome!;
      const timeline = told.flatMap((x) => x.expect!.timeline ?? []);
      const firstAtt = code(timeline.find((t) => t.pdu === 'ATT Error Response' && t.fields?.errorCode !== undefined)?.fields?.errorCode);
      const paired = timeline.some((t) => t.pdu === 'SMP Pairing Response' && t.count !== 0);
      expect(text).toContain(`The central is the ${persona.name} persona`);
      if (outcome.startsWith('HCI 0x06')) {
        // The peer has no key: the persona stops or pairs again (onEncryptionFailed 0x06).
        expect(c.onEncryptionFailed['0x06'].value).toBe('stop');
        expect(text).toContain(platformErrorWords(c.app.keyMissing.value));
        expect(text).toContain(c.user.keyMissing.value.words);
      } else if (outcome.startsWith('SMP ')) {
        // Pairing refused before any method was chosen: no dialog; the app gets what the persona gives for a failed pairing.
        expect(paired).toBe(false);
        expect(text).toMatch(/no (pairing )?dialog/);
        const failed = c.app.securityFailed.value;
        expect(text).toContain(failed === 'att-error' ? attErrorWords(c.app.attError.value, firstAtt!) : platformErrorWords(failed));
        expect(c.onAttError[`0x${firstAtt!.toString(16).toUpperCase().padStart(2, '0')}` as '0x05'].value.action).toBe('encrypt-or-pair');
      } else {
        // Paired, re-sent, refused again: the persona's prompt, then the error in the app's words.
        const final = Number.parseInt(/^ATT (0x[0-9A-Fa-f]{2})/.exec(outcome)![1]!, 16);
        expect(paired).toBe(true);
        expect(text).toContain(c.user.pairing.value.words);
        expect(text).toContain(attErrorWords(c.app.attError.value, final));
      }
    });
  }
});
