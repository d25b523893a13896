/** Plain-language names and meanings of the eight stages, shared by report and exports. */
import type { StageId } from '../common/scan-result.js';

export const STAGE_LABEL: Record<StageId, string> = {
  installer: 'Trojanized installer or update package on the host',
  installed: 'Trojanized build installed',
  'trojanized-library': 'Trojanized library (ffmpeg.dll / libffmpeg.dylib)',
  'encrypted-payload': 'Encrypted payload carrier (d3dcompiler_47.dll)',
  executed: 'Trojanized code executed',
  'dormancy-timer': 'Dormancy timer started',
  beacon: 'Contact with attacker infrastructure',
  'second-stage': 'Second-stage payload',
};

export const STAGE_SHORT: Record<StageId, string> = {
  installer: 'Installer',
  installed: 'Installed',
  'trojanized-library': 'Trojanized library',
  'encrypted-payload': 'Encrypted payload',
  executed: 'Executed',
  'dormancy-timer': 'Dormancy timer',
  beacon: 'Beacon',
  'second-stage': 'Second stage',
};
