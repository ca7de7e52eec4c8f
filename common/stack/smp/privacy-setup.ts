// What a role's privacy is, as data (a flag, a scenario's `privacy:`): who makes the resolvable private
// address and how often a new one is made. Core v5.4 Vol 3 Part C 10.7 (privacy feature), 10.7.1.2 and
// Vol 4 Part E 7.8.45 (RPA timeout; T_GAP(private_addr_int) 15 minutes recommended), Vol 6 Part B 1.3.2.
import { randomBytes } from 'node:crypto';
import { RPA_TIMEOUT_S } from '../../base/codes/hci.js';

/** Who makes this device's resolvable private addresses. */
export type PrivacyMode = 'host' | 'controller';
export const PRIVACY_MODES: readonly PrivacyMode[] = ['host', 'controller'];

export interface PrivacySetup {
  /** host: the host makes the RPA (LE Set Random Address); controller: the resolving list does (and resolves peers). */
  mode: PrivacyMode;
  /** Seconds between new RPAs (1..3600; 900 as the spec recommends). */
  rpaTimeoutS: number;
}

/** 15 minutes (Vol 3 Part C Appendix A, T_GAP(private_addr_int)); the controller's default too (7.8.45). */
export const DEFAULT_RPA_TIMEOUT_S = RPA_TIMEOUT_S.DEFAULT;

/** What a security-manager block says of privacy and resolution, for the role's SmpSetup. */
export interface RolePrivacy {
  privacy?: PrivacySetup;
  /** false: the peers' RPAs are never resolved with their stored IRKs. */
  resolvePrivateAddresses?: boolean;
}

/** A fresh IRK (MSB-first): the role keeps it for its whole life, and distributes it when bonding. */
export const freshIrk = (): Buffer => randomBytes(16);
