// npx tsx bench/profile-top.ts <file.cpuprofile> [N]: the N functions with the most
// self time in a V8 CPU profile (from node --cpu-prof), as "ms  %  function  file:line".
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function main(): void {
  const [file, countText] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: npx tsx bench/profile-top.ts <file.cpuprofile> [N]\n');
    process.exit(2);
  }
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<string, number>();
  let totalUs = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const delta = profile.timeDeltas[i] ?? 0;
    if (!node) return;
    totalUs += delta;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url ? `${relative(process.cwd(), url.replace(/^file:\/\//, ''))}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonymous)'}  ${where}`;
    selfUs.set(key, (selfUs.get(key) ?? 0) + delta);
  });
  const top = [...selfUs.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(countText ?? 25));
  process.stdout.write(`total sampled ${(totalUs / 1000).toFixed(0)} ms\n`);
  for (const [key, us] of top) {
    process.stdout.write(`${(us / 1000).toFixed(0).padStart(7)} ms ${((100 * us) / totalUs).toFixed(1).padStart(5)}%  ${key}\n`);
  }
}

main();
