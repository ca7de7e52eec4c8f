// The external programs the tests run, one entry each: the package that brings it on each
// system's package manager (null: that system has no package for it). Add a program here and
// `npm test` checks (and, as root with apt-get, installs) it before vitest starts.
export const TEST_TOOLS = [
  { program: 'tshark', why: 'reads the btsnoop captures (Wireshark’s dissectors)', packages: { apt: 'tshark', dnf: 'wireshark-cli', brew: 'wireshark' } },
  { program: 'mergecap', why: 'joins many captures so that one tshark start reads them all (test/helpers/tshark-batch.ts)', packages: { apt: 'wireshark-common', dnf: 'wireshark-cli', brew: 'wireshark' } },
  { program: 'capinfos', why: 'counts each capture’s frames, to split the joined reading back to its files', packages: { apt: 'wireshark-common', dnf: 'wireshark-cli', brew: 'wireshark' } },
  { program: 'btmon', why: 'reads the btsnoop captures (BlueZ’s decoder)', packages: { apt: 'bluez', dnf: 'bluez', brew: null } },
  { program: 'tmux', why: 'runs the consoles in real terminals', packages: { apt: 'tmux', dnf: 'tmux', brew: 'tmux' } },
  { program: 'chromium', why: 'opens the HTML reports and reads the Mermaid output (driven by playwright-core)', packages: { apt: 'chromium', dnf: 'chromium', brew: 'chromium' } },
];
