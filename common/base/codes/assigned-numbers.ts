// Names for the 16-bit UUIDs and Appearance values the Bluetooth SIG assigns: the one table every
// printer looks names up in (the matrix, the console, explain, the tap's narration).
// Source: Bluetooth SIG, "Assigned Numbers" document (bluetooth.com/specifications/assigned-numbers),
// revision of 2024-06-25: 2.6 Appearance Values (category << 6 | subcategory), 3.4 GATT Services,
// 3.5 GATT Declarations, 3.7 Descriptors, 3.8 Characteristics (the same rows as the SIG's public
// assigned_numbers/uuids/*.yaml and core/appearance_values.yaml). A subset: the numbers a GATT
// server commonly serves; a number not listed is printed as a number.

import { hex } from './code-table.js';

/** Which list of the document a name comes from. */
export type AssignedKind = 'service' | 'declaration' | 'descriptor' | 'characteristic';

/** Assigned Numbers 3.4: GATT Services. */
const SERVICES: ReadonlyArray<readonly [number, string]> = [
  [0x1800, 'Generic Access'],
  [0x1801, 'Generic Attribute'],
  [0x1802, 'Immediate Alert'],
  [0x1803, 'Link Loss'],
  [0x1804, 'Tx Power'],
  [0x1805, 'Current Time'],
  [0x1806, 'Reference Time Update'],
  [0x1807, 'Next DST Change'],
  [0x1808, 'Glucose'],
  [0x1809, 'Health Thermometer'],
  [0x180a, 'Device Information'],
  [0x180d, 'Heart Rate'],
  [0x180e, 'Phone Alert Status'],
  [0x180f, 'Battery'],
  [0x1810, 'Blood Pressure'],
  [0x1811, 'Alert Notification'],
  [0x1812, 'Human Interface Device'],
  [0x1813, 'Scan Parameters'],
  [0x1814, 'Running Speed and Cadence'],
  [0x1815, 'Automation IO'],
  [0x1816, 'Cycling Speed and Cadence'],
  [0x1818, 'Cycling Power'],
  [0x1819, 'Location and Navigation'],
  [0x181a, 'Environmental Sensing'],
  [0x181b, 'Body Composition'],
  [0x181c, 'User Data'],
  [0x181d, 'Weight Scale'],
  [0x181e, 'Bond Management'],
  [0x181f, 'Continuous Glucose Monitoring'],
  [0x1820, 'Internet Protocol Support'],
  [0x1821, 'Indoor Positioning'],
  [0x1822, 'Pulse Oximeter'],
  [0x1823, 'HTTP Proxy'],
  [0x1824, 'Transport Discovery'],
  [0x1825, 'Object Transfer'],
  [0x1826, 'Fitness Machine'],
  [0x1827, 'Mesh Provisioning'],
  [0x1828, 'Mesh Proxy'],
  [0x1829, 'Reconnection Configuration'],
];

/** Assigned Numbers 3.5: GATT attribute types of the declarations. Core v5.4 Vol 3 Part G 3.1-3.3. */
const DECLARATIONS: ReadonlyArray<readonly [number, string]> = [
  [0x2800, 'Primary Service'],
  [0x2801, 'Secondary Service'],
  [0x2802, 'Include'],
  [0x2803, 'Characteristic'],
];

/** Assigned Numbers 3.7: Descriptors. */
const DESCRIPTORS: ReadonlyArray<readonly [number, string]> = [
  [0x2900, 'Characteristic Extended Properties'],
  [0x2901, 'Characteristic User Description'],
  [0x2902, 'Client Characteristic Configuration'],
  [0x2903, 'Server Characteristic Configuration'],
  [0x2904, 'Characteristic Presentation Format'],
  [0x2905, 'Characteristic Aggregate Format'],
  [0x2906, 'Valid Range'],
  [0x2907, 'External Report Reference'],
  [0x2908, 'Report Reference'],
  [0x2909, 'Number of Digitals'],
  [0x290a, 'Value Trigger Setting'],
  [0x290b, 'Environmental Sensing Configuration'],
  [0x290c, 'Environmental Sensing Measurement'],
  [0x290d, 'Environmental Sensing Trigger Setting'],
  [0x290e, 'Time Trigger Setting'],
];

/** Assigned Numbers 3.8: Characteristics. */
const CHARACTERISTICS: ReadonlyArray<readonly [number, string]> = [
  [0x2a00, 'Device Name'],
  [0x2a01, 'Appearance'],
  [0x2a02, 'Peripheral Privacy Flag'],
  [0x2a03, 'Reconnection Address'],
  [0x2a04, 'Peripheral Preferred Connection Parameters'],
  [0x2a05, 'Service Changed'],
  [0x2a06, 'Alert Level'],
  [0x2a07, 'Tx Power Level'],
  [0x2a08, 'Date Time'],
  [0x2a19, 'Battery Level'],
  [0x2a1c, 'Temperature Measurement'],
  [0x2a1d, 'Temperature Type'],
  [0x2a1e, 'Intermediate Temperature'],
  [0x2a21, 'Measurement Interval'],
  [0x2a23, 'System ID'],
  [0x2a24, 'Model Number String'],
  [0x2a25, 'Serial Number String'],
  [0x2a26, 'Firmware Revision String'],
  [0x2a27, 'Hardware Revision String'],
  [0x2a28, 'Software Revision String'],
  [0x2a29, 'Manufacturer Name String'],
  [0x2a2b, 'Current Time'],
  [0x2a37, 'Heart Rate Measurement'],
  [0x2a38, 'Body Sensor Location'],
  [0x2a39, 'Heart Rate Control Point'],
  [0x2a4a, 'HID Information'],
  [0x2a4b, 'Report Map'],
  [0x2a4c, 'HID Control Point'],
  [0x2a4d, 'Report'],
  [0x2a4e, 'Protocol Mode'],
  [0x2a50, 'PnP ID'],
  [0x2a6d, 'Pressure'],
  [0x2a6e, 'Temperature'],
  [0x2a6f, 'Humidity'],
  [0x2aa6, 'Central Address Resolution'],
  [0x2ac9, 'Resolvable Private Address Only'],
  [0x2b29, 'Client Supported Features'],
  [0x2b2a, 'Database Hash'],
  [0x2b3a, 'Server Supported Features'],
];

const TABLES: Readonly<Record<AssignedKind, ReadonlyMap<number, string>>> = {
  service: new Map(SERVICES),
  declaration: new Map(DECLARATIONS),
  descriptor: new Map(DESCRIPTORS),
  characteristic: new Map(CHARACTERISTICS),
};

/** The SIG's name for a 16-bit UUID, from the list of that kind (or from any list when no kind is given). */
export function assignedName(uuid16: number, kind?: AssignedKind): string | undefined {
  if (kind) return TABLES[kind].get(uuid16);
  for (const t of Object.values(TABLES)) {
    const name = t.get(uuid16);
    if (name !== undefined) return name;
  }
  return undefined;
}

/** Assigned Numbers 2.6.2: Appearance categories (bits 15-6 of the value). */
const APPEARANCE_CATEGORIES: ReadonlyArray<readonly [number, string]> = [
  [0x000, 'Unknown'],
  [0x001, 'Phone'],
  [0x002, 'Computer'],
  [0x003, 'Watch'],
  [0x004, 'Clock'],
  [0x005, 'Display'],
  [0x006, 'Remote Control'],
  [0x007, 'Eye-glasses'],
  [0x008, 'Tag'],
  [0x009, 'Keyring'],
  [0x00a, 'Media Player'],
  [0x00b, 'Barcode Scanner'],
  [0x00c, 'Thermometer'],
  [0x00d, 'Heart Rate Sensor'],
  [0x00e, 'Blood Pressure'],
  [0x00f, 'Human Interface Device'],
  [0x010, 'Glucose Meter'],
  [0x011, 'Running Walking Sensor'],
  [0x012, 'Cycling'],
  [0x013, 'Control Device'],
  [0x014, 'Network Device'],
  [0x015, 'Sensor'],
  [0x016, 'Light Fixtures'],
  [0x017, 'Fan'],
  [0x018, 'HVAC'],
  [0x019, 'Air Conditioning'],
  [0x01a, 'Humidifier'],
  [0x01b, 'Heating'],
  [0x01c, 'Access Control'],
  [0x01d, 'Motorized Device'],
  [0x01e, 'Power Device'],
  [0x01f, 'Light Source'],
  [0x020, 'Window Covering'],
  [0x021, 'Audio Sink'],
  [0x022, 'Audio Source'],
  [0x023, 'Motorized Vehicle'],
  [0x024, 'Domestic Appliance'],
  [0x025, 'Wearable Audio Device'],
  [0x026, 'Aircraft'],
  [0x027, 'AV Equipment'],
  [0x028, 'Display Equipment'],
  [0x029, 'Hearing aid'],
  [0x02a, 'Gaming'],
  [0x02b, 'Signage'],
  [0x031, 'Pulse Oximeter'],
  [0x032, 'Weight Scale'],
  [0x033, 'Personal Mobility Device'],
  [0x034, 'Continuous Glucose Monitor'],
  [0x035, 'Insulin Pump'],
  [0x036, 'Medication Delivery'],
  [0x037, 'Spirometer'],
  [0x051, 'Outdoor Sports Activity'],
];

/** Assigned Numbers 2.6.3: the subcategories of the categories most often met; key category << 6 | sub. */
const APPEARANCE_SUBCATEGORIES: ReadonlyArray<readonly [number, string]> = [
  [0x0081, 'Desktop Workstation'],
  [0x0082, 'Server-class Computer'],
  [0x0083, 'Laptop'],
  [0x0084, 'Handheld PC/PDA (clamshell)'],
  [0x0085, 'Palm-size PC/PDA'],
  [0x0086, 'Wearable computer (watch size)'],
  [0x0087, 'Tablet'],
  [0x0088, 'Docking Station'],
  [0x0089, 'All in One'],
  [0x008a, 'Blade Server'],
  [0x008b, 'Convertible'],
  [0x008c, 'Detachable'],
  [0x008d, 'IoT Gateway'],
  [0x008e, 'Mini PC'],
  [0x008f, 'Stick PC'],
  [0x00c1, 'Sports Watch'],
  [0x00c2, 'Smartwatch'],
  [0x0341, 'Heart Rate Belt'],
  [0x0301, 'Ear Thermometer'],
  [0x03c1, 'Keyboard'],
  [0x03c2, 'Mouse'],
  [0x03c3, 'Joystick'],
  [0x03c4, 'Gamepad'],
  [0x03c5, 'Digitizer Tablet'],
  [0x03c6, 'Card Reader'],
  [0x03c7, 'Digital Pen'],
  [0x03c8, 'Barcode Scanner'],
  [0x03c9, 'Touchpad'],
  [0x03ca, 'Presentation Remote'],
];

const CATEGORY = new Map(APPEARANCE_CATEGORIES);
const SUBCATEGORY = new Map(APPEARANCE_SUBCATEGORIES);
/** Bits 5-0 of an Appearance value are its subcategory. Assigned Numbers 2.6.1. */
const SUBCATEGORY_BITS = 6;

/**
 * An Appearance value in words: 0x0080 "Generic Computer", 0x0083 "Laptop (Computer)", 0x00BF
 * "Computer, subcategory 0x3F"; undefined for a category the table does not know.
 */
export function appearanceName(value: number): string | undefined {
  const category = CATEGORY.get(value >> SUBCATEGORY_BITS);
  if (category === undefined) return undefined;
  const sub = value & ((1 << SUBCATEGORY_BITS) - 1);
  if (sub === 0) return category === 'Unknown' ? 'Unknown' : `Generic ${category}`;
  const name = SUBCATEGORY.get(value);
  return name !== undefined ? `${name} (${category})` : `${category}, subcategory ${hex(sub)}`;
}
