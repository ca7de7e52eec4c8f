// Tests that drop to another user (nobody, uid 65534) run files of this checkout as that user. A checkout
// in a private folder (mktemp -d makes 0700 folders) cannot be reached by it; as root, give every folder
// from the checkout up to / the search bit for others (o+x: pass through, not list), which a clone into a
// normal folder already has. Files and folders inside the checkout keep git's and npm's own modes.
import { chmodSync, statSync } from 'node:fs';
import path from 'node:path';

const OTHERS_SEARCH = 0o001;

export function letOthersReach(dir: string): void {
  if (process.getuid?.() !== 0) return; // not root: the test runs as its own user and needs nothing
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    const mode = statSync(d).mode & 0o7777;
    if (!(mode & OTHERS_SEARCH)) chmodSync(d, mode | OTHERS_SEARCH);
    if (path.dirname(d) === d) break;
  }
}
