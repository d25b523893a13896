/**
 * The `subdir` layer: a host view rooted at a folder of a file system whose files do not name
 * themselves in their layers (an NTFS volume, a live folder). A KAPE VHDX holds the host's C: as
 * `/C/...` on its volume, while refs carry host paths (`/Users/...`); the trailing
 * `{kind:'subdir', locator:'/C'}` says where the host path starts, so a ref opener re-opens
 * `/C/Users/...`. Citation: `… › ntfs vol0 › subdir /C › /Users/alice/...`.
 */
import type { EvidenceRef, Layer } from '../../common/evidence-ref.js';

export const SUBDIR_LAYER = 'subdir';

export function subdirLayer(dir: string): Layer {
  return { kind: SUBDIR_LAYER, locator: dir.startsWith('/') ? dir : `/${dir}` };
}

/** The chain without its trailing subdir layers, and the path on the file system they lead to. */
export function resolveSubdir(ref: Pick<EvidenceRef, 'chain' | 'path'>): { chain: Layer[]; path: string } {
  const chain = [...ref.chain];
  let path = ref.path.startsWith('/') ? ref.path : `/${ref.path}`;
  while (chain.length > 0 && chain[chain.length - 1]!.kind === SUBDIR_LAYER) {
    const parts = chain.pop()!.locator.split('/').filter((p) => p !== '' && p !== '.');
    if (parts.includes('..')) throw new Error(`subdir layer /${parts.join('/')} climbs out of its file system`);
    path = parts.length === 0 ? path : `/${parts.join('/')}${path === '/' ? '' : path}`;
  }
  return { chain, path };
}
