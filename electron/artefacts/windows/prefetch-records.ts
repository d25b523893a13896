/**
 * Records of the Windows Prefetch plugin (windows/prefetch.ts). The lead adds them to the
 * ArtefactRecord union in records.ts and maps them onto stages:
 * - `PrefetchRecord` for 3CXDESKTOPAPP.EXE proves the **executed** stage: Windows' prefetcher
 *   wrote it because the program ran (run count, up to 8 last run times); when its loaded-file
 *   list holds `...\3CXDESKTOPAPP\APP\FFMPEG.DLL` (and `D3DCOMPILER_47.DLL` from the same folder),
 *   the trojanised DLLs were mapped into that process in its first seconds — the loader ran.
 * - For UPDATE.EXE it shows the Squirrel updater ran against the 3CX folder (update/install time);
 *   for MSIEXEC.EXE that an MSI named 3CXDesktopApp*.msi was opened by Windows Installer
 *   (installer stage). Neither alone proves the trojanised build ran.
 */
import type { EvidenceRef } from '../../common/evidence-ref.js';
import type { FileEntry } from '../../common/vfs.js';

export type PrefetchSubject = '3cx-app' | '3cx-updater' | '3cx-msi-install';

export interface PrefetchLoadedFile {
  /** As the prefetch file lists it, e.g. `\VOLUME{...}\USERS\ALICE\...\APP\FFMPEG.DLL`. */
  path: string;
  role: 'ffmpeg' | 'd3dcompiler' | 'app-exe' | 'installer-msi' | 'update-nupkg' | 'other-3cx';
  /** True when the file sits in a 3CXDesktopApp `app` / `app-<version>` folder. */
  inAppFolder: boolean;
}

export interface PrefetchRecord {
  type: 'prefetch';
  platform: 'windows';
  subject: PrefetchSubject;
  /** Executable name from the SCCA header (up to 29 characters). */
  executable: string;
  /** Prefetch hash (8 hex digits): one file per executable path, so launcher and `app\` differ. */
  prefetchHash: string;
  formatVersion: number;
  compressed: boolean;
  entry: FileEntry;
  /** Profile owning the executable's path (`\USERS\<name>\`), matched to the target's users. */
  user: string | null;
  /** The file-list entry for the executable itself, when present. */
  executablePath: string | null;
  runCount: number;
  /** Most recent first, UTC ISO; `lastRunsRaw` keeps the FILETIMEs (decimal). */
  lastRuns: string[];
  lastRunsRaw: string[];
  /** The files that matter among those loaded; full paths as listed. */
  loaded: PrefetchLoadedFile[];
  /** `\3CXDESKTOPAPP\APP\FFMPEG.DLL` (or `app-<version>`) is in the loaded-file list. */
  loadsFfmpeg: boolean;
  /** `D3DCOMPILER_47.DLL` from the same 3CX app folder is in the loaded-file list. */
  loadsD3dcompiler: boolean;
  loadedFileCount: number;
  volumes: { devicePath: string; serial: string; created: string | null }[];
  /** Citation: within.offset/length = the last-run FILETIMEs (in the decompressed SCCA when `compressed`). */
  ref: EvidenceRef;
  /** Where the run count sits, same offset space as `ref.within`. */
  runCountOffset: number;
  notes: string[];
}

/** What the plugin looked at: prefetch absent is `not-assessed`, present but silent is `not-observed`. */
export interface PrefetchCoverageRecord {
  type: 'prefetch-coverage';
  platform: 'windows';
  state: 'examined' | 'absent' | 'unreadable';
  /** `.pf` files seen, parsed, failed. */
  seen: number;
  parsed: number;
  failed: number;
  detail: string;
}
