// blebench run SCENARIO --capture FILE: the scenario's timeline expectations checked against a capture taken
// on hardware (any format blebench reads), so the device lab's trace is judged by the same file CI runs.
// The capture is one host's view: expectations on the other side's tap, and the steps' own results (values,
// ATT codes the central saw), are listed as not checked.
import { EXIT, BadInputError, type ExitCode } from '../../common/base/errors/blebench-error.js';
import { captureTimeline, damageText, openCapture } from '../../common/stack/capture/index.js';
import { evaluateTimeline, type Verdict } from '../../common/apps/scenario/expect/index.js';
import type { Scenario, TimelineExpectation } from '../../common/apps/scenario/index.js';
import { visible } from '../../common/apps/explain/render.js';

function sideOf(x: TimelineExpectation): 'central' | 'peripheral' | undefined {
  return x.kind === 'order' ? x.at : x.match.at;
}

export async function runAgainstCapture(scenarios: readonly Scenario[], file: string, write: (s: string) => void = (s) => process.stdout.write(s)): Promise<ExitCode> {
  if (scenarios.length !== 1) throw new BadInputError('BAD_FLAG', `--capture checks one scenario against one capture; ${scenarios.length} scenarios given`, { path: '--capture' });
  const scenario = scenarios[0]!;
  const tl = await captureTimeline(await openCapture(file));
  if (tl.records === 0) throw new BadInputError('CAPTURE_UNREADABLE', `${file}: nothing could be read`, { file });
  if (!tl.role) throw new BadInputError('CAPTURE_NO_CONNECTION', `${file} has no LE connection: nothing to check the scenario against`, { file });
  write(`${scenario.name}: checked against ${visible(file)} (the ${tl.role}'s capture, ${tl.entries.length} timeline entries${tl.damage ? `; damaged at ${visible(damageText(tl.damage))}` : ''})\n`);
  const timelines = { [tl.role]: tl.entries };
  const all: TimelineExpectation[] = [...scenario.expect.timeline, ...scenario.central.steps.flatMap((s) => s.expect.timeline)];
  const verdicts: Verdict[] = [];
  let skipped = 0;
  for (const x of all) {
    const side: 'central' | 'peripheral' = sideOf(x) ?? tl.role;
    if (side !== tl.role) {
      skipped++;
      write(`  not checked  ${x.path}: looks at the ${side}'s timeline; this is the ${tl.role}'s capture\n`);
      continue;
    }
    // Step-scoped expectations have no step window in a capture: they are checked over the whole capture.
    const v = evaluateTimeline(x, timelines);
    verdicts.push(v);
    write(`  ${v.ok ? 'held  ' : 'FAILED'}       ${v.path ?? ''}: ${visible(v.message)}\n`);
  }
  const failed = verdicts.filter((v) => !v.ok).length;
  write(`${verdicts.length - failed} held, ${failed} failed, ${skipped} not checked (the other side's tap); the steps' own results (values, codes) need the live run\n`);
  if (!verdicts.length) return EXIT.EXPECTATION_FAILED;
  return failed ? EXIT.EXPECTATION_FAILED : EXIT.OK;
}
