// What a reader shares with whoever drives it: the last frame number given, and where it stopped on damage.
import type { CaptureDamage } from './capture-record.js';

export interface ReadState {
  /** The last frame number given out (0 before the first). */
  frame: number;
  damage?: CaptureDamage;
}
