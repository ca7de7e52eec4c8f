// Re-exported for tests: the seam-check GATT served by peripheral/seam-check-service.ts.
import { SEAM_CHECK } from '../../peripheral/seam-check-service.js';
export { serveSeamCheck } from '../../peripheral/seam-check-service.js';

export const SEAM_SERVICE = SEAM_CHECK.service;
export const OPEN_CHAR = SEAM_CHECK.openCharacteristic;
export const SECURE_CHAR = SEAM_CHECK.secureCharacteristic;
export const OPEN_VALUE = SEAM_CHECK.openValue;
export const SECURE_VALUE = SEAM_CHECK.secureValue;
