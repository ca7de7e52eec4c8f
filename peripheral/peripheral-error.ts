// The peripheral role's own error: a misuse of its API (an unknown characteristic, an operation it lacks).
export class PeripheralError extends Error {
  readonly code = 'PERIPHERAL';
}
