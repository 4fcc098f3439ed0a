import type { Match, ScreeningResult } from './query.ts';

/**
 * Human-readable rendering of a screening result (the JSON shape is the contract; this is for
 * terminals). The server's `tessera screen` uses the same function.
 */
export function formatResultText(result: ScreeningResult): string {
  const lines: string[] = [];
  lines.push(`${result.query.names.join(' / ')} (${result.query.schema}, threshold ${result.query.threshold}): ${result.hits} hit(s), ${result.matches.length} match(es)`);
  for (const m of result.matches) lines.push(formatMatchLine(m));
  return lines.join('\n');
}

export function formatMatchLine(m: Match): string {
  const flag = m.hit ? 'HIT ' : '    ';
  const rel = m.relatedTo ? ` (${m.relatedTo.relation} of ${m.relatedTo.entityId})` : '';
  const why = m.features
    .filter((f) => f.feature !== 'name')
    .map((f) => `${f.feature} ${f.effect >= 0 ? '+' : ''}${f.effect}`)
    .join(', ');
  return `${flag}${m.score.toFixed(1).padStart(5)}  ${m.entity.caption}  [${m.entityId}, ${m.entity.schema}]  matched "${m.matchedName}" (${m.matchedNameKind})${why ? `  ${why}` : ''}${rel}`;
}
