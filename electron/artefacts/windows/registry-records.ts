/**
 * Records the registry plugins yield (registry-host, registry-installs, amcache, shimcache). The
 * lead adds them to the ArtefactRecord union; until then plugins emit them through `emitRecord`.
 * Every record cites hive path + key path (`ref.within.key`) + parser id, and says whether the
 * hive was dirty and which transaction logs were replayed into what it read.
 */
import type { EvidenceRef } from '../../common/evidence-ref.js';

export interface HiveSource {
  /** Path of the hive inside the evidence. */
  hive: string;
  dirty: boolean;
  /** Logs found beside the hive (paths) and what was replayed from them (null: nothing applied). */
  logs: string[];
  replayed: { format: 'new' | 'old'; entries: number; firstSeq: number | null; lastSeq: number | null } | null;
}

/** SYSTEM + SOFTWARE facts about the host (dossier §8.1). Proves: which machine, which OS build, its MachineGuid (`__tutma`), whether the cert padding check is on. */
export interface HostFactsRecord {
  type: 'host-facts';
  computerName: string | null;
  osProductName: string | null;
  osBuild: string | null;
  machineGuid: string | null;
  /** EnableCertPaddingCheck (native or Wow6432Node): absent/0 means a padded d3dcompiler_47.dll still verifies. */
  certPaddingCheck: 'enabled' | 'disabled' | 'absent';
  profiles: { sid: string; path: string; user: string }[];
  /** One citation per fact found. */
  sources: { fact: string; ref: EvidenceRef }[];
  hives: HiveSource[];
  ref: EvidenceRef;
}

export type InstallSource = 'user-uninstall' | 'machine-uninstall' | 'machine-uninstall-wow64' | 'installer-userdata';

/**
 * A 3CX Desktop App install entry in the registry. Proves: the product was installed (by `user`,
 * at `version`) even when its files are gone; `deleted: true` means recovered from free cells
 * (it was uninstalled or overwritten).
 */
export interface RegistryInstallRecord {
  type: 'registry-install';
  source: InstallSource;
  product: string;
  version: string | null;
  publisher: string | null;
  /** InstallDate as stored (YYYYMMDD) and as an ISO date when it parses. */
  installDate: string | null;
  installDateIso: string | null;
  installLocation: string | null;
  /** Uninstall subkey name (ProductCode for MSI) or the packed GUID under Installer\UserData. */
  productKey: string;
  user: string | null;
  sid: string | null;
  keyPath: string;
  keyLastWritten: string | null;
  deleted: boolean;
  hive: HiveSource;
  ref: EvidenceRef;
}

/** Amcache SHA-1 is over the first 31,457,280 bytes only. */
export const AMCACHE_SHA1_LIMIT = 31_457_280;

/**
 * A file Amcache inventoried. Proves presence on the host (not execution) with the SHA-1 Windows
 * computed, comparable with published hashes only when `sha1CoversWholeFile`.
 */
export interface AmcacheFileRecord {
  type: 'amcache-file';
  format: 'inventory' | 'win8-file';
  path: string | null;
  name: string | null;
  sha1: string | null;
  size: number | null;
  sha1CoversWholeFile: boolean | null;
  version: string | null;
  productName: string | null;
  publisher: string | null;
  linkDate: string | null;
  /** Win8 format: the file's last-modified time (value 17). */
  lastModified: string | null;
  keyPath: string;
  keyLastWritten: string | null;
  /** Why it was kept: '3cx-path', '3cx-dll', '3cx-installer', 'sha1-match'. */
  reason: string;
  hive: HiveSource;
  ref: EvidenceRef;
}

/** An application Amcache inventoried (InventoryApplication). Proves it was installed, with version and install time. */
export interface AmcacheApplicationRecord {
  type: 'amcache-app';
  name: string;
  version: string | null;
  publisher: string | null;
  installDate: string | null;
  rootDirPath: string | null;
  msiProductCode: string | null;
  keyPath: string;
  keyLastWritten: string | null;
  hive: HiveSource;
  ref: EvidenceRef;
}

/** A ShimCache entry for a 3CX binary. Proves the file existed at that path with that modification time (not execution on Win10+). */
export interface ShimCacheRecord {
  type: 'shimcache';
  format: string;
  path: string;
  lastModified: string | null;
  position: number;
  insertFlags: number | null;
  controlSet: string;
  hive: HiveSource;
  ref: EvidenceRef;
}

export type RegistryRecord = HostFactsRecord | RegistryInstallRecord | AmcacheFileRecord | AmcacheApplicationRecord | ShimCacheRecord;
