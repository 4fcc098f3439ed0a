import { useMemo } from 'react';
import { geoEqualEarth, geoPath } from 'd3-geo';
import { feature } from 'topojson-client';
import type { Topology, GeometryCollection } from 'topojson-specification';
import countries from 'i18n-iso-countries';
import world from 'world-atlas/countries-110m.json';
import { Tooltip } from '@mantine/core';
import { countryName } from '../../lib/format.ts';

const W = 800;
const H = 400;

/** Applicants by country as a choropleth; world-atlas ids are ISO 3166-1 numeric codes. */
export function WorldMap({ data, label }: { data: { country: string; count: number }[]; label: string }) {
  const shapes = useMemo(() => {
    const topo = world as unknown as Topology<{ countries: GeometryCollection }>;
    const fc = feature(topo, topo.objects.countries) as unknown as GeoJSON.FeatureCollection;
    const projection = geoEqualEarth().fitSize([W, H], fc);
    const path = geoPath(projection);
    return fc.features.map((f) => ({ id: String(f.id ?? ''), d: path(f) ?? '' }));
  }, []);
  const counts = useMemo(() => new Map(data.map((d) => [d.country.toUpperCase(), d.count])), [data]);
  const max = Math.max(1, ...data.map((d) => d.count));
  return (
    <svg viewBox={`0 0 ${W} ${H}`} width="100%" role="img" aria-label={label}>
      {shapes.map((s, i) => {
        const a2 = countries.numericToAlpha2(s.id.padStart(3, '0'));
        const n = a2 ? (counts.get(a2) ?? 0) : 0;
        const fill = n ? `color-mix(in srgb, var(--mantine-color-blue-7) ${Math.round(20 + (80 * n) / max)}%, var(--mantine-color-blue-0))` : 'var(--mantine-color-gray-2)';
        return (
          <Tooltip.Floating key={i} label={`${a2 ? countryName(a2) : '—'}: ${n}`} disabled={!a2}>
            <path d={s.d} fill={fill} stroke="var(--mantine-color-white)" strokeWidth={0.5} />
          </Tooltip.Floating>
        );
      })}
    </svg>
  );
}
