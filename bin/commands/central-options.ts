// What `blebench central` takes: its flags as commander parses them, and what a caller (a test, `run`)
// may hand it. central.ts runs them; central-os.ts runs the os route with a part of them.
import type { SmpSetup } from '../../common/stack/smp/link-session.js';
import type { HciTransport } from '../../common/stack/hci/transport.js';
import type { PairingPolicy } from '../../central/pairing/pairing-policy.js';
import type { PairingFlags } from '../pairing-options.js';
import type { TextStyle } from '../../common/base/output/style.js';
import type { KeyMissingPolicy } from '../../central/pairing/key-missing-policy.js';
import type { GattCacheMode } from '../../central/gatt/gatt-cache.js';

export interface CentralOptions extends PairingFlags {
  target?: string;
  transport: string;
  /** --html OUT: the matrix and the central tap's chart as one HTML page. */
  html?: string;
  /** --address: the controller's public address, set before noble loads (Zephyr Write BD_ADDR). */
  address?: string;
  policy: PairingPolicy;
  onKeyMissing?: KeyMissingPolicy;
  /** --gatt-cache MODE, or false for --no-gatt-cache: how the GATT cache kept with a bond is used. */
  gattCache?: GattCacheMode | false;
  /** Comma-separated pairing methods: one paired phase (column) each. */
  methods?: string;
  /** Comma-separated personas (fixtures/personas/): one phase (column) each, run as that platform. */
  as?: string;
  profile?: string;
  /** Write the target's GATT table and the security the matrix saw as a profile to FILE. */
  saveProfile?: string;
  btsnoop?: string;
  json?: boolean;
  /** --verbose: each cell's reason under the table. */
  verbose?: boolean;
  /** false with --no-color. */
  color?: boolean;
  interactive?: boolean;
  timeout: number;
  logLevel: string;
  logFormat: string;
}

/** For tests and `run`: an already open transport (kept open), and where output goes. */
export interface CentralDeps {
  transport?: HciTransport;
  out?: (s: string) => void;
  err?: (s: string) => void;
  /** The table's colour, marks and width (default: stdout's; plain and 100 columns with `out`). */
  style?: TextStyle;
  /** @internal On mock with no target: the served peripheral's Security Manager, set per method with --methods. */
  peripheralSmp?: SmpSetup;
  /** @internal The central's Security Manager, set up (key store checked) before the self-matrix opened anything. */
  smp?: SmpSetup | null;
  /** @internal On mock with no target: the served peripheral forgets its bonds (before each --as column). */
  forgetPeripheralBonds?: () => Promise<void>;
  /** Whether a flag was given on the command line (not a default): --as refuses the flags it decides. */
  explicit?: (key: string) => boolean;
}
