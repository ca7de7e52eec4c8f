// The fuzz harness's own failures: a target that never started is the environment's problem
// (exit 3), not a finding.
import { BlebenchError } from '../../base/errors/blebench-error.js';

export class FuzzTargetError extends BlebenchError {
  readonly code = 'FUZZ_TARGET_DID_NOT_START';
}
