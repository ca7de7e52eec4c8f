export { diagnose, serialCandidates, ALWAYS_AVAILABLE, SERIAL_HCI_VENDORS, type Check, type CheckStatus, type DoctorReport, type Route } from './diagnose.js';
export { realProbes, parseCapEff, hasCap, CAP_NET_ADMIN, CAP_NET_RAW, type Probes, type AdapterInfo, type KernelBluetooth, type Privileges, type SerialPortInfo, type UsbDevice } from './probes.js';
export { renderDoctor } from './render.js';
