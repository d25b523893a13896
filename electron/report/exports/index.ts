/** Export formats of a scan result, by name (the CLI's `export` command and the app use these). */
import type { ScanResult } from '../../common/scan-result.js';
import { bodyfile } from './bodyfile.js';
import { l2tcsv } from './l2tcsv.js';
import { stixBundle } from './stix.js';
import { timelineCsv } from './timeline-csv.js';
import { timesketchJsonl } from './timesketch.js';

export const EXPORTS: Record<string, { ext: string; render: (r: ScanResult) => string }> = {
  'timeline-csv': { ext: 'csv', render: timelineCsv },
  l2tcsv: { ext: 'l2t.csv', render: l2tcsv },
  bodyfile: { ext: 'body', render: bodyfile },
  timesketch: { ext: 'timesketch.jsonl', render: timesketchJsonl },
  stix: { ext: 'stix.json', render: stixBundle },
  json: { ext: 'json', render: (r) => JSON.stringify(r, null, 2) + '\n' },
};
