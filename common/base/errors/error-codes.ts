// Every error blebench can end with, in one table: its code, what it means in plain words, what to do
// about it, and the exit code the CLI gives it. An error class names its code; the table gives the rest
// (common/base/errors/blebench-error.ts), so a code's meaning and exit code are decided here and only here.
// Exit codes (README "Exit codes"): 1 an expectation failed, 2 bad arguments or input, 3 the transport
// (the controller, or the Bluetooth library on it) unavailable, 130 interrupted.

export const EXIT = {
  OK: 0,
  EXPECTATION_FAILED: 1,
  BAD_INPUT: 2,
  TRANSPORT_UNAVAILABLE: 3,
  INTERRUPTED: 130,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export interface ErrorCodeEntry {
  readonly exit: ExitCode;
  /** What the error means, in plain words. */
  readonly meaning: string;
  /** What to do next, in one sentence; an error may say something more precise (its hint). */
  readonly whatToDo: string;
}

// Each keeps its exit code's literal type, so a class can accept only the codes of one exit (BadInputCode).
const bad = (meaning: string, whatToDo: string) => ({ exit: EXIT.BAD_INPUT, meaning, whatToDo }) as const;
const failed = (meaning: string, whatToDo: string) => ({ exit: EXIT.EXPECTATION_FAILED, meaning, whatToDo }) as const;
const unavailable = (meaning: string, whatToDo: string) => ({ exit: EXIT.TRANSPORT_UNAVAILABLE, meaning, whatToDo }) as const;

const MOCK = 'or use --transport mock (the built-in virtual radio)';
const INSTALL = 'run npm ci in blebench\'s folder: it installs the noble and bleno versions blebench pins';

export const ERROR_CODES = {
  // Bad input: a flag, a file, a destination (exit 2).
  BAD_FLAG: bad('a flag or its value is not one this command takes', 'blebench COMMAND --help lists the flags and their values'),
  BAD_DESTINATION: bad('a file or folder the run would write to cannot take it', 'name a file (or folder) in a place you can write'),
  NOT_A_TERMINAL: bad('--interactive needs a terminal on standard input and output', 'run it in a terminal, without pipes or redirection'),
  TRANSPORT_SPEC: bad('the --transport value is not a transport blebench knows', 'use mock, hci:N, h4:unix:PATH, h4:tcp:HOST:PORT, serial:PATH or os (README "Transports")'),
  PROFILE_NOT_FOUND: bad('no profile file or built-in profile by that name', 'give the path of a profile file, or one of the names in fixtures/profiles/'),
  PROFILE_UNREADABLE: bad('the profile file cannot be read as text', 'check the file exists, is readable and is UTF-8 JSON or YAML'),
  PROFILE_SYNTAX: bad('the profile file is not valid JSON or YAML', 'fix the syntax at the line and column named, then run again'),
  PROFILE_INVALID: bad('the profile does not follow the profile format', 'fixtures/profiles/README.md describes the profile format, with an example'),
  UNKNOWN_CHARACTERISTIC: bad('the profile has no characteristic by that name', 'use one of the characteristic names the profile lists'),
  SCENARIO_NOT_FOUND: bad('no scenario file or folder at that path', 'give a scenario file (*.yaml, *.yml, *.json) or a folder holding some'),
  PERSONA_NOT_FOUND: bad('no persona file or built-in persona by that name', 'give the path of a persona file, or one of the names in fixtures/personas/ (ios, macos, android, windows, bluez, spec, noble)'),
  PERSONA_UNREADABLE: bad('the persona file cannot be read as text', 'check the file exists, is readable and is UTF-8 YAML or JSON'),
  PERSONA_SYNTAX: bad('the persona file is not valid YAML or JSON', 'fix the syntax at the line and column named, then run again'),
  PERSONA_INVALID: bad('the persona does not follow the persona format', 'fixtures/personas/README.md describes the persona format; the message names the place in the file'),
  PERSONA_VARIANT: bad('the persona has no variant by that name', 'use NAME:VARIANT with one of the variants the persona lists for the rules nobody knows'),
  SCENARIO_UNREADABLE: bad('the scenario file cannot be read as text', 'check the file exists, is readable and is UTF-8 YAML or JSON'),
  SCENARIO_SYNTAX: bad('the scenario file is not valid YAML or JSON', 'fix the syntax at the line and column named, then run again'),
  SCENARIO_INVALID: bad('the scenario does not follow the scenario format', 'fixtures/scenarios/README.md describes the scenario format, with examples'),
  SMP_CONFIG: bad('a field of the pairing configuration is out of range', 'fix that field of the pairing configuration'),
  CAPTURE_UNREADABLE: bad('the capture file is not a capture blebench reads (btsnoop, pcap, pcapng, PacketLogger)', 'give a btsnoop, pcap, pcapng or .pklg file; blebench capture convert turns one into another'),
  CAPTURE_NO_CONNECTION: bad('the capture holds no LE connection to check against', 'give a capture taken while a central and a peripheral were connected'),
  REPORT_NOT_FOUND: bad('a report file to merge cannot be read', 'give the paths of the shards\' report files'),
  REPORT_INVALID: bad('a file given to merge is not a blebench report, or the reports do not fit together', 'merge the JSON or JUnit reports of the shards of one run'),
  KEY_STORE_CORRUPT: bad('the --keys file exists but is not a key store this version reads', 'fix the file or move it aside (its keys are still in it), then run again'),
  KEY_STORE_UNUSABLE: bad('--keys names a place where no key store can be kept', 'give --keys the path of a key store file (an existing one, or a new name in a folder you can write)'),
  AIR_BAD_LISTEN_SPEC: bad('the --listen value is not unix:PATH, tcp:127.0.0.1:PORT or pty:PATH', 'give --listen unix:PATH, tcp:127.0.0.1:PORT or pty:PATH'),
  AIR_NOT_LOOPBACK: bad('blebench air listens on tcp only on the loopback address', 'use tcp:127.0.0.1:PORT, or a unix: socket'),
  AIR_ADDRESS_IN_USE: bad('the socket file or address already has a listener, or the controller address is taken', 'stop the other listener or choose another path, port or address'),
  AIR_NOT_A_SOCKET: bad('the unix: path exists and is not a socket, so it is not removed', 'choose another path, or move the file aside'),

  // An expectation failed: the peer, the link or the run did not do what was asked (exit 1).
  ATT_ERROR_RESPONSE: failed('the server answered the request with an ATT Error Response (Core v5.4 Vol 3 Part F 3.4.1.1)', 'the message names the ATT error code and what it means; pair or change the link\'s security if it asks for it'),
  ATT_PROTOCOL: failed('the peer answered with a PDU that does not fit the request (wrong opcode, malformed)', 'capture the exchange (--btsnoop) and check the peer against Core v5.4 Vol 3 Part F'),
  SMP_PAIRING_FAILED: failed('pairing ended with Pairing Failed (Core v5.4 Vol 3 Part H 3.5.5)', 'the message names the reason and who sent it; check both sides\' IO capabilities, key sizes and pairing methods'),
  HCI_STATUS: failed('the controller reported an HCI error status: a connection that failed, a link lost, encryption that failed (Core v5.4 Vol 1 Part F)', 'the message names the status; move the devices closer, or check the peer is still there'),
  OPERATION_TIMEOUT: failed('nothing answered within the operation\'s time limit', 'check the peer is in range and advertising; a longer --timeout helps a slow peer'),
  CENTRAL_USAGE: failed('the central was asked for something this link or characteristic cannot do', 'the message says what is missing (a connection, a CCCD, a key); change the scenario or the order of operations'),
  OS_API_FAILED: failed('the operating system\'s Bluetooth stack reported a failure through its API', 'the message quotes the OS\'s words; the ATT code is given only when they carry it'),
  WORLD_CLOSE_FAILED: failed('parts of a radio, transports and roles opened together did not close', 'the message names each part and its error; a later run in this process may find it still in use: start a new process'),
  PERIPHERAL_USAGE: failed('the peripheral was asked for something its profile or its API does not have', 'the message names what is missing; change the profile or the scenario'),
  TIMEOUT: failed('an awaited event did not come within its time limit', 'the message names what was awaited; check the peer and the transport are still there'),
  TAP_WAIT_TIMEOUT: failed('the expected packet did not appear on the tap within its time limit (or the tap closed)', 'the message shows the last packets seen; compare them with what the scenario expects'),
  ABORTED: failed('a wait was cancelled before it ended (the run was stopped)', 'nothing to do if you stopped the run; otherwise the message names what stopped it'),
  BEARER_CLOSED: failed('the link ended before the ATT request was answered', 'reconnect and send the request again'),
  KEY_STORE_WRITE_FAILED: failed('a bond could not be written to the key store', 'the message says where its keys were saved instead; copy them into the key store'),
  FUZZ_LINK_LOST: failed('the link to the fuzz target dropped', 'the fuzz report names the case that preceded it'),
  ROGUE_COMMAND_FAILED: failed('the fuzzer\'s own host saw an HCI command fail', 'check the virtual radio is still running'),
  ROGUE_NOT_CONNECTED: failed('the fuzzer\'s own host has no link to send the case on', 'the target dropped the link; the fuzz report names the case before'),

  // The transport is unavailable: the controller, or the Bluetooth library on it (exit 3).
  NO_KERNEL_BLUETOOTH: unavailable('this kernel has no Bluetooth support (the AF_BLUETOOTH socket family is missing)', `load the bluetooth kernel module, ${MOCK}`),
  PERMISSION_DENIED: unavailable('not allowed to open the adapter or port', 'run as root, or give node CAP_NET_RAW and CAP_NET_ADMIN (raw HCI), or join the port\'s group (serial)'),
  ADAPTER_BUSY: unavailable('another program holds the adapter or port', 'stop the other program (bluetoothd, a serial monitor, another blebench)'),
  NO_SUCH_DEVICE: unavailable('there is no such adapter or port on this machine', '`blebench doctor` lists the adapters and ports it finds'),
  ADAPTER_DOWN: unavailable('the adapter is down', 'bring it up: sudo hciconfig hciN up (or btmgmt power on)'),
  NO_USB_DONGLE: unavailable('no usable USB Bluetooth dongle found', 'plug in a supported dongle and give it to the user (udev rule or root), or name it with usb:VID:PID'),
  NATIVE_MODULE_MISSING: unavailable('the native module @abandonware/bluetooth-hci-socket is not built for this machine', `run npm ci (it builds the module; needs python3, make and g++), ${MOCK}`),
  CONNECT_FAILED: unavailable('the controller could not be opened', `check the transport's path or address, ${MOCK}`),
  LE_UNSUPPORTED: unavailable('the controller does not support Bluetooth LE (HCI version below 4.0)', 'use an adapter that supports Bluetooth 4.0 or later'),
  NOT_HCI_CONTROLLER: unavailable('the serial port does not answer as an H4 HCI controller (silent, or the wrong baud rate)', 'check the firmware is an HCI UART controller and the baud rate (serial:PATH,BAUD)'),
  NOT_A_SERIAL_PORT: unavailable('the path is no serial port (it takes no baud rate or line settings)', 'give the UART of an H4 controller; `blebench doctor` lists the ports it finds'),
  TRANSPORT_CLOSED: unavailable('the controller went away under a running program', 'check the adapter or `blebench air` is still there, then run again'),
  UNSUPPORTED_ON_PLATFORM: unavailable('this transport does not exist on this operating system', '`blebench doctor` says which transports this machine offers'),
  NO_TRANSPORT_SELECTED: unavailable('a Bluetooth library opened an HCI socket outside blebench\'s transports (a bug in blebench)', 'report it with BLEBENCH_DEBUG=1 output; use the transport flags blebench documents'),
  CONTROLLER_REFUSED: unavailable('the controller refused a command the role cannot do without', 'stop other Bluetooth programs or reset the adapter (its limits may be reached), or use --transport mock'),
  NO_COMMAND_COMPLETE: unavailable('the controller did not answer a command in time', 'check the controller is powered and the transport is the right one'),
  NO_ZEPHYR_VENDOR_COMMANDS: unavailable('the controller does not take the Zephyr vendor commands that set its address', 'leave --address out, or use a Zephyr HCI controller'),
  COMMAND_REFUSED: unavailable('the controller answered a set-up command with an error status', 'the message names the status; reset the adapter and try again'),
  ADDRESS_NOT_TAKEN: unavailable('the controller accepted the new address but still reports another one', 'leave --address out, or reset the controller'),
  ADVERTISING_FAILED: unavailable('bleno could not start advertising', 'check the adapter is free and powered (another program may be advertising), or use --transport mock'),
  AIR_PTY_UNAVAILABLE: unavailable('no pseudo-terminal can be made here (Windows, or python3 missing)', 'install python3, or use --listen unix:PATH'),
  AIR_CLOSED: unavailable('the virtual radio was closed', 'start `blebench air` again'),
  FUZZ_TARGET_DID_NOT_START: unavailable('the fuzz target never started', 'the message quotes the target\'s output; run that role alone to see why'),
  NOBLE_LOAD: unavailable('noble cannot be loaded the way blebench needs it (another transport, or loaded before blebench)', `run blebench in its own process; ${INSTALL}`),
  NOBLE_INTERNALS: unavailable('the installed noble is not the version central/noble/ was written for: a part it relies on changed', INSTALL),
  BLENO_LOAD: unavailable('bleno cannot be loaded the way blebench needs it (another version, already loaded, or loaded before blebench)', `run blebench in its own process; ${INSTALL}`),
} as const satisfies Record<string, ErrorCodeEntry>;

export type ErrorCode = keyof typeof ERROR_CODES;

export function errorCodeEntry(code: ErrorCode): ErrorCodeEntry {
  return ERROR_CODES[code];
}
