/** Facts about the host itself, from the registry, for the result and the report. */
import { formatRef } from '../common/evidence-ref.js';
import type { HostFact } from '../common/scan-result.js';
import type { ArtefactRecord } from '../artefacts/index.js';
import type { IocSet } from '../analysis/ioc/index.js';

export function hostFacts(records: readonly ArtefactRecord[]): HostFact[] {
  const out: HostFact[] = [];
  for (const r of records) {
    if (r.type !== 'host-facts') continue;
    const src = (fact: string): string => formatRef(r.sources.find((s) => s.fact === fact)?.ref ?? r.ref);
    if (r.computerName) out.push({ name: 'computer name', value: r.computerName, source: src('computerName') });
    if (r.osProductName) out.push({ name: 'operating system', value: `${r.osProductName}${r.osBuild ? ` (build ${r.osBuild})` : ''}`, source: src('osProductName') });
    if (r.machineGuid) out.push({ name: 'MachineGuid (sent by the Windows stage 2 as __tutma)', value: r.machineGuid, source: src('machineGuid') });
    out.push({ name: 'EnableCertPaddingCheck', value: r.certPaddingCheck === 'enabled' ? 'enabled: a padded d3dcompiler_47.dll fails signature checks' : `${r.certPaddingCheck}: a padded d3dcompiler_47.dll still verifies as Microsoft-signed (CVE-2013-3900)`, source: src('certPaddingCheck') });
    for (const p of r.profiles) out.push({ name: `profile ${p.sid}`, value: `${p.user} (${p.path})`, source: src(`profile ${p.sid}`) });
  }
  return out;
}

export function sha1Indicators(iocs: IocSet): Set<string> {
  const out = new Set<string>();
  for (const list of iocs.hashes.values()) for (const i of list) if (i.algorithm === 'sha1') out.add(i.value);
  return out;
}
